// RgbImage: the decoded 8-bit RGB (HWC) image that every augmentation takes and returns.
import { WorkbenchError } from '../../../shared/contract/errors'

/**
 * A decoded RGB image, 3 bytes per pixel, row-major (HWC). Defined here for the augment module; the
 * preprocess module produces the same shape (the lead unifies the two declarations).
 */
export interface RgbImage {
  data: Uint8Array
  width: number
  height: number
}

/** A black image of the given size. */
export function createRgbImage(width: number, height: number): RgbImage {
  return { data: new Uint8Array(width * height * 3), width, height }
}

/** Throw `invalid-input` unless the image has positive integer sizes and exactly width × height × 3 bytes. */
export function assertRgbImage(image: RgbImage, item?: string): void {
  const { width, height, data } = image
  const okSize = Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0
  if (!okSize || !(data instanceof Uint8Array) || data.length !== width * height * 3) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `Augmentation input${item ? ` for ${item}` : ''} is not an RGB image: ${width}×${height} with ${data?.length} bytes.`,
      ...(item ? { item } : {}),
      hint: 'Pass the decoded image as { data: Uint8Array (width × height × 3, RGB), width, height }.'
    })
  }
}
