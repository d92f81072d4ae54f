// Pillow's Image.resize(size, BILINEAR) for the resize inside RandomResizedCrop, through the preprocessing module's
// port of libImaging/Resample.c, so augmented views get PIL's bytes from the same code as the model input.
import { PIL_RESAMPLE, planAxis, resampleColumns, resampleRows } from '../preprocess/pil-resample'
import { type RgbImage } from './image'

/** Resize an RGB image to width × height exactly as PIL's BILINEAR (antialiased when shrinking). */
export function resizeBilinear(image: RgbImage, width: number, height: number): RgbImage {
  let data = image.data
  let w = image.width
  // Resample.c: horizontal pass first, then vertical; each only when that size changes.
  if (width !== w) {
    data = resampleRows(data, w, 0, image.height, planAxis(w, width, PIL_RESAMPLE.bilinear, 0, width))
    w = width
  }
  if (height !== image.height) data = resampleColumns(data, w, 0, planAxis(image.height, height, PIL_RESAMPLE.bilinear, 0, height))
  return { data: data === image.data ? data.slice() : data, width, height }
}
