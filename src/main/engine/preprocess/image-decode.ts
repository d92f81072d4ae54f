// Decodes untrusted image bytes with sharp into 8-bit RGB exactly as PIL's Image.open(...).convert('RGB').

import sharp, { type Metadata, type OutputInfo } from 'sharp'
import { WorkbenchError } from '../../../shared/contract/errors'
import { MAX_PIXELS, PIXEL_LIMIT_HINT, pixelLimitProblem } from '../limits'
import type { SourcePixels } from './image'
import { paletteOf } from './palette'
import { jpegFrame } from './jpeg-header'

/** Decoded pixels: 8-bit RGB, row-major HWC, as PIL's convert('RGB') would give them. */
export interface DecodedImage {
  data: Uint8Array
  width: number
  height: number
  /** Container format sniffed from the bytes: jpeg, png, gif, webp or tiff. */
  format: string
  /** PIL's mode before conversion where it matters to OpenCLIP's order (palette, bilevel, alpha). */
  source?: SourcePixels
}

/** Limits for decoding one item. */
export interface DecodeOptions {
  /** Refuse images with more pixels than this before decoding them (decompression-bomb guard). */
  maxPixels?: number
  /** Names the item in error messages (dataset id or path). */
  itemId?: string
}

/** The one pixel limit (engine/limits.ts), shared with validation and thumbnails. */
export const DEFAULT_MAX_PIXELS = MAX_PIXELS

const MAGIC: Array<[string, (b: Uint8Array) => boolean]> = [
  ['jpeg', (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff],
  ['png', (b) => ascii(b, 0, 8) === '\x89PNG\r\n\x1a\n'],
  ['gif', (b) => ascii(b, 0, 4) === 'GIF8'],
  ['webp', (b) => ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 12) === 'WEBP'],
  ['tiff', (b) => ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*']
]

function ascii(b: Uint8Array, start: number, end: number): string {
  return String.fromCharCode(...b.subarray(start, end))
}

function badItem(item: string, message: string, hint: string, cause?: unknown): WorkbenchError {
  return new WorkbenchError({ code: 'bad-item', message: `${item}: ${message}`, item, hint }, { cause })
}

/**
 * Which decoder the bytes are for, by magic number, before sharp sees them: only formats PIL also
 * reads are accepted, so SVG (external references), PDF, HEIF and the like never reach a decoder.
 */
function sniffFormat(bytes: Uint8Array, item: string): string {
  if (bytes.length === 0) throw badItem(item, 'the file is empty (0 bytes).', 'Replace it with the original image or remove the item.')
  const hit = MAGIC.find(([, test]) => bytes.length >= 12 && test(bytes))
  if (hit) return hit[0]
  const head = new TextDecoder()
    .decode(bytes.subarray(0, 512))
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase()
  if (head.startsWith('<') && head.includes('<svg')) {
    throw badItem(item, 'SVG images are not accepted (CLIP pipelines read raster images only, and SVG can reference external files).', 'Rasterise it to PNG at the size you want, then use the PNG.')
  }
  throw badItem(
    item,
    'the file is not a JPEG, PNG, GIF, WebP or TIFF image (its first bytes match none of them).',
    'Check that the file is an image and not truncated or renamed; convert other formats to PNG.'
  )
}

/** The header facts decoding needs (a subset of sharp's Metadata). */
type Header = Pick<Metadata, 'space' | 'isPalette' | 'hasAlpha' | 'bitsPerSample' | 'format'>

async function readHeader(bytes: Uint8Array, format: string, item: string, maxPixels: number): Promise<Header> {
  // An 8-bit three-component JPEG (a photo) decodes to sRGB whatever else its header says; read its size here.
  const frame = format === 'jpeg' ? jpegFrame(bytes) : null
  if (frame && frame.precision === 8 && frame.components === 3) {
    const overLimit = pixelLimitProblem(frame.width, frame.height, maxPixels)
    if (overLimit) throw badItem(item, overLimit, PIXEL_LIMIT_HINT)
    return { space: 'srgb', isPalette: false, hasAlpha: false, bitsPerSample: 8, format: 'jpeg' }
  }
  let meta: Metadata
  try {
    meta = await sharp(bytes, { limitInputPixels: false, pages: 1 }).metadata()
  } catch (err) {
    throw badItem(item, `the image header cannot be read (${(err as Error).message}).`, 'The file is corrupt or truncated; re-download or re-export it.', err)
  }
  const width = meta.width ?? 0
  const height = meta.pageHeight ?? meta.height ?? 0
  if (width < 1 || height < 1) throw badItem(item, `the image header gives no usable size (${width}×${height}).`, 'Re-export the image.')
  const overLimit = pixelLimitProblem(width, height, maxPixels)
  if (overLimit) throw badItem(item, overLimit, PIXEL_LIMIT_HINT)
  return meta
}

/** sharp's raw output for the source colour space, without ICC transforms or orientation. */
async function rawPixels(bytes: Uint8Array, meta: Header, maxPixels: number): Promise<{ data: Buffer; info: OutputInfo }> {
  // ignoreIcc: PIL ignores embedded profiles; failOn 'error' rejects truncated data as PIL does.
  const base = sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels, ignoreIcc: true, pages: 1, autoOrient: false })
  switch (meta.space) {
    case 'cmyk':
      return base.pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer({ resolveWithObject: true })
    case 'rgb16':
    case 'grey16':
      return base.toColourspace(meta.space).raw({ depth: 'ushort' }).toBuffer({ resolveWithObject: true })
    case 'b-w':
      return base.toColourspace('b-w').raw().toBuffer({ resolveWithObject: true })
    default:
      return base.toColourspace('srgb').raw().toBuffer({ resolveWithObject: true })
  }
}

/** PIL Convert.c cmyk2rgb: nk = 255 - K, channel = nk - MULDIV255(C, nk); no colour management. */
function cmykToRgb(src: Uint8Array, n: number, out: Uint8Array): void {
  for (let i = 0; i < n; i++) {
    const nk = 255 - src[i * 4 + 3]
    for (let c = 0; c < 3; c++) {
      const t = src[i * 4 + c] * nk + 128
      out[i * 3 + c] = Math.max(0, nk - (((t >> 8) + t) >> 8))
    }
  }
}

/**
 * Palette colour behind the first GIF frame's transparent index, or null. PIL keeps GIF frames as
 * palette indices, so convert('RGB') shows that colour where libvips yields transparent black.
 */
export function gifTransparentColour(b: Uint8Array): [number, number, number] | null {
  const tableSize = (packed: number): number => (packed & 0x80 ? 3 * (2 << (packed & 7)) : 0)
  const globalAt = 13
  let palette = b.subarray(globalAt, globalAt + tableSize(b[10]))
  let p = globalAt + palette.length
  let index = -1
  while (p < b.length) {
    if (b[p] === 0x2c) {
      const local = tableSize(b[p + 9])
      if (local) palette = b.subarray(p + 10, p + 10 + local)
      break
    }
    if (b[p] !== 0x21) return null
    if (b[p + 1] === 0xf9 && b[p + 3] & 1) index = b[p + 6]
    p += 2
    while (p < b.length && b[p] !== 0) p += b[p] + 1
    p += 1
  }
  if (index < 0 || index * 3 + 2 >= palette.length) return null
  return [palette[index * 3], palette[index * 3 + 1], palette[index * 3 + 2]]
}

/**
 * Map sharp's raw pixels to PIL's convert('RGB'): alpha is dropped (not composited); grey is
 * replicated; 16-bit RGB keeps the high byte (PIL unpacks "RGB;16B" that way); 16-bit grey without
 * alpha opens as PIL mode "I" whose conversion clips at 255, and is clipped here the same way.
 */
function toRgb(data: Buffer, info: OutputInfo, space: string | undefined, transparent: number[] | null): Uint8Array {
  const n = info.width * info.height
  const ch = info.channels
  // 8-bit RGB (every JPEG photo) is already what PIL holds: a plain Uint8Array view, not a copy (a copy loop here cost
  // as much CPU as the JPEG decode itself, issue 19); not a Buffer, whose slice() would not copy.
  if (ch === 3 && space !== 'rgb16' && data.length === n * 3) return new Uint8Array(data.buffer, data.byteOffset, data.length)
  const out = new Uint8Array(n * 3)
  if (space === 'cmyk' && ch === 4) {
    cmykToRgb(data, n, out)
    return out
  }
  const wide = space === 'rgb16' || space === 'grey16'
  const src = wide ? new Uint16Array(data.buffer, data.byteOffset, data.length / 2) : data
  const grey = ch < 3
  const clip = space === 'grey16' && ch === 1
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const v = src[i * ch + (grey ? 0 : c)]
      out[i * 3 + c] = !wide ? v : clip ? Math.min(v, 255) : v >> 8
    }
    if (transparent && ch === 4 && src[i * 4 + 3] === 0) out.set(transparent, i * 3)
  }
  return out
}

/**
 * Decode image bytes to 8-bit RGB with PIL semantics (see toRgb); animated GIF/WebP give their first
 * frame; EXIF orientation is not applied (PIL does not apply it). Every failure is a `bad-item`
 * WorkbenchError naming the item; images over `maxPixels` are refused from the header alone.
 */
export async function decodeImage(bytes: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const item = options.itemId ?? 'image'
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS
  const format = sniffFormat(bytes, item)
  const meta = await readHeader(bytes, format, item, maxPixels)
  let raw: { data: Buffer; info: OutputInfo }
  try {
    raw = await rawPixels(bytes, meta, maxPixels)
  } catch (err) {
    throw badItem(item, `the image data cannot be decoded (${(err as Error).message}).`, 'The file is corrupt or truncated; re-download or re-export it.', err)
  }
  const transparent = format === 'gif' ? gifTransparentColour(bytes) : null
  const source = await sourcePixels(bytes, meta, raw, maxPixels).catch(() => undefined)
  return { data: toRgb(raw.data, raw.info, meta.space, transparent), width: raw.info.width, height: raw.info.height, format, ...(source ? { source } : {}) }
}

/** The PIL mode the file opens as, where resizing before convert('RGB') differs from after (see image.ts resizeInOrder). */
async function sourcePixels(bytes: Uint8Array, meta: Header, raw: { data: Buffer; info: OutputInfo }, maxPixels: number): Promise<SourcePixels | undefined> {
  if (meta.isPalette) return { mode: 'P', palette: paletteOf(bytes, meta.format ?? '') }
  if (meta.space === 'cmyk') return { mode: 'CMYK' }
  const ch = raw.info.channels
  if (meta.space === 'b-w' && ch === 1 && !meta.hasAlpha && meta.bitsPerSample === 1) return { mode: '1' }
  if (!meta.hasAlpha || meta.space === 'rgb16' || meta.space === 'grey16') return undefined
  const n = raw.info.width * raw.info.height
  if (ch === 4) {
    const alpha = new Uint8Array(n)
    for (let i = 0; i < n; i++) alpha[i] = raw.data[i * 4 + 3]
    return { mode: 'RGBA', alpha }
  }
  // Grey with alpha: the 'b-w' raw output drops alpha, so read that band on its own.
  const band = await sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels, ignoreIcc: true, pages: 1, autoOrient: false }).extractChannel('alpha').raw().toBuffer()
  return band.length === n ? { mode: 'LA', alpha: new Uint8Array(band) } : undefined
}
