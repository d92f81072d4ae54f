// Preview tiles: K+1 decodable PNGs of the requested size, keyed like the cache, cancellable.
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { applyView, defaultBank, parseBank, previewViews, viewSpec } from '../../../../src/main/engine/augment'
import { testImage } from './fixtures/test-image'

describe('previewViews', () => {
  it('returns K+1 PNG tiles of the requested size with their view keys', async () => {
    const bank = defaultBank()
    const tiles = await previewViews(testImage(80, 60), bank, 'item-1', 3, { size: 48 })
    expect(tiles.map((t) => t.k)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(tiles.map((t) => t.spec)).toEqual(tiles.map((t) => viewSpec(bank, t.k, 3)))
    for (const t of tiles) {
      const meta = await sharp(t.png).metadata()
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 48, 48])
    }
  })

  it('shows the seeded view: the hflip tile is the mirror of the original tile', async () => {
    const image = testImage(32, 32)
    const tiles = await previewViews(image, parseBank('hflip'), 'item-1', 3, { size: 32 })
    const raw = async (png: Buffer): Promise<Buffer> => sharp(png).removeAlpha().raw().toBuffer()
    const mirrored = await sharp(await raw(tiles[0].png), { raw: { width: 32, height: 32, channels: 3 } })
      .flop()
      .raw()
      .toBuffer()
    expect((await raw(tiles[1].png)).equals(mirrored)).toBe(true)
    expect(Buffer.from(applyView(image, parseBank('hflip'), 1, 'item-1', 3).data).equals(await raw(tiles[1].png))).toBe(true)
  })

  it('rejects a bad size and honours an aborted signal', async () => {
    const image = testImage(16, 16)
    await expect(previewViews(image, defaultBank(), 'i', 1, { size: 0 })).rejects.toMatchObject({ code: 'invalid-input' })
    const ac = new AbortController()
    ac.abort()
    await expect(previewViews(image, defaultBank(), 'i', 1, { size: 32, signal: ac.signal })).rejects.toMatchObject({ code: 'cancelled' })
  })
})
