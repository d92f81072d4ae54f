// Image-folder datasets: walk order, .txt captions, labels.csv and subfolder membership, folder hash.
import { cp, rm } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDataset } from '../../../../src/main/engine/datasets'
import type { DatasetIssue } from '../../../../src/main/engine/datasets'
import { WorkbenchError } from '../../../../src/shared/contract/errors'
import { collect, makeTempDir, writeAt, writeImage } from './fixture-files'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()))
afterEach(() => cleanup())

async function buildFolder(root: string): Promise<void> {
  await writeImage(root, 'member/b.jpg', 1)
  await writeAt(root, 'member/b.txt', '\uFEFF  a dog on grass \n')
  await writeImage(root, 'member/a.PNG', 2)
  await writeAt(root, 'member/a.txt', 'a cat')
  await writeImage(root, 'nonmember/deep/c.webp', 3)
  await writeAt(root, 'nonmember/deep/c.TXT', 'a bird')
  await writeImage(root, 'reference/r.gif', 4)
  await writeAt(root, 'reference/r.txt', 'a fish')
  await writeImage(root, 'loose.tiff', 5)
  await writeAt(root, 'loose.txt', 'a loose image')
  await writeImage(root, 'Z-upper.png', 6)
  await writeAt(root, 'notes.md', 'not an image')
  await writeImage(root, '.hidden/h.png', 7)
  await writeImage(root, '.dot.png', 8)
}

describe('image folders', () => {
  it('walks recursively in code-unit order, reads .txt captions and labels by subfolder', async () => {
    await buildFolder(dir)
    const ds = await openDataset(dir)
    expect(ds.info).toMatchObject({ kind: 'folder', name: path.basename(dir), root: dir, manifestPath: dir, description: '', license: '' })
    const issues: DatasetIssue[] = []
    const items = await collect(ds.items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => [i.id, path.relative(dir, i.imagePath), i.caption, i.membership, i.role, i.metadata])).toEqual([
      ['Z-upper', 'Z-upper.png', '', 'unknown', 'target', {}],
      ['loose', 'loose.tiff', 'a loose image', 'unknown', 'target', {}],
      ['member/a', 'member/a.PNG', 'a cat', 'member', 'target', { folder: 'member' }],
      ['member/b', 'member/b.jpg', 'a dog on grass', 'member', 'target', { folder: 'member' }],
      ['nonmember/deep/c', 'nonmember/deep/c.webp', 'a bird', 'nonmember', 'target', { folder: 'nonmember/deep' }],
      ['reference/r', 'reference/r.gif', 'a fish', 'nonmember', 'reference', { folder: 'reference' }]
    ])
    expect(items.every((i) => !i.escapesRoot && i.line === undefined)).toBe(true)
    expect(issues.map((i) => [i.itemId, i.severity, i.code])).toEqual([['Z-upper', 'warning', 'missing-caption']])
    expect(await ds.count()).toBe(6)
  })

  it('takes membership from labels.csv first, then the subfolder, and warns about labels matching no image', async () => {
    await writeImage(dir, 'member/a.png', 1)
    await writeImage(dir, 'x.png', 2)
    await writeImage(dir, 'y.jpg', 3)
    await writeImage(dir, 'z.png', 4)
    await writeAt(dir, 'labels.csv', 'id,membership,role\nmember/a,nonmember,reference\nx,member,\ny.jpg,nonmember,pool\nghost,member,target\n')
    const issues: DatasetIssue[] = []
    const items = await collect((await openDataset(dir)).items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => [i.id, i.membership, i.role])).toEqual([
      ['member/a', 'nonmember', 'reference'],
      ['x', 'member', 'target'],
      ['y', 'nonmember', 'pool'],
      ['z', 'unknown', 'target']
    ])
    const label = issues.filter((i) => i.code === 'label-without-image')
    expect(label).toEqual([expect.objectContaining({ itemId: 'ghost', line: 5, severity: 'warning' })])
    expect(label[0].message).toMatch(/labels\.csv line 5: "ghost" matches no image/)
  })

  it('fails a malformed labels.csv at open with its line and a hint', async () => {
    await writeImage(dir, 'a.png', 1)
    await writeAt(dir, 'labels.csv', 'id,membership\na,train\n')
    const err = await openDataset(dir).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WorkbenchError)
    expect((err as WorkbenchError).message).toBe(`${path.join(dir, 'labels.csv')}: line 2: membership "train" is not one of member/nonmember, 1/0, true/false (any case), or unknown/empty/NA.`)
    expect((err as WorkbenchError).hint).toMatch(/member, nonmember or unknown/)
  })

  it('skips the second image sharing an id (same stem, other extension) as a duplicate-id error', async () => {
    await writeImage(dir, 'a.jpg', 1)
    await writeImage(dir, 'a.png', 2)
    const issues: DatasetIssue[] = []
    const items = await collect((await openDataset(dir)).items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => path.basename(i.imagePath))).toEqual(['a.jpg'])
    expect(issues.filter((i) => i.severity === 'error').map((i) => [i.itemId, i.code, i.message])).toEqual([['a', 'duplicate-id', 'a.png: id "a" is already used by a.jpg; this record is skipped.']])
  })

  it('hashes content: a copy keeps the hash; a caption edit, a new image or a labels change alter it', async () => {
    await buildFolder(path.join(dir, 'one'))
    await cp(path.join(dir, 'one'), path.join(dir, 'two'), { recursive: true })
    const hash = async (d: string): Promise<string> => (await openDataset(path.join(dir, d))).info.hash
    const base = await hash('one')
    expect(base).toMatch(/^[0-9a-f]{64}$/)
    expect(await hash('two')).toBe(base)
    await writeAt(dir, 'two/member/a.txt', 'a cat ')
    expect(await hash('two')).toBe(base)
    await writeAt(dir, 'two/member/a.txt', 'a kitten')
    const edited = await hash('two')
    expect(edited).not.toBe(base)
    await writeAt(dir, 'two/labels.csv', 'id,membership\nloose,member\n')
    expect(await hash('two')).not.toBe(edited)
    await rm(path.join(dir, 'two/labels.csv'))
    await writeImage(dir, 'two/extra.png', 9)
    expect(await hash('two')).not.toBe(edited)
  })

  it('uses dataset.json in an image folder for name and licence', async () => {
    await writeImage(dir, 'a.png', 1)
    await writeAt(dir, 'dataset.json', JSON.stringify({ name: 'Named', description: 'd', license: 'MIT' }))
    expect((await openDataset(dir)).info).toMatchObject({ kind: 'folder', name: 'Named', description: 'd', license: 'MIT' })
  })
})
