// Hugging Face parquet datasets (Image feature {bytes, path} + caption column), written by the test with
// hyparquet-writer: shards streamed in order, images read per item, labels, per-item validation, errors.
import fs from 'node:fs'
import path from 'node:path'
import { parquetWriteFile } from 'hyparquet-writer'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { imageRef, openDataset, readImageRef, readItemImage, validateDataset } from '../../../../src/main/engine/datasets'
import { collect, imageBytes, makeTempDir, writeAt } from './fixture-files'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('mia-hf-parquet-')))
afterEach(() => cleanup())

interface Row {
  image: { bytes: Uint8Array | null; path: string | null } | null
  text: string | null
  extra?: Record<string, unknown>
}

function writeShard(file: string, rows: Row[], extra: Record<string, unknown[]> = {}, rowGroupSize = 2): void {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  const names = Object.keys(extra)
  parquetWriteFile({
    filename: file,
    rowGroupSize,
    columnData: [{ name: 'image', data: rows.map((r) => r.image) }, { name: 'text', data: rows.map((r) => r.text) }, ...names.map((n) => ({ name: n, data: extra[n] }))],
    schema: [
      { name: 'root', num_children: 2 + names.length },
      { name: 'image', num_children: 2, repetition_type: 'OPTIONAL' },
      { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
      { name: 'path', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      { name: 'text', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
      ...names.map((n) => ({ name: n, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const }))
    ]
  })
}

async function twoShards(): Promise<Buffer[]> {
  const imgs = await Promise.all([1, 2, 3, 4, 5].map((s) => imageBytes(s, s % 2 ? 'png' : 'jpeg')))
  writeShard(
    path.join(dir, 'data', 'train-00000-of-00002.parquet'),
    imgs.slice(0, 3).map((b, i) => ({ image: { bytes: b, path: `img${i}.png` }, text: `caption ${i}` })),
    { membership: ['member', 'member', 'nonmember'] }
  )
  writeShard(
    path.join(dir, 'data', 'train-00001-of-00002.parquet'),
    imgs.slice(3).map((b, i) => ({ image: { bytes: b, path: null }, text: `caption ${i + 3}` })),
    { membership: ['nonmember', null] }
  )
  return imgs
}

describe('Hugging Face parquet datasets', () => {
  it('are detected from data/*.parquet, listed shard by shard, and their image bytes read per item', async () => {
    const imgs = await twoShards()
    const ds = await openDataset(dir)
    expect(ds.info.kind).toBe('hf-parquet')
    expect(await ds.count()).toBe(5)
    const items = await collect(ds.items())
    expect(items.map((i) => [i.id, i.caption, i.membership, i.metadata.shard])).toEqual([
      ['data/train-00000-of-00002:0', 'caption 0', 'member', 'data/train-00000-of-00002.parquet'],
      ['data/train-00000-of-00002:1', 'caption 1', 'member', 'data/train-00000-of-00002.parquet'],
      ['data/train-00000-of-00002:2', 'caption 2', 'nonmember', 'data/train-00000-of-00002.parquet'],
      ['data/train-00001-of-00002:0', 'caption 3', 'nonmember', 'data/train-00001-of-00002.parquet'],
      ['data/train-00001-of-00002:1', 'caption 4', 'unknown', 'data/train-00001-of-00002.parquet']
    ])
    for (let i = 4; i >= 0; i--) expect((await readItemImage(items[i])).equals(imgs[i])).toBe(true)
    expect((await readImageRef(imageRef(items[3]))).equals(imgs[3])).toBe(true)
    expect(await validateDataset(ds)).toMatchObject({ usable: 5, issues: [] })
  })

  it('takes the caption column named in dataset.json and reports items without image bytes per item', async () => {
    const img = await imageBytes(9)
    writeShard(
      path.join(dir, 'data', 'test-00000-of-00001.parquet'),
      [
        { image: { bytes: img, path: null }, text: 'ignored' },
        { image: { bytes: null, path: null }, text: 'ignored' },
        { image: null, text: 'ignored' }
      ],
      { sentence: ['a', 'b', 'c'] }
    )
    await writeAt(dir, 'dataset.json', JSON.stringify({ format: 'hf-parquet', caption: 'sentence', membership: 'member' }))
    const ds = await openDataset(dir)
    expect((await collect(ds.items())).map((i) => [i.caption, i.membership])).toEqual([
      ['a', 'member'],
      ['b', 'member'],
      ['c', 'member']
    ])
    const report = await validateDataset(ds)
    expect(report.usable).toBe(1)
    expect(report.issues.map((i) => [i.itemId, i.code])).toEqual([
      ['data/test-00000-of-00001:1', 'missing-file'],
      ['data/test-00000-of-00001:2', 'missing-file']
    ])
    expect(report.issues[0].message).toMatch(/test-00000-of-00001\.parquet row 1/)
  })

  it('names the missing caption column with the columns it has', async () => {
    writeShard(path.join(dir, 'data', 'x.parquet'), [{ image: { bytes: await imageBytes(1), path: null }, text: 't' }])
    await writeAt(dir, 'dataset.json', JSON.stringify({ format: 'hf-parquet', caption: 'blip_caption' }))
    await expect(openDataset(dir)).rejects.toMatchObject({
      code: 'bad-dataset',
      message: expect.stringMatching(/has no caption column named "blip_caption"; its columns: image, text/),
      hint: expect.stringMatching(/"caption": "<column>"/)
    })
  })
})

describe('Hugging Face parquet datasets in the hub cache', () => {
  it('resolve by repo id to the snapshot', async () => {
    const { createEngine } = await import('../../../../src/main/engine')
    const { testConfig } = await import('../../../helpers/workspace')
    const snap = path.join(dir, 'hub', 'datasets--someone--pairs', 'snapshots', 'c'.repeat(40))
    writeShard(path.join(snap, 'data', 'train-00000-of-00001.parquet'), [{ image: { bytes: await imageBytes(3), path: null }, text: 'a red square' }])
    const engine = createEngine(testConfig(path.join(dir, 'ws'), { hfCacheDir: path.join(dir, 'hub') }))
    try {
      const report = await engine.invoke('datasets.validate', { dataset: 'someone/pairs' })
      expect(report).toMatchObject({ usable: 1 })
    } finally {
      await engine.dispose()
    }
  })
})
