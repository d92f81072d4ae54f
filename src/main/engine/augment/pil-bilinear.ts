// Pillow's Image.resize(size, BILINEAR) for the resize inside RandomResizedCrop, through the preprocessing module's
// port of libImaging/Resample.c, so augmented views get PIL's bytes from the same code as the model input.
import { PIL_RESAMPLE, planAxis } from '../preprocess/pil-resample'
import { resizePixels } from '../preprocess/pil-resample-kernel'
import { type RgbImage } from './image'

/** Resize an RGB image to width × height exactly as PIL's BILINEAR (antialiased when shrinking). */
export function resizeBilinear(image: RgbImage, width: number, height: number): RgbImage {
  // Resample.c: horizontal pass first, then vertical; each only when that size changes.
  const horizontal = width !== image.width ? planAxis(image.width, width, PIL_RESAMPLE.bilinear, 0, width) : null
  const vertical = height !== image.height ? planAxis(image.height, height, PIL_RESAMPLE.bilinear, 0, height) : null
  const data = resizePixels({ src: image.data, width: image.width, row0: 0, rows: image.height, x0: 0, cols: image.width, horizontal, vertical })
  return { data, width, height }
}
