// Empty input is refused with a reason (issue 21): a folder without items is never added, and an experiment on a
// dataset without target items is refused when it is created, before any run starts.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import { tempDir, testConfig } from '../../../helpers/workspace'

const ws = tempDir('mia-empty-')
let engine: Engine

beforeAll(() => {
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
})

afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

describe('empty datasets', () => {
  it('a folder with no images is refused with the reason and is not listed', async () => {
    const empty = path.join(ws.dir, 'no-images')
    fs.mkdirSync(empty)
    fs.writeFileSync(path.join(empty, 'notes.txt'), 'not an image')
    await expect(engine.invoke('datasets.add', { path: empty })).rejects.toMatchObject({
      code: 'bad-dataset',
      item: empty,
      message: expect.stringContaining('holds no items'),
      hint: expect.stringContaining('captions')
    })
    const { datasets } = await engine.invoke('datasets.list', {})
    expect(datasets.some((d) => d.path === empty)).toBe(false)
  })

  it('an experiment on a dataset with reference items only is refused at creation', async () => {
    const root = path.join(ws.dir, 'reference-only')
    fs.mkdirSync(root)
    fs.copyFileSync(path.resolve('resources/datasets/emoji-demo/images/google/1f600.png'), path.join(root, 'a.png'))
    fs.writeFileSync(path.join(root, 'dataset.json'), JSON.stringify({ name: 'reference-only', manifest: 'manifest.csv' }))
    fs.writeFileSync(path.join(root, 'manifest.csv'), 'id,image,caption,membership,role\na,a.png,an emoji,nonmember,reference\n')
    await expect(engine.invoke('experiments.create', { spec: { dataset: root, attack: 'blind' } })).rejects.toMatchObject({
      code: 'bad-dataset',
      message: expect.stringContaining('has no target items')
    })
    expect((await engine.invoke('experiments.list', {})).experiments).toEqual([])
  })
})
