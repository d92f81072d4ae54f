// The JPEG frame-header reader against sharp's own metadata, on the fixtures and on encodings made here; anything it
// cannot read plainly is null (decodeImage then asks sharp), and a JPEG over the pixel limit is still refused unread.
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { decodeImage } from '../../../../src/main/engine/preprocess'
import { jpegFrame } from '../../../../src/main/engine/preprocess/jpeg-header'
import * as images from '../../../helpers/images'

const DIR = path.resolve(__dirname, '../../../fixtures/preprocess')

async function agreesWithSharp(bytes: Buffer): Promise<void> {
  const meta = await sharp(bytes).metadata()
  expect(jpegFrame(bytes)).toEqual({ precision: 8, width: meta.width, height: meta.height, components: meta.channels })
}

describe('jpegFrame', () => {
  it('reads the size and components of every JPEG fixture as sharp does (EXIF, ICC and grey included)', async () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.jpg'))
    expect(files.length).toBeGreaterThanOrEqual(4)
    for (const f of files) await agreesWithSharp(readFileSync(path.join(DIR, f)))
  })

  it('reads baseline, progressive, 4:4:4 and CMYK encodings', async () => {
    const p = images.photoLike(71, 33, 2)
    await agreesWithSharp(await images.encode(p, 'jpeg', { progressive: true }))
    await agreesWithSharp(await images.encode(p, 'jpeg', { chromaSubsampling: '4:4:4' }))
    await agreesWithSharp(await images.jpegPhoto(5, 300, 4))
    await agreesWithSharp(await images.cmykJpeg(24, 16, 9))
  })

  it('is null where the markers lead to no frame header, without reading past the bytes', () => {
    const jpeg = readFileSync(path.join(DIR, 'photo-500x375.jpg'))
    expect(jpegFrame(new Uint8Array([0xff, 0xd8]))).toBeNull()
    expect(jpegFrame(new Uint8Array([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull()
    expect(jpegFrame(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 1]))).toBeNull()
    expect(jpegFrame(new Uint8Array([0xff, 0xd8, 0x12, 0x34, 0, 2]))).toBeNull()
    expect(jpegFrame(new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 0, 1, 0, 3]))).toBeNull()
    for (let cut = 2; cut < 400; cut += 7) {
      const frame = jpegFrame(jpeg.subarray(0, cut))
      if (frame) expect(frame).toEqual({ precision: 8, width: 500, height: 375, components: 3 })
    }
  })
})

describe('decodeImage of a JPEG from its frame header', () => {
  it('gives the same pixels as from sharp metadata, and refuses a JPEG over the pixel limit before decoding it', async () => {
    const jpeg = await images.jpegPhoto(320, 240, 3)
    const img = await decodeImage(jpeg)
    const raw = await sharp(jpeg).raw().toBuffer()
    expect(img).toMatchObject({ width: 320, height: 240, format: 'jpeg' })
    expect(Buffer.from(img.data).equals(raw)).toBe(true)
    const err = await decodeImage(jpeg, { itemId: 'big.jpg', maxPixels: 320 * 240 - 1 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'bad-item', item: 'big.jpg', message: expect.stringMatching(/320×240 = 76800 pixels, over the limit of 76799/) })
  })
})
