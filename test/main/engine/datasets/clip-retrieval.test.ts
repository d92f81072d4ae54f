// clip-retrieval embedding folders written by the test (npy float16/32 + snappy parquet): items, labels, vectors, errors.
import fs from 'node:fs'
import path from 'node:path'
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDataset, validateDataset } from '../../../../src/main/engine/datasets'
import type { DatasetIssue } from '../../../../src/main/engine/datasets'
import { createRng } from '../../../../src/main/engine/rng'
import { writeClipRetrieval, writeMetadata, writeNpy } from '../../../helpers/clip-retrieval'
import { collect, makeTempDir, writeAt } from './fixture-files'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await makeTempDir('mia-clip-retrieval-')))
afterEach(() => cleanup())

function gaussian(n: number, seed: number): Float32Array {
  const rng = createRng(seed)
  return Float32Array.from({ length: n }, () => rng.normal())
}

const D = 8

async function twoParts(root: string, dtype: 'f2' | 'f4' = 'f2'): Promise<{ image: Float32Array[]; text: Float32Array[] }> {
  const image = [gaussian(3 * D, 1), gaussian(2 * D, 2)]
  const text = [gaussian(3 * D, 3), gaussian(2 * D, 4)]
  await writeClipRetrieval(root, [
    {
      dim: D,
      dtype,
      image: image[0],
      text: text[0],
      rowGroupSize: 2,
      columns: {
        key: ['a0', 'a1', 'a2'],
        caption: ['one', 'two', 'three'],
        url: ['u0', 'u1', 'u2'],
        membership: ['member', null, 'nonmember'],
        role: [null, null, 'reference'],
        similarity: [0.31, 0.29, 0.3]
      }
    },
    { dim: D, dtype, image: image[1], text: text[1], columns: { caption: ['four', 'five'], NSFW: ['UNLIKELY', 'UNLIKELY'] } }
  ])
  return { image, text }
}

describe('clip-retrieval embedding folders', () => {
  it('opens parts as items without images, with labels from columns, part rules and labels.csv, and vectors by row', async () => {
    const { image, text } = await twoParts(dir)
    await writeAt(dir, 'dataset.json', JSON.stringify({ name: 'laion-emb', model: 'ViT-B-32 (openai)', shards: { '1': { membership: 'nonmember' } } }))
    await writeAt(dir, 'labels.csv', 'id,membership,role\n1:1,member,target\n')
    const ds = await openDataset(dir)
    expect(ds.info).toMatchObject({ kind: 'clip-retrieval', name: 'laion-emb', embeddings: { dim: D, model: 'ViT-B-32 (openai)', parts: 2 } })
    expect(ds.vectors?.dim).toBe(D)
    const items = await collect(ds.items())
    expect(items.map((i) => [i.id, i.caption, i.membership, i.role, i.imagePath, i.vectors])).toEqual([
      ['a0', 'one', 'member', 'target', '', { shard: 0, row: 0 }],
      ['a1', 'two', 'unknown', 'target', '', { shard: 0, row: 1 }],
      ['a2', 'three', 'nonmember', 'reference', '', { shard: 0, row: 2 }],
      ['1:0', 'four', 'nonmember', 'target', '', { shard: 1, row: 0 }],
      ['1:1', 'five', 'member', 'target', '', { shard: 1, row: 1 }]
    ])
    expect(items[0].metadata).toEqual({ part: '0', similarity: '0.31' })
    expect(items[3].metadata).toEqual({ part: '1', NSFW: 'UNLIKELY' })
    expect(await ds.count()).toBe(5)
    // No image to check: validation reports only what the reader found.
    expect(await validateDataset(ds)).toMatchObject({ usable: 5, issues: [] })
    // Across parts, in any order; float16 storage rounds to 11 significant bits.
    const picked = [items[4], items[0], items[2]]
    const got = await ds.vectors!.read(picked)
    const want = (m: Float32Array[], part: number, row: number) => Array.from(m[part].subarray(row * D, (row + 1) * D))
    const expected = [want(image, 1, 1), want(image, 0, 0), want(image, 0, 2)].flat()
    Array.from(got.image).forEach((x, i) => expect(x).toBeCloseTo(expected[i], 2))
    expect(
      Array.from(got.text.subarray(D, 2 * D))
        .map((x, i) => x - text[0][i])
        .every((e) => Math.abs(e) < 4e-3)
    ).toBe(true)
  })

  it('reads float32 exactly', async () => {
    const { image } = await twoParts(dir, 'f4')
    const items = await collect((await openDataset(dir)).items())
    expect(Array.from((await (await openDataset(dir)).vectors!.read([items[1]])).image)).toEqual(Array.from(image[0].subarray(D, 2 * D)))
  })

  it('reads gzip-compressed metadata (pandas compression="gzip") as well as snappy', async () => {
    await writeClipRetrieval(dir, [{ dim: D, image: gaussian(2 * D, 1), text: gaussian(2 * D, 2), columns: { caption: ['x', 'y'] } }])
    await writeMetadata(path.join(dir, 'metadata', 'metadata_0.parquet'), { caption: ['gzipped x', 'gzipped y'] }, undefined, 'GZIP')
    const meta = await parquetMetadataAsync(await asyncBufferFromFile(path.join(dir, 'metadata', 'metadata_0.parquet')))
    expect(meta.row_groups[0].columns[0].meta_data?.codec).toBe('GZIP')
    expect((await collect((await openDataset(dir)).items())).map((i) => i.caption)).toEqual(['gzipped x', 'gzipped y'])
  })

  it('a bad label value skips the row with a message naming the part and row', async () => {
    await writeClipRetrieval(dir, [{ dim: D, image: gaussian(2 * D, 1), text: gaussian(2 * D, 2), columns: { caption: ['x', 'y'], membership: ['member', 'in-train'] } }])
    const issues: DatasetIssue[] = []
    const items = await collect((await openDataset(dir)).items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => i.id)).toEqual(['0:0'])
    expect(issues).toMatchObject([{ itemId: '0:1', code: 'bad-membership', severity: 'error' }])
    expect(issues[0].message).toBe('metadata_0.parquet row 1: membership "in-train" is not one of member/nonmember, 1/0, true/false (any case), or unknown/empty/NA; this item is skipped.')
  })

  it('refuses to open inconsistent folders, naming the part and what to do', async () => {
    await twoParts(dir)
    fs.rmSync(path.join(dir, 'text_emb', 'text_emb_1.npy'))
    await expect(openDataset(dir)).rejects.toMatchObject({ code: 'bad-dataset', message: 'Part 1 has metadata but no text_emb/text_emb_1.npy.' })
    writeNpy(path.join(dir, 'text_emb', 'text_emb_1.npy'), 3, D, [gaussian(3 * D, 9)])
    await expect(openDataset(dir)).rejects.toMatchObject({ message: 'Part 1: metadata has 2 rows but the embeddings have 2 (image) and 3 (text).' })
    writeNpy(path.join(dir, 'text_emb', 'text_emb_1.npy'), 2, D + 1, [gaussian(2 * (D + 1), 9)])
    await expect(openDataset(dir)).rejects.toMatchObject({ message: `Part 1: image embeddings have ${D} dimensions, text embeddings ${D + 1}.` })
    fs.writeFileSync(path.join(dir, 'text_emb', 'text_emb_1.npy'), 'garbage')
    await expect(openDataset(dir)).rejects.toMatchObject({ message: expect.stringContaining('text_emb_1.npy: not a NumPy .npy file') })
    const npy = path.join(dir, 'img_emb', 'img_emb_0.npy')
    writeNpy(path.join(dir, 'text_emb', 'text_emb_1.npy'), 2, D, [gaussian(2 * D, 9)])
    fs.truncateSync(npy, fs.statSync(npy).size - 1)
    await expect(openDataset(dir)).rejects.toMatchObject({ message: expect.stringMatching(/img_emb_0\.npy: holds \d+ bytes, \d+ are needed .* the file is truncated/) })
    writeNpy(npy, 3, D, [gaussian(3 * D, 5)])
    fs.writeFileSync(path.join(dir, 'metadata', 'metadata_0.parquet'), 'PAR1 not really')
    await expect(openDataset(dir)).rejects.toMatchObject({ message: expect.stringContaining('metadata_0.parquet: not a readable parquet file') })
  })

  it('the hash follows the vectors and the labels', async () => {
    await twoParts(dir)
    const first = (await openDataset(dir)).info.hash
    expect((await openDataset(dir)).info.hash).toBe(first)
    writeNpy(path.join(dir, 'img_emb', 'img_emb_1.npy'), 2, D, [gaussian(2 * D, 77)])
    const second = (await openDataset(dir)).info.hash
    expect(second).not.toBe(first)
    await writeAt(dir, 'dataset.json', JSON.stringify({ membership: 'member' }))
    expect((await openDataset(dir)).info.hash).not.toBe(second)
  })
})
