// RgbImage: the decoded 8-bit RGB (HWC) image that every augmentation takes and returns.
import { WorkbenchError } from '../../../shared/contract/errors'
import type { RgbImage } from '../preprocess/image'

export type { RgbImage }

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
