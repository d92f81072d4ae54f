// img2dataset folder output: key order across shards, captions, JSON metadata, failed downloads, labels, hash.
import { cp, rm } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDataset, validateDataset } from '../../../../src/main/engine/datasets'
import type { DatasetIssue } from '../../../../src/main/engine/datasets'
import { collect, makeTempDir, writeAt, writeImage } from './fixture-files'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()))
afterEach(() => cleanup())

/** What img2dataset writes for one key: image (unless the download failed), caption and metadata JSON. */
async function writeKey(root: string, shard: string, key: string, ext: 'jpg' | 'png' | 'webp' | undefined, caption: string | undefined, meta: Record<string, unknown>): Promise<void> {
  if (ext) await writeImage(root, `${shard}/${key}.${ext}`, Number(key))
  if (caption !== undefined) await writeAt(root, `${shard}/${key}.txt`, caption)
  await writeAt(
    root,
    `${shard}/${key}.json`,
    JSON.stringify({ url: `https://example.org/${key}`, key, caption, status: 'success', error_message: null, width: 24, height: 24, similarity: 0.31, exif: { a: 1 }, ...meta })
  )
}

async function buildShards(root: string): Promise<void> {
  await writeKey(root, '00001', '000010000', 'webp', 'a red car', {})
  await writeKey(root, '00000', '000000001', 'png', 'a dog', {})
  await writeKey(root, '00000', '000000000', 'jpg', 'a cat\n', {})
  await writeKey(root, '00000', '000000002', undefined, 'never fetched', { status: 'failed_to_download', error_message: 'HTTP 404' })
  await writeAt(root, '00000_stats.json', '{"count": 3}')
  await writeAt(root, '00000.parquet', 'PAR1')
}

describe('img2dataset folders', () => {
  it('streams keys in order across shards with caption and scalar JSON metadata; failed downloads are issues', async () => {
    await buildShards(dir)
    const ds = await openDataset(dir)
    expect(ds.info).toMatchObject({ kind: 'img2dataset', name: path.basename(dir), root: dir, manifestPath: dir })
    const issues: DatasetIssue[] = []
    const items = await collect(ds.items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => [i.id, path.relative(dir, i.imagePath), i.caption, i.membership, i.role])).toEqual([
      ['000000000', '00000/000000000.jpg', 'a cat', 'unknown', 'target'],
      ['000000001', '00000/000000001.png', 'a dog', 'unknown', 'target'],
      ['000010000', '00001/000010000.webp', 'a red car', 'unknown', 'target']
    ])
    expect(items[0].metadata).toEqual({ shard: '00000', url: 'https://example.org/000000000', status: 'success', error_message: '', width: '24', height: '24', similarity: '0.31' })
    expect(issues.map((i) => [i.itemId, i.severity, i.code])).toEqual([['000000002', 'error', 'download-failed']])
    expect(issues[0].message).toBe('00000/000000002.json: status "failed_to_download" (HTTP 404); the image was not downloaded, this key is skipped.')
    expect(await ds.count()).toBe(4)
  })

  it('reports bad JSON, missing images, duplicate keys and missing captions, and streams the rest', async () => {
    await writeKey(dir, '00000', '000000000', 'jpg', 'ok', {})
    await writeImage(dir, '00000/000000001.jpg', 1)
    await writeAt(dir, '00000/000000001.json', '{"url": ')
    await writeAt(dir, '00000/000000002.txt', 'caption without image')
    await writeAt(dir, '00000/000000002.json', '{"status": "success"}')
    await writeImage(dir, '00000/000000003.png', 3)
    await writeAt(dir, '00000/000000003.json', '{"caption": " from json ", "status": "success"}')
    await writeImage(dir, '00000/000000004.png', 4)
    await writeAt(dir, '00000/000000004.json', '{"status": "success"}')
    await writeKey(dir, '00001', '000000000', 'jpg', 'same key again', {})
    const issues: DatasetIssue[] = []
    const items = await collect((await openDataset(dir)).items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => [i.id, i.caption])).toEqual([
      ['000000000', 'ok'],
      ['000000003', 'from json'],
      ['000000004', '']
    ])
    expect(issues.map((i) => [i.itemId, i.severity, i.code])).toEqual([
      ['000000001', 'error', 'bad-json'],
      ['000000002', 'error', 'missing-file'],
      ['000000004', 'warning', 'missing-caption'],
      ['000000000', 'error', 'duplicate-id']
    ])
    expect(issues[3].message).toMatch(/^00001\/000000000: key 000000000 is already used in shard 00000/)
  })

  it('takes membership from labels.csv by key, else the dataset.json rule', async () => {
    await buildShards(dir)
    await writeAt(dir, 'dataset.json', '{"name": "laion-bit", "membership": "nonmember", "role": "reference"}')
    await writeAt(dir, 'labels.csv', 'id,membership,role\n000000001,member,target\nghost,member,target\n')
    const issues: DatasetIssue[] = []
    const ds = await openDataset(dir)
    expect(ds.info.name).toBe('laion-bit')
    const items = await collect(ds.items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => [i.id, i.membership, i.role])).toEqual([
      ['000000000', 'nonmember', 'reference'],
      ['000000001', 'member', 'target'],
      ['000010000', 'nonmember', 'reference']
    ])
    expect(issues.map((i) => [i.itemId, i.code])).toEqual([
      ['000000002', 'download-failed'],
      ['ghost', 'label-without-image']
    ])
  })

  it('stops when cancelled', async () => {
    await buildShards(dir)
    const controller = new AbortController()
    controller.abort()
    const ds = await openDataset(dir)
    await expect(collect(ds.records({ signal: controller.signal }))).rejects.toMatchObject({ code: 'cancelled' })
    await expect(ds.count({ signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('is detected only with paired .json files, or when dataset.json says so', async () => {
    await writeImage(dir, '00000/a.png', 1)
    await writeAt(dir, '00000/a.txt', 'a plain numbered folder')
    expect((await openDataset(dir)).info.kind).toBe('folder')
    await writeAt(dir, 'dataset.json', '{"format": "img2dataset"}')
    const forced = await openDataset(dir)
    expect(forced.info.kind).toBe('img2dataset')
    expect((await collect(forced.items())).map((i) => [i.id, i.caption])).toEqual([['a', 'a plain numbered folder']])
  })

  it('validates and keeps its hash across copies; a changed caption or label changes it', async () => {
    const a = path.join(dir, 'a')
    await buildShards(a)
    const report = await validateDataset(await openDataset(a))
    expect(report).toMatchObject({ total: 4, usable: 3, skipped: 1 })
    expect(report.issues.map((i) => i.code)).toEqual(['download-failed'])
    const b = path.join(dir, 'b')
    await cp(a, b, { recursive: true })
    const hash = (await openDataset(a)).info.hash
    expect((await openDataset(b)).info.hash).toBe(hash)
    await writeAt(b, '00000/000000001.txt', 'a different dog')
    const changed = (await openDataset(b)).info.hash
    expect(changed).not.toBe(hash)
    await writeAt(b, 'labels.csv', 'id,membership\n000000001,member\n')
    expect((await openDataset(b)).info.hash).not.toBe(changed)
    await rm(path.join(b, 'labels.csv'))
    expect((await openDataset(b)).info.hash).toBe(changed)
  })
})
