// A webdataset of the same images and captions as a manifest dataset: a run reuses every cached embedding and gives the same scores.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import { openDataset } from '../../../../src/main/engine/datasets'
import { miniDataset } from '../../../helpers/mini-dataset'
import { tempDir, testConfig } from '../../../helpers/workspace'

const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-wds-run-')
let engine: Engine
let manifest: string
let shards: string

/** Pack the manifest dataset into two tar shards the way img2dataset's webdataset writer does. */
async function packAsWebdataset(from: string, to: string): Promise<void> {
  const src = path.join(ws.dir, 'wds-src')
  fs.mkdirSync(src, { recursive: true })
  fs.mkdirSync(to, { recursive: true })
  const members: string[][] = [[], []]
  let n = 0
  for await (const it of (await openDataset(from)).items()) {
    const key = String(n).padStart(9, '0')
    const ext = path.extname(it.imagePath)
    fs.copyFileSync(it.imagePath, path.join(src, key + ext))
    fs.writeFileSync(path.join(src, `${key}.txt`), it.caption)
    fs.writeFileSync(path.join(src, `${key}.json`), JSON.stringify({ key, status: 'success', membership: it.membership, role: it.role, source_id: it.id }))
    members[n % 2].push(key + ext, `${key}.txt`, `${key}.json`)
    n++
  }
  members.forEach((list, i) => execFileSync('tar', ['-cf', path.join(to, `0000${i}.tar`), '-C', src, ...list]))
}

beforeAll(async () => {
  manifest = await miniDataset(path.join(ws.dir, 'mini'), { members: 20, nonmembers: 20, reference: 10 })
  shards = path.join(ws.dir, 'shards')
  await packAsWebdataset(manifest, shards)
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
}, 60_000)

afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

async function csa(dataset: string) {
  const created = await engine.invoke('experiments.create', { spec: { model: TINY, dataset, attack: 'csa', params: { evaluation: { resamples: 50 } } } })
  return engine.invoke('experiments.run', { id: created.id })
}

describe('experiments on webdataset shards', () => {
  it('embeds nothing new for images already embedded from files, scores identically, and shows thumbnails from inside the tars', async () => {
    const fromFiles = await csa(manifest)
    expect(fromFiles.results!.embeddings.computed).toBeGreaterThan(0)
    const fromTars = await csa(shards)
    expect(fromTars.status).toBe('done')
    expect(fromTars.results!.embeddings.computed).toBe(0)
    expect(fromTars.results!.counts).toMatchObject({ targets: 40, members: 20, nonmembers: 20, reference: 10 })
    expect(fromTars.results!.metrics!.auc).toBe(fromFiles.results!.metrics!.auc)
    const view = await engine.invoke('experiments.get', { id: fromTars.id })
    expect(view.topMembers[0].thumbnail).toMatch(/^data:image\/png;base64,/)
    const page = await engine.invoke('datasets.items', { dataset: shards, offset: 0, limit: 4, thumbnailSize: 32 })
    expect(page.items.map((i) => i.thumbnail)).toEqual(Array(4).fill(expect.stringMatching(/^data:image\/png;base64,/)))
  })
})
