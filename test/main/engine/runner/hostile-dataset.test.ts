// A hostile dataset end to end (issue 16): a FIFO, a device path, a symlink out of the root, a symlink loop, two
// byte-identical corrupt images, an over-limit image and terminal escape codes in an id. Validation and a run finish
// within seconds; every item ends scored or skipped with its reason and the counts add up; in browser mode nothing
// outside the dataset folder is ever thumbnailed, previewed or read.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import * as images from '../../../helpers/images'
import { miniDataset } from '../../../helpers/mini-dataset'
import { tempDir, testConfig } from '../../../helpers/workspace'

const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-hostile-')
const root = path.join(ws.dir, 'hostile')
const manifest = path.join(root, 'manifest.csv')
const ESCAPE_ID = '\x1b]0;pwned\x07\x1b[2Jtitle'
const canFifo = process.platform !== 'win32'

/** Rows whose image a run must skip, with the reason each must give. */
const SKIPPED: Record<string, RegExp> = {
  pipe: /FIFO \(named pipe\), not a regular file/,
  zero: /device, not a regular file/,
  loop: /symbolic link loop/,
  corrupt1: /cannot be decoded|header cannot be read/,
  corrupt2: /same bytes as item corrupt1|cannot be decoded|header cannot be read/,
  bomb: /10000×10000 = 100000000 pixels, over the limit of 89478485/
}

/** Wrap a promise so a hang fails the test in seconds instead of timing the suite out. */
function within<T>(ms: number, p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`did not finish within ${ms} ms`)), ms))])
}

beforeAll(async () => {
  await miniDataset(root, { members: 6, nonmembers: 6, reference: 0 })
  const rows = fs.readFileSync(manifest, 'utf8').trim().split('\n')
  const good = fs.readdirSync(path.join(root, 'images')).filter((f) => f.endsWith('.png'))
  fs.mkdirSync(path.join(ws.dir, 'outside'))
  fs.copyFileSync(path.join(root, 'images', good[0]), path.join(ws.dir, 'outside', 'secret.png'))
  fs.symlinkSync(path.join(ws.dir, 'outside', 'secret.png'), path.join(root, 'images', 'escape.png'))
  fs.symlinkSync('loop.png', path.join(root, 'images', 'loop.png'))
  const corrupt = images.truncated(fs.readFileSync(path.join(root, 'images', good[1])), 0.3)
  fs.writeFileSync(path.join(root, 'images', 'corrupt1.png'), corrupt)
  fs.writeFileSync(path.join(root, 'images', 'corrupt2.png'), corrupt)
  fs.writeFileSync(path.join(root, 'images', 'bomb.png'), images.decompressionBombPng(10_000))
  fs.copyFileSync(path.join(root, 'images', good[2]), path.join(root, 'images', 'escaped-id.png'))
  if (canFifo) execFileSync('mkfifo', [path.join(root, 'images', 'pipe.png')])
  rows.push(
    ...(canFifo ? ['pipe,images/pipe.png,a pipe,member,target,,'] : []),
    'zero,/dev/zero,endless zeros,nonmember,target,,',
    'escape,images/escape.png,a file outside,member,target,,',
    'loop,images/loop.png,a link to itself,nonmember,target,,',
    'corrupt1,images/corrupt1.png,broken,member,target,,',
    'corrupt2,images/corrupt2.png,broken too,nonmember,target,,',
    'bomb,images/bomb.png,too many pixels,member,target,,',
    `${ESCAPE_ID},images/escaped-id.png,an id with escape codes,nonmember,target,,`
  )
  fs.writeFileSync(manifest, rows.join('\n') + '\n')
}, 60_000)

afterAll(() => ws.cleanup())

const targetRows = (): string[] =>
  fs
    .readFileSync(manifest, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((r) => r.split(',')[0])
const expectedSkips = (): string[] =>
  Object.keys(SKIPPED)
    .filter((id) => canFifo || id !== 'pipe')
    .sort()

describe('a hostile dataset', () => {
  let engine: Engine
  beforeAll(() => {
    engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
  })
  afterAll(async () => engine.dispose())

  it('validates within seconds, naming every bad item, and the counts add up', async () => {
    const report = await within(20_000, engine.invoke('datasets.validate', { dataset: manifest }))
    const errors = new Map<string, string>()
    for (const i of report.issues) if (i.severity === 'error' && i.itemId) errors.set(i.itemId, i.message)
    expect([...errors.keys()].sort()).toEqual(expectedSkips())
    for (const [id, message] of errors) expect(message, id).toMatch(SKIPPED[id])
    expect(report.issues.find((i) => i.itemId === 'escape')).toMatchObject({
      severity: 'warning',
      code: 'path-escapes-root',
      message: expect.stringMatching(/symbolic link to a file outside the dataset folder/)
    })
    expect(report.usable + report.errors).toBe(targetRows().length)
  }, 30_000)

  it('runs to completion: every item scored or skipped with its reason, none lost', async () => {
    const created = await engine.invoke('experiments.create', { spec: { model: TINY, dataset: manifest, attack: 'csa', params: { evaluation: { resamples: 50 }, blind: { enabled: false } } } })
    const record = await within(60_000, engine.invoke('experiments.run', { id: created.id }))
    expect(record.status).toBe('done')
    const skipped = record.results!.skipped
    expect(skipped.map((s) => s.itemId).sort()).toEqual(expectedSkips())
    for (const s of skipped) expect(s.message, s.itemId).toMatch(SKIPPED[s.itemId])
    expect(skipped.find((s) => s.itemId === 'corrupt2')!.message).toMatch(/same bytes as item corrupt1/)
    // Locally a symlink out of the root is read (documented in SECURITY.md); the id with escape codes is just an id.
    const view = await engine.invoke('experiments.get', { id: created.id })
    expect(record.results!.counts.targets + skipped.length).toBe(targetRows().length)
    expect(view.record.results!.metrics!.n.members + view.record.results!.metrics!.n.nonmembers).toBe(record.results!.counts.targets)
    // Its thumbnail is never made, not even in the Results view.
    const escape = view.topMembers.find((x) => x.id === 'escape')
    expect(escape, 'the symlinked member is scored and among the 12 most exposed of 7 members').toBeDefined()
    expect(escape!.thumbnail).toBeNull()
    expect(view.topMembers.filter((x) => x.id !== 'escape').every((x) => x.thumbnail?.startsWith('data:image/png;base64,'))).toBe(true)
  }, 90_000)

  it('a run that can score nothing is failed with the reason, never done', async () => {
    const broken = path.join(root, 'broken.csv')
    fs.writeFileSync(broken, 'id,image,caption,membership\ncorrupt1,images/corrupt1.png,x,member\ncorrupt2,images/corrupt2.png,y,nonmember\nbomb,images/bomb.png,z,nonmember\n')
    const created = await engine.invoke('experiments.create', { spec: { model: TINY, dataset: broken, attack: 'csa' } })
    await expect(engine.invoke('experiments.run', { id: created.id })).rejects.toMatchObject({
      code: 'bad-dataset',
      message: expect.stringMatching(/No target item could be scored: 3 item\(s\) were skipped/)
    })
    expect((await engine.invoke('experiments.get', { id: created.id })).record.status).toBe('failed')
  }, 60_000)
})

describe('the hostile dataset in browser mode', () => {
  let served: Engine
  beforeAll(async () => {
    served = createEngine(testConfig(path.join(ws.dir, 'served'), { registeredOnly: true }))
    await served.invoke('datasets.add', { path: manifest })
    await served.invoke('models.add', { path: TINY })
  }, 60_000)
  afterAll(async () => served.dispose())

  it('never thumbnails or previews anything outside the dataset folder, nor a device or a FIFO', async () => {
    const page = await within(20_000, served.invoke('datasets.items', { dataset: manifest, limit: 100 }))
    const thumb = new Map(page.items.map((i) => [i.id, i.thumbnail]))
    expect(thumb.get('escape')).toBeNull()
    expect(thumb.get('zero')).toBeNull()
    if (canFifo) expect(thumb.get('pipe')).toBeNull()
    expect(thumb.has('loop')).toBe(false) // a reader-level error: not a usable item
    for (const id of ['escape', 'zero', 'loop']) {
      await expect(within(10_000, served.invoke('augment.preview', { dataset: manifest, itemId: id, bank: 'hflip' }))).rejects.toMatchObject({ code: 'not-found' })
    }
    if (canFifo) {
      await expect(within(10_000, served.invoke('augment.preview', { dataset: manifest, itemId: 'pipe', bank: 'hflip' }))).rejects.toMatchObject({
        code: 'bad-item',
        message: expect.stringMatching(/FIFO/)
      })
    }
  }, 60_000)

  it('skips the out-of-root symlink in runs, with its reason, unless the server allows it', async () => {
    const created = await served.invoke('experiments.create', { spec: { model: TINY, dataset: manifest, attack: 'csa', params: { evaluation: { resamples: 50 }, blind: { enabled: false } } } })
    const record = await within(60_000, served.invoke('experiments.run', { id: created.id }))
    const skipped = new Map(record.results!.skipped.map((s) => [s.itemId, s]))
    expect(skipped.get('escape')).toMatchObject({ code: 'path-escapes-root', message: expect.stringMatching(/browser mode does not read it/) })
    expect(record.results!.counts.targets + skipped.size).toBe(targetRows().length)
  }, 90_000)
})
