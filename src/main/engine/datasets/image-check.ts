// Default image check for validation: sharp reads the header, caps pixels, then decodes a small thumbnail.
import sharp from 'sharp'
import type { Metadata } from 'sharp'
import { WorkbenchError } from '../../../shared/contract/errors'
import { MAX_PIXELS, PIXEL_LIMIT_HINT, pixelLimitProblem } from '../limits'
import { imageLabel } from './image-source'
import type { Item } from './types'

/** Pixel cap applied before decoding: the one limit runs use too (engine/limits.ts), so validate and run agree (issue 16). */
export const DEFAULT_MAX_PIXELS = MAX_PIXELS

function bad(item: Item, message: string, hint: string, cause?: unknown): WorkbenchError {
  return new WorkbenchError({ code: 'bad-item', item: item.id, message, hint }, { cause })
}

/**
 * Throw a `bad-item` WorkbenchError unless `bytes` is a raster image sharp can decode. The decode
 * is full for small images and a shrink-on-load thumbnail for large ones (cheap for JPEG/WebP) with failOn 'error', which catches
 * truncated files; animated images are checked on their first frame, as runs use it. SVG is
 * refused: rendering it could fetch external references (issue 9).
 */
export async function checkImageBytes(bytes: Buffer, item: Item, maxPixels = DEFAULT_MAX_PIXELS): Promise<void> {
  let meta: Metadata
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata()
  } catch (err) {
    if (bytes.length > 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) {
      throw bad(item, `${imageLabel(item)} is a BMP image, which the image decoder (libvips in sharp) does not read.`, 'Convert it to PNG (lossless).', err)
    }
    throw bad(
      item,
      `${imageLabel(item)} is not an image that can be read (${(err as Error).message}).`,
      'Check that the file is a JPEG, PNG, WebP, GIF, BMP or TIFF image and not renamed from another format.',
      err
    )
  }
  if (meta.format === 'svg') throw bad(item, `${imageLabel(item)} is an SVG drawing; vector images are not read.`, 'Export it to PNG first.')
  // The first frame's height, as decoding for a run reads it.
  const overLimit = pixelLimitProblem(meta.width ?? 0, meta.pageHeight ?? meta.height ?? 0, maxPixels)
  if (overLimit) throw bad(item, `${imageLabel(item)}: ${overLimit}`, PIXEL_LIMIT_HINT)
  try {
    const decoder = sharp(bytes, { failOn: 'error', limitInputPixels: maxPixels })
    // Large images: shrink-on-load keeps the decode cheap and small; small ones: resizing would cost more than it saves.
    const large = Math.max(meta.width ?? 0, meta.height ?? 0) > 512
    await (large ? decoder.resize(64, 64, { fit: 'inside' }) : decoder).raw().toBuffer()
  } catch (err) {
    throw bad(item, `${imageLabel(item)} cannot be decoded (${(err as Error).message}); the file is truncated or corrupt.`, 'Re-export or re-download the image.', err)
  }
}
