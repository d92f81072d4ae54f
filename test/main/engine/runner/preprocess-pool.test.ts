// The preprocessing pool: worker threads give bit-identical pixels to the inline path, in input order, with
// per-item errors, and a cancelled pass stops at once.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { defaultBank } from '../../../../src/main/engine/augment'
import { openDataset, type Item } from '../../../../src/main/engine/datasets'
import { CLIP_IMAGE_DEFAULTS, decodeImage, preprocessImage } from '../../../../src/main/engine/preprocess'
import type { ItemResult, ItemTask, PrepareSettings } from '../../../../src/main/engine/runner/prepare-item'
import { defaultPreprocessThreads, poolThreads, preparedInOrder } from '../../../../src/main/engine/runner/preprocess-pool'
import { EMOJI_DEMO } from '../../../helpers/mini-dataset'

const settings: PrepareSettings = { config: { ...CLIP_IMAGE_DEFAULTS, size: { shortestEdge: 32 }, cropSize: { height: 32, width: 32 } }, per: 3 * 32 * 32, bank: defaultBank(), seed: 7 }
const items: Item[] = []
let root: string

beforeAll(async () => {
  for await (const it of (await openDataset(EMOJI_DEMO)).items()) {
    items.push(it)
    if (items.length === 40) break
  }
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-pool-'))
})
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

/** 160 tasks (enough for the pool to start workers): every item with its original and two augmented views, four times. */
function tasks(): ItemTask[] {
  return Array.from({ length: 160 }, (_, i) => ({ item: items[i % items.length], contentHash: `hash-${i % items.length}`, ks: i % 2 ? [0, 3, 7] : [0] }))
}

async function collect(list: ItemTask[], threads: number, signal?: AbortSignal): Promise<Array<[ItemTask, ItemResult]>> {
  const out: Array<[ItemTask, ItemResult]> = []
  for await (const r of preparedInOrder(list, settings, { threads, signal })) out.push(r)
  return out
}

describe('preprocessing pool', () => {
  it('gives worker threads the same pixels as the inline path, bit for bit, in input order', async () => {
    expect(poolThreads(160, 2)).toBe(2)
    const list = tasks()
    const [pooled, inline] = [await collect(list, 2), await collect(list, 0)]
    expect(pooled.map(([t]) => t)).toEqual(list)
    for (let i = 0; i < list.length; i++) {
      const [a, b] = [pooled[i][1], inline[i][1]]
      if (!('pixels' in a) || !('pixels' in b)) throw new Error(`item ${i} failed`)
      expect(a.pixels.length).toBe(list[i].ks.length * settings.per)
      expect(Buffer.from(a.pixels.buffer).equals(Buffer.from(b.pixels.buffer))).toBe(true)
    }
  })

  it('matches the single-image preprocessing of the original view (the PIL-checked path)', async () => {
    const [[, r]] = await collect([{ item: items[0], contentHash: 'h', ks: [0] }], 0)
    if (!('pixels' in r)) throw new Error('failed')
    const expected = preprocessImage(await decodeImage(fs.readFileSync(items[0].imagePath)), settings.config)
    expect(Array.from(r.pixels)).toEqual(Array.from(expected))
  })

  it('reports a missing or corrupt image as that item’s error and prepares the others', async () => {
    const corrupt = path.join(root, 'corrupt.png')
    fs.writeFileSync(corrupt, fs.readFileSync(items[0].imagePath).subarray(0, 40))
    const list = tasks()
    list[5] = { ...list[5], item: { ...items[5], id: 'gone', imagePath: path.join(root, 'nowhere.png') } }
    list[77] = { ...list[77], item: { ...items[7], id: 'cut', imagePath: corrupt } }
    const out = await collect(list, 2)
    expect(out).toHaveLength(list.length)
    const errors = out.flatMap(([t, r]) => ('error' in r ? [[t.item.id, r.error.code, r.error.message] as const] : []))
    expect(errors.map(([id, code]) => [id, code])).toEqual([
      ['gone', 'bad-item'],
      ['cut', errors[1][1]]
    ])
    expect(errors[0][2]).toContain('does not exist')
    expect(errors[1][2]).toMatch(/cut/)
  })

  it('stops when cancelled, with a cancelled error', async () => {
    const controller = new AbortController()
    let seen = 0
    const run = (async () => {
      for await (const _ of preparedInOrder(tasks(), settings, { threads: 2, signal: controller.signal })) {
        if (++seen === 3) controller.abort()
      }
    })()
    await expect(run).rejects.toMatchObject({ code: 'cancelled' })
    expect(seen).toBe(3)
  })

  it('defaults to every core but one, inline where that would be a single worker', () => {
    expect([1, 2, 3, 4, 16].map((cores) => defaultPreprocessThreads(cores))).toEqual([0, 0, 2, 3, 15])
  })

  it('refuses a negative thread count with the option named', () => {
    expect(() => poolThreads(500, -1)).toThrow(/preprocessing threads must be a non-negative integer; got -1/)
  })
})
