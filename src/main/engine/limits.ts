// Size limits on untrusted input, in one place so validation, runs, thumbnails and previews refuse the same files
// with the same words (issue 16).

/**
 * Largest image accepted, in pixels: PIL's Image.MAX_IMAGE_PIXELS, above which PIL itself warns of a decompression bomb
 * (the reference pipeline of attacks.md reads images with PIL). Checked from the header, before any decoding.
 */
export const MAX_PIXELS = 89_478_485

/** Largest image file read (bytes); larger files are refused before reading, so no item can exhaust memory. */
export const MAX_IMAGE_BYTES = 256 * 1024 * 1024

/** Largest caption file (.txt beside an image) read, in bytes. */
export const MAX_CAPTION_BYTES = 1024 * 1024

/** The refusal for an image over the pixel limit, or null when it is within it. */
export function pixelLimitProblem(width: number, height: number, maxPixels = MAX_PIXELS): string | null {
  if (width * height <= maxPixels) return null
  return `the image is ${width}×${height} = ${width * height} pixels, over the limit of ${maxPixels} (decompression-bomb guard); it was not decoded.`
}

/** What to do about an image over the pixel limit. */
export const PIXEL_LIMIT_HINT = 'Downscale the image (CLIP models read 224–336 px anyway).'
