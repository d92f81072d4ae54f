// Geometry rules, batch writing and config parsing of the CLIP image preprocessing.

import { describe, expect, it } from 'vitest'
import { WorkbenchError } from '../../../../src/shared/contract/errors'
import {
  CLIP_IMAGE_DEFAULTS,
  preprocessGeometry,
  preprocessImage,
  preprocessInto,
  readPreprocessorConfig,
  resizeAndCrop,
  resizeOutputSize,
  type RgbImage
} from '../../../../src/main/engine/preprocess'
import { photoLike } from '../../../helpers/images'

const rgb = (w: number, h: number, seed = 1): RgbImage => {
  const p = photoLike(w, h, seed)
  return { data: p.data, width: w, height: h }
}

// The openai/clip-vit-base-patch32 preprocessor_config.json as published.
const CLIP_JSON = `{
  "crop_size": 224, "do_center_crop": true, "do_normalize": true, "do_resize": true,
  "feature_extractor_type": "CLIPFeatureExtractor",
  "image_mean": [0.48145466, 0.4578275, 0.40821073], "image_std": [0.26862954, 0.26130258, 0.27577711],
  "resample": 3, "size": 224
}`

describe('readPreprocessorConfig', () => {
  it('reads the published CLIP config to the CLIP defaults', () => {
    expect(readPreprocessorConfig(CLIP_JSON)).toEqual(CLIP_IMAGE_DEFAULTS)
    expect(readPreprocessorConfig({})).toEqual(CLIP_IMAGE_DEFAULTS)
  })

  it('reads the newer dict forms of size and crop_size', () => {
    const c = readPreprocessorConfig({ size: { shortest_edge: 336 }, crop_size: { height: 336, width: 300 }, rescale_factor: 0.5, do_normalize: false })
    expect(c.size).toEqual({ shortestEdge: 336 })
    expect(c.cropSize).toEqual({ height: 336, width: 300 })
    expect([c.rescaleFactor, c.doNormalize]).toEqual([0.5, false])
    expect(readPreprocessorConfig({ size: { height: 256, width: 192 } }).size).toEqual({ height: 256, width: 192 })
  })

  it.each([
    ['not json', 'does not parse as JSON'],
    ['[1,2]', 'top level must be a JSON object'],
    ['{"size": -4}', 'size must be an integer'],
    ['{"size": {"longest_edge": 4}}', 'neither shortest_edge nor height/width'],
    ['{"crop_size": "224"}', 'crop_size must be an integer'],
    ['{"resample": 7}', 'resample 7 is not a Pillow filter'],
    ['{"image_std": [0.2, 0, 0.3]}', 'image_std must be three positive numbers'],
    ['{"image_mean": [0.5, 0.5]}', 'image_mean must be three numbers'],
    ['{"do_resize": "yes"}', 'do_resize must be true or false'],
    ['{"rescale_factor": 0}', 'rescale_factor must be a positive number']
  ])('refuses %s as bad-model', (text, message) => {
    let err: unknown
    try {
      readPreprocessorConfig(text, 'models/x/preprocessor_config.json')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(WorkbenchError)
    expect(err).toMatchObject({ code: 'bad-model', item: 'models/x/preprocessor_config.json' })
    expect((err as WorkbenchError).message).toContain(message)
  })
})

describe('geometry', () => {
  it('follows get_resize_output_image_size: short side = size, long side = int(size * long / short)', () => {
    expect(resizeOutputSize(500, 375, CLIP_IMAGE_DEFAULTS)).toEqual({ width: 298, height: 224 })
    expect(resizeOutputSize(375, 500, CLIP_IMAGE_DEFAULTS)).toEqual({ width: 224, height: 298 })
    expect(resizeOutputSize(3, 400, CLIP_IMAGE_DEFAULTS)).toEqual({ width: 224, height: 29866 })
    expect(resizeOutputSize(1, 1, CLIP_IMAGE_DEFAULTS)).toEqual({ width: 224, height: 224 })
  })

  it("crops with transformers' floor offsets, not torchvision's round()", () => {
    // 401×300 resizes to 299×224: (299 - 224) / 2 = 37.5 → transformers 37, torchvision round() 38.
    expect(preprocessGeometry(401, 300, CLIP_IMAGE_DEFAULTS)).toMatchObject({ resizedWidth: 299, left: 37, top: 0, outWidth: 224, outHeight: 224 })
  })

  it('pads with zero bytes when the crop is larger than the resized image', () => {
    const c = readPreprocessorConfig({ size: { height: 10, width: 8 }, crop_size: 12, do_normalize: false })
    const g = preprocessGeometry(50, 50, c)
    expect(g).toMatchObject({ top: -1, left: -2, outWidth: 12, outHeight: 12 })
    const t = preprocessImage(rgb(50, 50), c)
    expect(t[0]).toBe(0) // padded corner
    expect(t[1 * 12 + 2]).toBeGreaterThan(0) // first image pixel, row 1 column 2
  })

  it('skips resize and crop when the config says so', () => {
    const c = readPreprocessorConfig({ do_resize: false, do_center_crop: false })
    const img = rgb(31, 17)
    expect(resizeAndCrop(img, c)).toEqual(img)
    expect(preprocessImage(img, c).length).toBe(3 * 31 * 17)
  })
})

describe('preprocessInto', () => {
  it('writes each image at its batch offset, equal to preprocessImage', () => {
    const imgs = [rgb(500, 375, 1), rgb(223, 300, 2), rgb(1, 1, 3)]
    const slot = 3 * 224 * 224
    const batch = new Float32Array(imgs.length * slot).fill(Number.NaN)
    imgs.forEach((img, i) => preprocessInto(img, CLIP_IMAGE_DEFAULTS, batch, i * slot))
    const bytes = (t: Float32Array): Buffer => Buffer.from(t.buffer, t.byteOffset, t.byteLength)
    imgs.forEach((img, i) => expect(bytes(batch.subarray(i * slot, (i + 1) * slot)).equals(bytes(preprocessImage(img, CLIP_IMAGE_DEFAULTS)))).toBe(true))
  })

  it('refuses a buffer without room, and pixels that do not match the size', () => {
    expect(() => preprocessInto(rgb(10, 10), CLIP_IMAGE_DEFAULTS, new Float32Array(3 * 224 * 224), 1)).toThrow(/no room/)
    expect(() => preprocessImage({ data: new Uint8Array(5), width: 2, height: 2 }, CLIP_IMAGE_DEFAULTS)).toThrow(/5 bytes for a 2×2/)
  })

  it('normalises with CLIP mean/std: a mid-grey image maps to (128/255 - mean) / std', () => {
    const grey: RgbImage = { data: new Uint8Array(300 * 200 * 3).fill(128), width: 300, height: 200 }
    const t = preprocessImage(grey, CLIP_IMAGE_DEFAULTS)
    for (let c = 0; c < 3; c++) {
      const expected = (128 / 255 - CLIP_IMAGE_DEFAULTS.imageMean[c]) / CLIP_IMAGE_DEFAULTS.imageStd[c]
      expect(t[c * 224 * 224 + 1000]).toBeCloseTo(expected, 6)
    }
  })
})
