// Thumbnails as data: URLs (browser mode serves no dataset files), small and cached per file content.
import { imageRefStamp, readImageRef } from './image-source'
import sharp from 'sharp'
import { MAX_PIXELS } from '../limits'

const cache = new Map<string, string>()
const MAX_CACHE = 2000

/** A PNG of the image `ref` locates (see `imageRef`) fitted inside size × size (never enlarged), or null when it cannot be read. */
export async function thumbnailDataUrl(ref: string, size: number): Promise<string | null> {
  try {
    const key = `${await imageRefStamp(ref)}\0${size}`
    const hit = cache.get(key)
    if (hit) return hit
    const png = await sharp(await readImageRef(ref), { limitInputPixels: MAX_PIXELS })
      .resize(size, size, { fit: 'inside', withoutEnlargement: true })
      .png()
      .toBuffer()
    const url = `data:image/png;base64,${png.toString('base64')}`
    if (cache.size >= MAX_CACHE) cache.delete(cache.keys().next().value!)
    cache.set(key, url)
    return url
  } catch {
    return null
  }
}
