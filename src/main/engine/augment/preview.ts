// Thumbnails of every view of one item (k = 0..K) as PNGs, for the UI's live preview of a bank.
import sharp from 'sharp'
import { throwIfAborted, WorkbenchError } from '../../../shared/contract/errors'
import { applyView } from './bank'
import { type RgbImage } from './image'
import { viewCount, viewSpec, type AugBank } from './spec'

/** One preview tile: the view index, its cache key (`orig` for k = 0) and a PNG. */
export interface ViewPreview {
  k: number
  spec: string
  png: Buffer
}

/** Preview options: `size` is the square tile edge in pixels; views are letterboxed on transparency. */
export interface PreviewOptions {
  size: number
  signal?: AbortSignal
}

/** Render views 0..K of an image as size × size PNG tiles (aspect kept, transparent margins). */
export async function previewViews(image: RgbImage, bank: AugBank, itemKey: string, seed: number, options: PreviewOptions): Promise<ViewPreview[]> {
  const { size, signal } = options
  if (!Number.isInteger(size) || size < 8 || size > 2048) {
    throw new WorkbenchError({ code: 'invalid-input', message: `Preview size ${size} is out of range.`, item: String(size), hint: 'Ask for a tile edge between 8 and 2048 pixels.' })
  }
  const out: ViewPreview[] = []
  for (let k = 0; k <= viewCount(bank); k++) {
    throwIfAborted(signal)
    const view = applyView(image, bank, k, itemKey, seed)
    const png = await sharp(view.data, { raw: { width: view.width, height: view.height, channels: 3 } })
      .resize(size, size, { fit: 'contain', kernel: 'lanczos3', background: { r: 0, g: 0, b: 0, alpha: 0 } })
      .png()
      .toBuffer()
    out.push({ k, spec: viewSpec(bank, k, seed), png })
  }
  return out
}
