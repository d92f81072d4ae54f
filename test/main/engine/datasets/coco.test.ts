// COCO captions datasets: one item per annotation, layout detection, labels and rules, malformed entries, hash.
import { cp, rm } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDataset, validateDataset } from '../../../../src/main/engine/datasets'
import type { DatasetIssue } from '../../../../src/main/engine/datasets'
import { WorkbenchError } from '../../../../src/shared/contract/errors'
import { collect, makeTempDir, writeAt, writeImage } from './fixture-files'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()))
afterEach(() => cleanup())

const IMAGES = [
  { id: 139, file_name: '000000000139.jpg', width: 24, height: 24 },
  { id: 285, file_name: '000000000285.png', width: 24, height: 24 }
]
const ANNOTATIONS = [
  { id: 11, image_id: 139, caption: 'A room with a TV. \n' },
  { id: 12, image_id: 285, caption: 'A brown bear.' },
  { id: 13, image_id: 139, caption: 'A living room.' }
]

/** A COCO download layout: annotations/captions_val2017.json + val2017/ images. */
async function buildCoco(root: string, json: unknown = { info: {}, images: IMAGES, annotations: ANNOTATIONS }): Promise<void> {
  await writeAt(root, 'annotations/captions_val2017.json', JSON.stringify(json))
  await writeAt(root, 'annotations/instances_val2017.json', '{"images": [], "annotations": []}')
  await writeImage(root, 'val2017/000000000139.jpg', 1)
  await writeImage(root, 'val2017/000000000285.png', 2)
}

describe('COCO captions', () => {
  it('yields one item per annotation in file order, with image id, split and trimmed caption', async () => {
    await buildCoco(dir)
    const ds = await openDataset(dir)
    expect(ds.info).toMatchObject({ kind: 'coco', name: path.basename(dir), root: dir, manifestPath: path.join(dir, 'annotations/captions_val2017.json') })
    const items = await collect(ds.items())
    expect(items.map((i) => [i.id, path.relative(dir, i.imagePath), i.caption, i.membership, i.role, i.metadata])).toEqual([
      ['139-11', 'val2017/000000000139.jpg', 'A room with a TV.', 'unknown', 'target', { image_id: '139', coco_split: 'val2017' }],
      ['285-12', 'val2017/000000000285.png', 'A brown bear.', 'unknown', 'target', { image_id: '285', coco_split: 'val2017' }],
      ['139-13', 'val2017/000000000139.jpg', 'A living room.', 'unknown', 'target', { image_id: '139', coco_split: 'val2017' }]
    ])
    expect(await ds.count()).toBe(3)
  })

  it('opens the JSON file itself, with images beside it when no known folder exists', async () => {
    await writeAt(dir, 'caps.json', JSON.stringify({ images: IMAGES, annotations: ANNOTATIONS }))
    await writeImage(dir, '000000000139.jpg', 1)
    await writeImage(dir, '000000000285.png', 2)
    const byFile = await openDataset(path.join(dir, 'caps.json'))
    const byFolder = await openDataset(dir)
    expect(byFile.info).toMatchObject({ kind: 'coco', root: dir })
    expect(byFolder.info.hash).toBe(byFile.info.hash)
    const items = await collect(byFile.items())
    expect(items.map((i) => [i.id, path.relative(dir, i.imagePath), i.metadata])).toEqual([
      ['139-11', '000000000139.jpg', { image_id: '139' }],
      ['285-12', '000000000285.png', { image_id: '285' }],
      ['139-13', '000000000139.jpg', { image_id: '139' }]
    ])
  })

  it('follows dataset.json format, annotations, images and the whole-dataset membership rule', async () => {
    await writeAt(dir, 'meta/caps.json', JSON.stringify({ images: IMAGES, annotations: ANNOTATIONS }))
    await writeImage(dir, 'pics/000000000139.jpg', 1)
    await writeImage(dir, 'pics/000000000285.png', 2)
    await writeAt(dir, 'dataset.json', JSON.stringify({ name: 'coco-sub', format: 'coco', annotations: 'meta/caps.json', images: 'pics', membership: 'member', role: 'reference' }))
    const ds = await openDataset(dir)
    expect(ds.info).toMatchObject({ kind: 'coco', name: 'coco-sub' })
    const items = await collect(ds.items())
    expect(items.map((i) => [path.relative(dir, i.imagePath), i.membership, i.role])).toEqual([
      ['pics/000000000139.jpg', 'member', 'reference'],
      ['pics/000000000285.png', 'member', 'reference'],
      ['pics/000000000139.jpg', 'member', 'reference']
    ])
  })

  it('takes labels.csv rows by item id first, then by image id, else the rule; warns about unused rows', async () => {
    await buildCoco(dir)
    await writeAt(dir, 'dataset.json', '{"membership": "nonmember"}')
    await writeAt(dir, 'labels.csv', 'id,membership,role\n139,member,target\n139-13,nonmember,pool\n999,member,\n')
    const issues: DatasetIssue[] = []
    const items = await collect((await openDataset(dir)).items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => [i.id, i.membership, i.role])).toEqual([
      ['139-11', 'member', 'target'],
      ['285-12', 'nonmember', 'target'],
      ['139-13', 'nonmember', 'pool']
    ])
    expect(issues.map((i) => [i.itemId, i.severity, i.code, i.line])).toEqual([['999', 'warning', 'label-without-image', 4]])
  })

  it('reports malformed entries as issues naming the entry and streams the rest', async () => {
    const json = {
      images: [...IMAGES, { id: 285, file_name: 'other.png' }, { file_name: 'x.png' }, { id: 7 }],
      annotations: [
        { id: 11, image_id: 139, caption: 'ok' },
        { id: 11, image_id: 285, caption: 'duplicate annotation id' },
        { id: 20, image_id: 404, caption: 'no such image' },
        { id: 21, image_id: 285, caption: '   ' },
        { id: 22, image_id: 7, caption: 'image without file_name' },
        { image_id: 139, caption: 'no id' },
        'not an object',
        { id: 23, image_id: 285, caption: 'fine too' }
      ]
    }
    await buildCoco(dir, json)
    const ds = await openDataset(dir)
    const issues: DatasetIssue[] = []
    const items = await collect(ds.items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => i.id)).toEqual(['139-11', '285-23'])
    expect(items[1].imagePath).toBe(path.join(dir, 'val2017/000000000285.png'))
    expect(issues.map((i) => [i.itemId, i.severity, i.code])).toEqual([
      ['285', 'warning', 'duplicate-id'],
      ['images[3]', 'warning', 'missing-id'],
      ['285-11', 'error', 'duplicate-id'],
      ['404-20', 'error', 'unknown-image'],
      ['285-21', 'error', 'missing-caption'],
      ['7-22', 'error', 'missing-image-path'],
      ['annotations[5]', 'error', 'missing-id'],
      ['annotations[6]', 'error', 'missing-id']
    ])
    const message = (id: string): string => issues.find((i) => i.itemId === id)!.message
    expect(message('285-11')).toBe('captions_val2017.json annotations[1]: annotation id 11 is already used by annotations[0]; this annotation is skipped.')
    expect(message('404-20')).toMatch(/annotations\[2\] \(id 20\): image_id 404 matches no entry of "images"/)
    expect(message('285-21')).toMatch(/annotations\[3\] \(id 21\): the caption is empty/)
    expect(issues.every((i) => i.hint.length > 0)).toBe(true)
    await expect(collect(ds.items())).rejects.toThrow(/annotations\[1\]: annotation id 11 is already used/)
    const report = await validateDataset(ds)
    expect(report).toMatchObject({ total: 8, usable: 2, skipped: 6 })
    expect(report.issueCounts).toMatchObject({ 'duplicate-id': 2, 'missing-id': 3 })
  })

  it('validates: missing and corrupt images are errors, shared images of one image id are not duplicates', async () => {
    await buildCoco(dir, {
      images: [...IMAGES, { id: 3, file_name: 'gone.jpg' }, { id: 4, file_name: 'bad.png' }],
      annotations: [...ANNOTATIONS, { id: 30, image_id: 3, caption: 'gone' }, { id: 40, image_id: 4, caption: 'bad' }]
    })
    await writeAt(dir, 'val2017/bad.png', 'not a png')
    const report = await validateDataset(await openDataset(dir))
    expect(report).toMatchObject({ total: 5, usable: 3, skipped: 2 })
    expect(report.issues.map((i) => [i.itemId, i.code])).toEqual([
      ['3-30', 'missing-file'],
      ['4-40', 'corrupt-image']
    ])
  })

  it('opens the folder of a dataset.json path, and stops when cancelled', async () => {
    await buildCoco(dir)
    await writeAt(dir, 'dataset.json', '{"name": "named"}')
    const ds = await openDataset(path.join(dir, 'dataset.json'))
    expect(ds.info).toMatchObject({ kind: 'coco', name: 'named' })
    const controller = new AbortController()
    controller.abort()
    await expect(collect(ds.records({ signal: controller.signal }))).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('fails the open on ambiguous layouts and the first read on a file that is not COCO', async () => {
    await buildCoco(dir)
    await writeAt(dir, 'annotations/captions_train2017.json', '{"images": [], "annotations": []}')
    await expect(openDataset(dir)).rejects.toThrow(/several COCO captions files/)
    await writeAt(dir, 'x.json', '{"images": {}}')
    const bad = await openDataset(path.join(dir, 'x.json'))
    await expect(collect(bad.records())).rejects.toBeInstanceOf(WorkbenchError)
    await expect(bad.count()).rejects.toThrow(/expected an object with "images" and "annotations" lists/)
  })

  it('keeps its hash across copies and changes it with the labelling', async () => {
    const a = path.join(dir, 'a')
    await buildCoco(a)
    const b = path.join(dir, 'b')
    await cp(a, b, { recursive: true })
    const hash = (await openDataset(a)).info.hash
    expect((await openDataset(b)).info.hash).toBe(hash)
    await writeAt(b, 'dataset.json', '{"membership": "member"}')
    expect((await openDataset(b)).info.hash).not.toBe(hash)
    await rm(path.join(b, 'dataset.json'))
    await writeAt(b, 'labels.csv', 'id,membership\n139,member\n')
    expect((await openDataset(b)).info.hash).not.toBe(hash)
  })
})
