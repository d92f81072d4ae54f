// webdataset tar shards written by GNU tar (ustar, GNU long names, PAX): keys, bytes by offset, labels, broken shards, hash.
import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { cp, readFile, rm, truncate, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { imageLabel, imageRef, openDataset, readImageRef, readItemImage, validateDataset } from '../../../../src/main/engine/datasets'
import type { DatasetIssue, Item } from '../../../../src/main/engine/datasets'
import { tarEntries } from '../../../../src/main/engine/datasets/tar'
import { collect, makeTempDir, writeAt, writeImage } from './fixture-files'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()))
afterEach(() => cleanup())

type Format = 'ustar' | 'gnu' | 'pax'

/** What img2dataset's webdataset writer puts in a shard per key: image, caption, JSON. */
async function writeKey(src: string, key: string, ext: string | undefined, caption: string | undefined, meta: Record<string, unknown> = {}): Promise<void> {
  if (ext) await writeImage(src, `${key}.${ext}`, Number(key.replace(/\D/g, '').slice(-6)) || 7)
  if (caption !== undefined) await writeAt(src, `${key}.txt`, caption)
  await writeAt(src, `${key}.json`, JSON.stringify({ url: `https://example.org/${key}`, key, status: 'success', width: 24, ...meta }))
}

/** Pack the files of `src` (in the given member order) into `<root>/<shard>` with GNU tar. */
function pack(src: string, root: string, shard: string, members: string[], format: Format): string {
  const out = path.join(root, shard)
  mkdirSync(root, { recursive: true })
  execFileSync('tar', ['-cf', out, `--format=${format}`, '-C', src, ...members])
  return out
}

const membersOf = (keys: string[], exts: string[]): string[] => keys.flatMap((k) => exts.map((e) => `${k}.${e}`))

async function buildShards(root: string): Promise<void> {
  const a = path.join(dir, 'src-a')
  await writeKey(a, '000000000', 'jpg', 'a cat\n')
  await writeKey(a, '000000001', 'png', 'a dog', { membership: 'nonmember', role: 'reference' })
  await writeKey(a, '000000002', undefined, 'never fetched', { status: 'failed_to_download', error_message: 'HTTP 404' })
  pack(a, root, '00000.tar', [...membersOf(['000000000'], ['jpg', 'txt', 'json']), ...membersOf(['000000001'], ['png', 'txt', 'json']), ...membersOf(['000000002'], ['txt', 'json'])], 'gnu')
  const b = path.join(dir, 'src-b')
  const long = `${'deep/'.repeat(25)}000010000`
  await writeKey(b, long, 'webp', 'a red car')
  await writeKey(b, '000010001', 'jpg', 'a boat', { membership: 'maybe' })
  pack(b, root, '00001.tar', [...membersOf([long], ['webp', 'txt', 'json']), ...membersOf(['000010001'], ['jpg', 'txt', 'json'])], 'pax')
  await writeAt(root, '00000_stats.json', '{"count": 3}')
}

describe('webdataset tar shards', () => {
  it('reads one .tar given as the dataset as a one-shard webdataset, with the labels of its folder (issue 22)', async () => {
    await buildShards(dir)
    await writeAt(dir, 'labels.csv', 'id,membership\n000000000,1\n000010001,0\n')
    const ds = await openDataset(path.join(dir, '00000.tar'))
    expect(ds.info).toMatchObject({ kind: 'webdataset', name: `${path.basename(dir)}-00000`, manifestPath: path.join(dir, '00000.tar') })
    const issues: DatasetIssue[] = []
    const items = await collect(ds.items({ onIssue: (i) => issues.push(i) }))
    // Only the first shard's keys; labels.csv spells membership 1/0 like every other reader; the other shard's row is not "unused".
    expect(items.map((i) => [i.id, i.membership])).toEqual([
      ['000000000', 'member'],
      ['000000001', 'nonmember']
    ])
    expect(issues.map((i) => i.code)).not.toContain('unused-label')
    const whole = await openDataset(dir)
    expect(ds.info.hash).not.toBe(whole.info.hash)
  })

  it('streams keys in archive order with their bytes located inside the shard; labels from JSON fields and shard rules', async () => {
    await buildShards(dir)
    await writeAt(dir, 'dataset.json', JSON.stringify({ name: 'laion-sample', shards: { '00001': { membership: 'member' } } }))
    const ds = await openDataset(dir)
    expect(ds.info).toMatchObject({ kind: 'webdataset', name: 'laion-sample', root: dir })
    const issues: DatasetIssue[] = []
    const items = await collect(ds.items({ onIssue: (i) => issues.push(i) }))
    const long = `${'deep/'.repeat(25)}000010000`
    expect(items.map((i) => [i.id, path.basename(i.imagePath), i.member?.name, i.caption, i.membership, i.role])).toEqual([
      ['000000000', '00000.tar', '000000000.jpg', 'a cat', 'unknown', 'target'],
      ['000000001', '00000.tar', '000000001.png', 'a dog', 'nonmember', 'reference'],
      [long, '00001.tar', `${long}.webp`, 'a red car', 'member', 'target']
    ])
    // The bytes at the recorded offset are exactly the packed file, also through the stored reference.
    for (const [it, file] of [
      [items[0], 'src-a/000000000.jpg'],
      [items[2], `src-b/${long}.webp`]
    ] as const) {
      const original = await readFile(path.join(dir, file))
      expect((await readItemImage(it)).equals(original)).toBe(true)
      expect((await readImageRef(imageRef(it))).equals(original)).toBe(true)
    }
    expect(imageLabel(items[0])).toBe(`${path.join(dir, '00000.tar')}:000000000.jpg`)
    expect(items[0].metadata).toMatchObject({ shard: '00000.tar', url: 'https://example.org/000000000', status: 'success', width: '24' })
    expect(items[1].metadata).not.toHaveProperty('membership')
    expect(issues.map((i) => [i.itemId, i.code])).toEqual([
      ['000000002', 'download-failed'],
      ['000010001', 'bad-membership']
    ])
    expect(issues[1].message).toContain('00001.tar:000010001.json: membership "maybe"')
    expect(await ds.count()).toBe(5)
  })

  it('labels.csv overrides the JSON fields; the labelling is part of the hash, the copy location is not', async () => {
    const root = path.join(dir, 'shards')
    await buildShards(root)
    const before = (await openDataset(root)).info.hash
    const copy = path.join(dir, 'copy')
    await cp(root, copy, { recursive: true })
    expect((await openDataset(copy)).info.hash).toBe(before)
    await writeAt(root, 'labels.csv', 'id,membership,role\n000000001,member,target\nnobody,member,target\n')
    const ds = await openDataset(root)
    expect(ds.info.hash).not.toBe(before)
    const issues: DatasetIssue[] = []
    const items = await collect(ds.items({ onIssue: (i) => issues.push(i) }))
    expect(items.find((i) => i.id === '000000001')).toMatchObject({ membership: 'member', role: 'target' })
    expect(issues.find((i) => i.code === 'label-without-image')?.itemId).toBe('nobody')
  })

  it('a truncated shard keeps its good keys and reports the rest; the next shard is read', async () => {
    await buildShards(dir)
    const shard = path.join(dir, '00000.tar')
    const entries = await collect(tarEntries(shard))
    const png = entries.find((e) => e.name === '000000001.png')!
    await truncate(shard, png.offset + 10)
    const issues: DatasetIssue[] = []
    const items = await collect((await openDataset(dir)).items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => i.id)).toEqual(['000000000', `${'deep/'.repeat(25)}000010000`])
    const broken = issues.find((i) => i.code === 'corrupt-archive')!
    expect(broken).toMatchObject({ itemId: '00000.tar', severity: 'error' })
    expect(broken.message).toMatch(/^Shard 00000\.tar: the entry at byte \d+ needs \d+ bytes but the archive ends first: it is truncated/)
  })

  it('a file that is not a tar is reported, not thrown; a corrupt image inside a shard fails validation by name', async () => {
    await buildShards(dir)
    await writeFile(path.join(dir, '00002.tar'), Buffer.alloc(2048, 0x41))
    const src = path.join(dir, 'src-c')
    await writeAt(src, '000020000.jpg', Buffer.from('not a jpeg at all'))
    await writeAt(src, '000020000.txt', 'broken')
    pack(src, dir, '00003.tar', ['000020000.jpg', '000020000.txt'], 'ustar')
    const report = await validateDataset(await openDataset(dir))
    const codes = report.issues.map((i) => [i.itemId, i.code])
    expect(codes).toContainEqual(['00002.tar', 'corrupt-archive'])
    expect(codes).toContainEqual(['000020000', 'corrupt-image'])
    expect(report.issues.find((i) => i.code === 'corrupt-image')!.message).toContain('00003.tar:000020000.jpg')
    expect(report.issues.find((i) => i.code === 'corrupt-archive')!.message).toContain('bad header checksum at byte 0')
    expect(report.usable).toBe(3)
  })

  it('a caption member too large to be one is not read and skips its key; cancelling reports cancelled', async () => {
    const src = path.join(dir, 'src-big')
    await writeKey(src, 'k1', 'jpg', 'fine')
    await writeKey(src, 'k2', 'jpg', 'x'.repeat(5 << 20))
    const root = path.join(dir, 'big')
    pack(src, root, '00000.tar', membersOf(['k1', 'k2'], ['jpg', 'txt', 'json']), 'ustar')
    const issues: DatasetIssue[] = []
    const ds = await openDataset(root)
    expect((await collect(ds.items({ onIssue: (i) => issues.push(i) }))).map((i) => i.id)).toEqual(['k1'])
    expect(issues[0]).toMatchObject({ itemId: 'k2', severity: 'error' })
    expect(issues[0].message).toBe(`00000.tar:k2.txt is ${(5 << 20) + 0} bytes, more than a caption or metadata file can be (${4 << 20}); this key is skipped.`)
    // Cancelled mid-shard (inside the tar walk): the error says cancelled, not "cannot read the shard".
    const controller = new AbortController()
    const walk = async (): Promise<void> => {
      for await (const _ of ds.items({ signal: controller.signal, onIssue: () => undefined })) controller.abort()
    }
    await expect(walk()).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('dataset.json format "webdataset" opens a folder whose shards are the only content', async () => {
    const src = path.join(dir, 'src')
    await writeKey(src, 'k1', 'jpg', 'one')
    const root = path.join(dir, 'wds')
    await writeAt(root, 'dataset.json', JSON.stringify({ format: 'webdataset', membership: 'nonmember', role: 'reference' }))
    pack(src, root, 'shard-0.tar', ['k1.jpg', 'k1.txt', 'k1.json'], 'ustar')
    const items: Item[] = await collect((await openDataset(root)).items())
    expect(items.map((i) => [i.id, i.membership, i.role])).toEqual([['k1', 'nonmember', 'reference']])
    await rm(path.join(root, 'shard-0.tar'))
    expect(await collect((await openDataset(root)).items())).toEqual([])
  })
})
