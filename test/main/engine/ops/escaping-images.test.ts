// Browser mode must not become a file reader (issue 9): an image path that leaves the dataset folder is listed but
// never thumbnailed or previewed, even for a registered dataset.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import * as images from '../../../helpers/images'
import { tempDir, testConfig } from '../../../helpers/workspace'

const ws = tempDir('mia-escaping-')
const dataset = path.join(ws.dir, 'ds')
let engine: Engine

beforeAll(async () => {
  fs.mkdirSync(path.join(dataset, 'images'), { recursive: true })
  fs.mkdirSync(path.join(ws.dir, 'private'))
  fs.writeFileSync(path.join(dataset, 'images/in.png'), await images.pngPhoto(40, 30, 1))
  fs.writeFileSync(path.join(ws.dir, 'private/secret.png'), await images.pngPhoto(40, 30, 2))
  fs.writeFileSync(path.join(dataset, 'manifest.csv'), `id,image,caption\nin,images/in.png,inside\nout,../private/secret.png,outside\nabs,${path.join(ws.dir, 'private/secret.png')},absolute\n`)
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace'), { registeredOnly: true }))
  await engine.invoke('datasets.add', { path: path.join(dataset, 'manifest.csv') })
}, 60_000)
afterAll(async () => {
  await engine.dispose()
  ws.cleanup()
})

describe('images outside the dataset folder', () => {
  it('are listed without a thumbnail; the image inside gets one', async () => {
    const page = await engine.invoke('datasets.items', { dataset: path.join(dataset, 'manifest.csv') })
    expect(page.items.map((i) => [i.id, i.thumbnail === null ? null : i.thumbnail.slice(0, 22)])).toEqual([
      ['in', 'data:image/png;base64,'],
      ['out', null],
      ['abs', null]
    ])
  })

  it('are never read for an augmentation preview', async () => {
    const manifest = path.join(dataset, 'manifest.csv')
    for (const itemId of ['out', 'abs']) {
      await expect(engine.invoke('augment.preview', { dataset: manifest, itemId, bank: 'hflip' })).rejects.toMatchObject({ code: 'not-found', message: `Item ${itemId} is not in ds.` })
    }
    expect((await engine.invoke('augment.preview', { dataset: manifest, bank: 'hflip' })).itemId).toBe('in')
  })
})
