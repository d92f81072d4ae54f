// Builders for real test images made in code with sharp: photo-like pixels, odd formats and hostile files.

import { deflateSync } from 'node:zlib'
import sharp, { type Sharp } from 'sharp'
import { createRng } from '../../src/main/engine/rng'

/** Raw pixels, row-major, `channels` bytes per pixel. */
export interface RawPixels {
  data: Uint8Array
  width: number
  height: number
  channels: 1 | 2 | 3 | 4
}

/** Smooth colour gradients plus seeded noise: resampling and decoding errors show, encoders stay small. */
export function photoLike(width: number, height: number, seed = 1, channels: 1 | 2 | 3 | 4 = 3): RawPixels {
  const rng = createRng(seed)
  const freq = Array.from({ length: channels }, () => [rng.uniform(1, 4), rng.uniform(1, 4), rng.uniform(0, 6.28)])
  const data = new Uint8Array(width * height * channels)
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        const [fx, fy, ph] = freq[c]
        const v = 128 + 90 * Math.sin((fx * 6.28 * x) / width + ph) * Math.cos((fy * 6.28 * y) / height) + 8 * rng.normal()
        data[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v)))
      }
    }
  }
  return { data, width, height, channels }
}

function fromRaw(p: RawPixels): Sharp {
  return sharp(p.data, { raw: { width: p.width, height: p.height, channels: p.channels } })
}

/** Encode raw pixels; `format` picks the container, options go to the encoder. */
export async function encode(p: RawPixels, format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff', options: Record<string, unknown> = {}): Promise<Buffer> {
  return fromRaw(p).toFormat(format, options).toBuffer()
}

/** A JPEG photo of the given size. */
export function jpegPhoto(width: number, height: number, seed = 1): Promise<Buffer> {
  return encode(photoLike(width, height, seed), 'jpeg', { quality: 90 })
}

/** A PNG photo of the given size. */
export function pngPhoto(width: number, height: number, seed = 1): Promise<Buffer> {
  return encode(photoLike(width, height, seed), 'png')
}

/** An 8-bit greyscale PNG. */
export function greyPng(width: number, height: number, seed = 1): Promise<Buffer> {
  return fromRaw(photoLike(width, height, seed, 1))
    .toColourspace('b-w')
    .png()
    .toBuffer()
}

/** A CMYK JPEG (libvips writes Adobe-inverted CMYK as Photoshop does). */
export function cmykJpeg(width: number, height: number, seed = 1): Promise<Buffer> {
  return fromRaw(photoLike(width, height, seed))
    .toColourspace('cmyk')
    .jpeg({ quality: 92 })
    .toBuffer()
}

/** A 16-bit-per-channel RGB PNG. */
export function rgb16Png(width: number, height: number, seed = 1): Promise<Buffer> {
  return fromRaw(photoLike(width, height, seed))
    .toColourspace('rgb16')
    .png()
    .toBuffer()
}

/** An RGBA PNG whose top quarter is fully transparent (the RGB underneath stays photo-like). */
export function rgbaPng(width: number, height: number, seed = 1): Promise<Buffer> {
  const p = photoLike(width, height, seed, 4)
  for (let i = 0; i < (width * height) / 4; i++) p.data[i * 4 + 3] = 0
  return encode(p, 'png')
}

/** A palette PNG with transparency (quantised RGBA). */
export async function paletteAlphaPng(width: number, height: number, seed = 1): Promise<Buffer> {
  const p = photoLike(width, height, seed, 4)
  for (let i = 0; i < width * height; i++) p.data[i * 4 + 3] = i % 3 === 0 ? 0 : 255
  return encode(p, 'png', { palette: true, colours: 64 })
}

/** A WebP (lossy unless `lossless`), RGBA when `alpha`. */
export function webpPhoto(width: number, height: number, seed = 1, opts: { lossless?: boolean; alpha?: boolean } = {}): Promise<Buffer> {
  return encode(photoLike(width, height, seed, opts.alpha ? 4 : 3), 'webp', { quality: 80, lossless: opts.lossless ?? false })
}

/** An animated GIF of `frames` different photo-like frames. */
export function animatedGif(width: number, height: number, frames = 3, seed = 1): Promise<Buffer> {
  const pages = Array.from({ length: frames }, (_, k) => photoLike(width, height, seed + k))
  const data = new Uint8Array(width * height * 3 * frames)
  pages.forEach((p, k) => data.set(p.data, k * p.data.length))
  return sharp(data, { raw: { width, height: height * frames, channels: 3, pageHeight: height } })
    .gif({ loop: 0, delay: 100 })
    .toBuffer()
}

/** A JPEG carrying EXIF Orientation = `orientation` (PIL, and so CLIP, ignores it). */
export function exifRotatedJpeg(width: number, height: number, orientation = 6, seed = 1): Promise<Buffer> {
  return fromRaw(photoLike(width, height, seed))
    .jpeg({ quality: 90 })
    .withMetadata({ orientation })
    .toBuffer()
}

/** The first `fraction` of the bytes (a download cut short). */
export function truncated(bytes: Uint8Array, fraction = 0.5): Buffer {
  return Buffer.from(bytes.subarray(0, Math.floor(bytes.length * fraction)))
}

function pngChunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8)
  head.writeUInt32BE(body.length, 0)
  head.write(type, 4, 'latin1')
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0)
  return Buffer.concat([head, body, crc])
}

function crc32(buf: Buffer): number {
  let c = ~0
  for (const byte of buf) {
    c ^= byte
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return ~c >>> 0
}

/**
 * A valid side×side 1-bit greyscale PNG of zeros (30000² = 900 Mpixel from ~0.5 MB): decoding it to
 * RGB would take 2.7 GB, so a reader must refuse it from the header.
 */
export function decompressionBombPng(side = 30_000): Buffer {
  const rowBytes = 1 + Math.ceil(side / 8)
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(side, 0)
  ihdr.writeUInt32BE(side, 4)
  ihdr.set([1, 0, 0, 0, 0], 8)
  const idat = deflateSync(Buffer.alloc(rowBytes * side), { level: 1 })
  return Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))])
}

/** An SVG that references an external image (must never be fetched). */
export function svgWithExternalRef(url = 'http://127.0.0.1:9/never.png'): Buffer {
  return Buffer.from(
    `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64">` +
      `<rect width="64" height="64" fill="red"/><image xlink:href="${url}" width="64" height="64"/></svg>`
  )
}

/** Text bytes that are not an image (e.g. a caption file renamed to .jpg). */
export function notAnImage(): Buffer {
  return Buffer.from('a photo of a cat, saved by mistake with a .jpg extension\n')
}
