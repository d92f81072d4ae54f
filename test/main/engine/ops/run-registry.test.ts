// The run registry: a run belongs to the engine. Following it and stopping to follow never cancels it; a later
// follower sees what it missed and the live rest; only experiments.cancel stops it; a restarted engine replays a
// finished or failed run from the workspace (issue 21).
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import type { WorkbenchEvent } from '../../../../src/shared/contract/events'
import { miniDataset } from '../../../helpers/mini-dataset'
import { tempDir, testConfig } from '../../../helpers/workspace'

const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-registry-')
let engine: Engine
let dataset: string

async function created(resamples: number): Promise<string> {
  const record = await engine.invoke('experiments.create', { spec: { model: TINY, dataset, attack: 'csa', params: { evaluation: { resamples } } } })
  return record.id
}

/** Resolve once `events` holds a progress event of `phase`. */
function until(events: WorkbenchEvent[], test: (e: WorkbenchEvent) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (events.some(test)) {
        clearInterval(timer)
        resolve()
      }
    }, 20)
  })
}

beforeAll(async () => {
  dataset = await miniDataset(path.join(ws.dir, 'mini'), { members: 30, nonmembers: 30, reference: 10 })
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
}, 60_000)

afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

describe('run registry', () => {
  it('a follower that goes away leaves the run going; a new follower gets the replay and the end', async () => {
    const id = await created(20_000)
    expect(await engine.invoke('experiments.start', { id })).toEqual({ started: true })
    expect(await engine.invoke('experiments.start', { id })).toEqual({ started: false })
    expect((await engine.invoke('experiments.active', {})).ids).toEqual([id])

    const first: WorkbenchEvent[] = []
    const leave = new AbortController()
    const following = engine.invoke('experiments.follow', { id }, { signal: leave.signal, onEvent: (e) => first.push(e) })
    await until(first, (e) => e.type === 'progress' && e.phase === 'embedding')
    leave.abort()
    await expect(following).rejects.toMatchObject({ code: 'cancelled' })
    expect((await engine.invoke('experiments.get', { id })).record.status).toBe('running')

    const second: WorkbenchEvent[] = []
    const out = await engine.invoke('experiments.follow', { id }, { onEvent: (e) => second.push(e) })
    expect(out.followed).toBe(true)
    expect(out.record.status).toBe('done')
    // The replay starts with what the first follower saw: the model's provider line and the embedding phase.
    expect(second.some((e) => e.type === 'log' && /runs on/.test(e.message))).toBe(true)
    expect(second.some((e) => e.type === 'progress' && e.phase === 'embedding')).toBe(true)
    expect(second.some((e) => e.type === 'progress' && e.phase === 'evaluating' && e.done === e.total)).toBe(true)
    expect((await engine.invoke('experiments.active', {})).ids).toEqual([])

    // A finished run replays its events and returns at once.
    const late: WorkbenchEvent[] = []
    const again = await engine.invoke('experiments.follow', { id }, { onEvent: (e) => late.push(e) })
    expect(again).toMatchObject({ followed: false, record: { status: 'done' } })
    expect(late.some((e) => e.type === 'progress' && e.phase === 'evaluating')).toBe(true)
  }, 180_000)

  it('only experiments.cancel stops a run; it ends cancelled and resumes later', async () => {
    const id = await created(100_000)
    await engine.invoke('experiments.start', { id })
    const events: WorkbenchEvent[] = []
    const following = engine.invoke('experiments.follow', { id }, { onEvent: (e) => events.push(e) })
    await until(events, (e) => e.type === 'progress' && e.phase === 'evaluating')
    expect(await engine.invoke('experiments.cancel', { id })).toEqual({ cancelled: true })
    const out = await following
    expect(out.record.status).toBe('cancelled')
    expect(await engine.invoke('experiments.cancel', { id })).toEqual({ cancelled: false })
  }, 180_000)

  it('runs queue one after another; a queued run cancelled while waiting never starts', async () => {
    const [a, b, c] = [await created(100), await created(100), await created(100)]
    for (const id of [a, b, c]) await engine.invoke('experiments.start', { id })
    const logB: WorkbenchEvent[] = []
    const followB = engine.invoke('experiments.follow', { id: b }, { onEvent: (e) => logB.push(e) })
    expect(await engine.invoke('experiments.cancel', { id: c })).toEqual({ cancelled: true })
    const [outA, outB, outC] = await Promise.all([engine.invoke('experiments.follow', { id: a }), followB, engine.invoke('experiments.follow', { id: c })])
    expect([outA.record.status, outB.record.status, outC.record.status]).toEqual(['done', 'done', 'cancelled'])
    expect(logB.find((e) => e.type === 'log')).toMatchObject({ message: expect.stringMatching(/^Queued: starts when the run ahead of it ends/) })
    expect(Date.parse(outB.record.updatedAt)).toBeGreaterThanOrEqual(Date.parse(outA.record.updatedAt))
  }, 180_000)

  it('a restarted engine replays a finished and a failed run as they were: phases, log, skipped items and error', async () => {
    const done = await created(200)
    const model = path.join(ws.dir, 'tiny-copy')
    fs.cpSync(TINY, model, { recursive: true })
    const failing = (await engine.invoke('experiments.create', { spec: { model, dataset, attack: 'csa', params: { evaluation: { resamples: 50 } } } })).id
    // Changed model files fail the run after it has read its items (runner/run.ts: fingerprint check).
    for (const f of fs.readdirSync(path.join(model, 'onnx'))) fs.appendFileSync(path.join(model, 'onnx', f), Buffer.alloc(16))
    for (const id of [done, failing]) await engine.invoke('experiments.start', { id })
    for (const id of [done, failing]) await engine.invoke('experiments.follow', { id })
    // What this engine replays of the finished runs from memory, against what the next one replays from the store.
    const before = new Map<string, { events: WorkbenchEvent[]; status: string; error: unknown }>()
    for (const id of [done, failing]) {
      const events: WorkbenchEvent[] = []
      const out = await engine.invoke('experiments.follow', { id }, { onEvent: (e) => events.push(e) })
      before.set(id, { events, status: out.record.status, error: out.record.error })
    }
    expect(before.get(done)!.status).toBe('done')
    expect(before.get(done)!.events.some((e) => e.type === 'progress' && e.phase === 'evaluating' && e.done === e.total)).toBe(true)
    expect(before.get(failing)).toMatchObject({ status: 'failed', error: { code: expect.any(String) } })
    expect(before.get(failing)!.events.some((e) => e.type === 'log' && /^Read \d+ target/.test(e.message))).toBe(true)

    await engine.dispose()
    engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
    for (const id of [done, failing]) {
      const events: WorkbenchEvent[] = []
      const out = await engine.invoke('experiments.follow', { id }, { onEvent: (e) => events.push(e) })
      expect(out.followed).toBe(false)
      expect({ events, status: out.record.status, error: out.record.error }).toEqual(before.get(id))
    }
  }, 180_000)

  it('a run of an unknown id is refused with not-found', async () => {
    await expect(engine.invoke('experiments.start', { id: 'bogus' })).rejects.toMatchObject({ item: 'bogus' })
    await expect(engine.invoke('experiments.follow', { id: 'bogus' })).rejects.toMatchObject({ item: 'bogus' })
  })
})
