// decodeImage on odd and hostile inputs made in code: PIL's convert('RGB') semantics and per-item bad-item errors.

import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { WorkbenchError } from '../../../../src/shared/contract/errors'
import { decodeImage } from '../../../../src/main/engine/preprocess'
import * as images from '../../../helpers/images'

async function badItem(bytes: Uint8Array, itemId: string, options: { maxPixels?: number } = {}): Promise<WorkbenchError> {
  const err = await decodeImage(bytes, { itemId, ...options }).then(
    () => null,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(WorkbenchError)
  const e = err as WorkbenchError
  expect(e.code).toBe('bad-item')
  expect(e.item).toBe(itemId)
  expect(e.message).toContain(itemId)
  expect(e.hint).toBeTruthy()
  return e
}

describe('decodeImage: PIL convert("RGB") semantics', () => {
  it('keeps RGB pixels of an RGB PNG exactly', async () => {
    const p = images.photoLike(37, 23, 5)
    const img = await decodeImage(await images.encode(p, 'png'))
    expect(img).toMatchObject({ width: 37, height: 23, format: 'png' })
    expect(Buffer.from(img.data).equals(Buffer.from(p.data))).toBe(true)
  })

  it('drops alpha without compositing: RGB under fully transparent pixels survives', async () => {
    const p = images.photoLike(40, 32, 6, 4)
    for (let i = 0; i < 40 * 8; i++) p.data[i * 4 + 3] = 0
    const img = await decodeImage(await images.encode(p, 'png'))
    for (let i = 0; i < 40 * 32; i++) {
      expect([img.data[i * 3], img.data[i * 3 + 1], img.data[i * 3 + 2]]).toEqual([p.data[i * 4], p.data[i * 4 + 1], p.data[i * 4 + 2]])
    }
  })

  it('replicates grey into R, G and B', async () => {
    const p = images.photoLike(30, 20, 7, 1)
    const img = await decodeImage(await images.greyPng(30, 20, 7))
    for (let i = 0; i < 600; i++) expect([img.data[i * 3], img.data[i * 3 + 1], img.data[i * 3 + 2]]).toEqual([p.data[i], p.data[i], p.data[i]])
  })

  it('keeps the high byte of 16-bit RGB (PIL unpacks RGB;16B that way, no rounding)', async () => {
    const p = images.photoLike(20, 10, 8)
    const wide = new Uint16Array(p.data.length).map((_, i) => p.data[i] * 256 + 200)
    const png = await sharp(wide, { raw: { width: 20, height: 10, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toBuffer()
    const img = await decodeImage(png)
    expect(Buffer.from(img.data).equals(Buffer.from(p.data))).toBe(true)
  })

  it("converts CMYK with PIL's naive formula, no ICC transform", async () => {
    const jpeg = await images.cmykJpeg(24, 16, 9)
    const cmyk = await sharp(jpeg).pipelineColourspace('cmyk').toColourspace('cmyk').raw().toBuffer()
    const img = await decodeImage(jpeg)
    for (let i = 0; i < 24 * 16; i++) {
      const nk = 255 - cmyk[i * 4 + 3]
      for (let c = 0; c < 3; c++) {
        const t = cmyk[i * 4 + c] * nk + 128
        expect(img.data[i * 3 + c]).toBe(nk - (((t >> 8) + t) >> 8))
      }
    }
  })

  it('does not apply EXIF orientation (PIL does not)', async () => {
    const img = await decodeImage(await images.exifRotatedJpeg(60, 20, 6))
    expect([img.width, img.height]).toEqual([60, 20])
  })

  it('takes the first frame of an animated GIF', async () => {
    const gif = await images.animatedGif(30, 20, 3, 11)
    const img = await decodeImage(gif)
    expect([img.width, img.height, img.format]).toEqual([30, 20, 'gif'])
    const first = await sharp(gif, { pages: 1 }).removeAlpha().raw().toBuffer()
    expect(Buffer.from(img.data).equals(first)).toBe(true)
  })

  it('reads palette PNGs with transparency, WebP with alpha and lossless WebP', async () => {
    for (const bytes of [await images.paletteAlphaPng(33, 21), await images.webpPhoto(33, 21, 2, { alpha: true }), await images.webpPhoto(33, 21, 3, { lossless: true })]) {
      const img = await decodeImage(bytes)
      expect([img.width, img.height, img.data.length]).toEqual([33, 21, 33 * 21 * 3])
    }
    const lossless = await decodeImage(await images.webpPhoto(33, 21, 3, { lossless: true }))
    expect(Buffer.from(lossless.data).equals(Buffer.from(images.photoLike(33, 21, 3).data))).toBe(true)
  })
})

describe('decodeImage: bad input is a per-item bad-item error', () => {
  let jpeg: Buffer
  let png: Buffer
  beforeAll(async () => {
    jpeg = await images.jpegPhoto(320, 240, 3)
    png = await images.pngPhoto(320, 240, 4)
  })

  it('zero-byte file', async () => {
    expect((await badItem(new Uint8Array(0), 'empty.jpg')).message).toMatch(/empty \(0 bytes\)/)
  })

  it('a text file with an image extension', async () => {
    expect((await badItem(images.notAnImage(), 'caption.jpg')).message).toMatch(/not a JPEG, PNG, GIF, WebP or TIFF/)
  })

  it('truncated JPEG and PNG', async () => {
    expect((await badItem(images.truncated(jpeg, 0.5), 'half.jpg')).message).toMatch(/cannot be decoded/)
    expect((await badItem(images.truncated(jpeg, 0.97), 'almost.jpg')).message).toMatch(/cannot be decoded/)
    expect((await badItem(images.truncated(png, 0.5), 'half.png')).message).toMatch(/cannot be decoded/)
  })

  it('SVG is refused before any decoder sees it (no external fetch possible)', async () => {
    expect((await badItem(images.svgWithExternalRef(), 'drawing.svg')).message).toMatch(/SVG images are not accepted/)
  })

  it('a 30000×30000 PNG bomb is refused from its header, quickly and without decoding', async () => {
    const bomb = images.decompressionBombPng(30_000)
    const before = process.memoryUsage().rss
    const t0 = performance.now()
    const err = await badItem(bomb, 'bomb.png')
    expect(err.message).toMatch(/30000×30000 = 900000000 pixels, over the limit/)
    expect(performance.now() - t0).toBeLessThan(2000)
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024)
  })

  it('honours a lower pixel limit', async () => {
    expect((await badItem(png, 'big.png', { maxPixels: 320 * 240 - 1 })).message).toMatch(/over the limit of 76799/)
    await expect(decodeImage(png, { maxPixels: 320 * 240 })).resolves.toMatchObject({ width: 320, height: 240 })
  })

  it('a corrupt header after valid magic bytes', async () => {
    const broken = Buffer.from(png)
    broken.fill(0xab, 12, 40)
    expect((await badItem(broken, 'broken.png')).message).toMatch(/the image header cannot be read/)
  })
})
