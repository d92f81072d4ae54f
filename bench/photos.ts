// Photo-sized JPEG items for the embedding benchmarks: distinct bytes, decode cost of real photos.
import fs from 'node:fs'
import path from 'node:path'
import sharp from 'sharp'
import type { Item } from '../src/main/engine/datasets'

/** Photo-sized JPEGs (500×375, smooth gradients plus noise, as costly to decode as photos) with captions. */
export async function photoItems(dir: string, N: number): Promise<Item[]> {
  const items: Item[] = []
  for (let i = 0; i < N; i++) {
    const raw = Buffer.alloc(500 * 375 * 3)
    for (let p = 0; p < 500 * 375; p++) {
      const x = p % 500
      const y = Math.floor(p / 500)
      raw[p * 3] = (x * (i + 3)) & 255
      raw[p * 3 + 1] = (y * 2 + i * 7 + ((p * 2654435761) >>> 28)) & 255
      raw[p * 3 + 2] = ((x + y) * 3 + i) & 255
    }
    // i in binary as 16-px black/white squares along the top: every file distinct even after JPEG (the cache would,
    // rightly, embed equal bytes only once).
    for (let bit = 0; bit < 12; bit++) {
      const v = (i >> bit) & 1 ? 255 : 0
      for (let y = 0; y < 16; y++) raw.fill(v, (y * 500 + bit * 16) * 3, (y * 500 + bit * 16 + 16) * 3)
    }
    const file = path.join(dir, `img-${i}.jpg`)
    fs.writeFileSync(
      file,
      await sharp(raw, { raw: { width: 500, height: 375, channels: 3 } })
        .jpeg({ quality: 90 })
        .toBuffer()
    )
    items.push({ id: `i${i}`, imagePath: file, caption: `a photo of thing number ${i} on a table`, membership: 'unknown', role: 'target', metadata: {}, escapesRoot: false })
  }
  return items
}
