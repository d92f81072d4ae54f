// The built desktop engine (out/main, as Electron's utilityProcess loads it) bootstraps on worker threads, with the results
// of one thread, and its bundled worker entries (worker-threads.ts) load and compute what this thread does.
import { fork, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../../../src/main/engine'
import { blindBaseline } from '../../../../src/main/engine/attacks'
import { moduleEntry, startWorker, type WorkerEnd } from '../../../../src/main/engine/worker-threads'
import { evaluateScores } from '../../../../src/main/engine/metrics'
import { createRng } from '../../../../src/main/engine/rng'
import { metricsData } from '../../../../src/main/engine/runner'
import { createEngineClient, type EngineClient } from '../../../../src/main/host/client'
import type { LogEvent } from '../../../../src/shared/contract/events'
import { tempDir, testConfig } from '../../../helpers/workspace'

const OUT = path.join(REPO_ROOT, 'out', 'main')
const utilityChunk = fs.existsSync(path.join(OUT, 'chunks')) ? fs.readdirSync(path.join(OUT, 'chunks')).find((f) => /^utility-entry.*\.js$/.test(f)) : undefined

// Stands in for Electron's utilityProcess: process.parentPort delivers { data, ports } as main posts them,
// and the one brokered port is this process's IPC channel to the test (structured clone, like a MessagePort).
const HARNESS = `
const handlers = []
process.parentPort = { on: (event, listener) => handlers.push(listener) }
const port = { postMessage: (m) => process.send(m), on: (event, listener) => process.on('message', listener), start() {} }
await import(process.argv[2])
const post = (data, ports = []) => handlers.forEach((h) => h({ data, ports }))
post({ kind: 'config', config: JSON.parse(process.argv[3]) })
post({ kind: 'connect' }, [port])
`

/** The bundled engine in a child process, spoken to through the host protocol's own client. */
function startBundledEngine(chunk: string, workspace: string): { child: ChildProcess; client: EngineClient } {
  const config = testConfig(workspace, { checkOutputs: true })
  const harness = path.join(workspace, 'utility-harness.mjs')
  fs.writeFileSync(harness, HARNESS)
  const child = fork(harness, [pathToFileURL(chunk).href, JSON.stringify(config)], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  const client = createEngineClient({ postMessage: (m) => child.send(m as object), on: (_e, listener) => child.on('message', listener) })
  child.once('exit', (code) => client.failAll(`The bundled engine exited with code ${code}.`))
  return { child, client }
}

/** 2,000 scores × 100,000 resamples: the 2·10⁸ item-resamples at which the engine starts using every core. */
function scores(): { scores: number[]; labels: Array<0 | 1> } {
  const rng = createRng(11)
  const labels = Array.from({ length: 2000 }, (_, i) => (i % 2) as 0 | 1)
  return { scores: labels.map((l) => Math.round((rng.normal() + 0.4 * l) * 1000) / 1000), labels }
}

const TITLE = utilityChunk ? 'the bundled engine (out/main)' : 'the bundled engine (out/main) — skipped: not built; run npx electron-vite build (npm test builds first)'

describe.skipIf(utilityChunk === undefined)(TITLE, () => {
  const workspace = tempDir('mia-bundle-')
  let engine: ReturnType<typeof startBundledEngine> | undefined
  afterAll(() => {
    engine?.child.kill()
    workspace.cleanup()
  })

  it('builds the bootstrap, preprocessing and blind-baseline workers beside the engine chunk', () => {
    for (const name of ['bootstrap-worker', 'preprocess-worker', 'blind-worker'])
      expect(fs.existsSync(path.join(OUT, `${name}.js`)), `out/main/${name}.js is missing: rebuild with npx electron-vite build`).toBe(true)
  })

  it("fits the blind baseline on the bundled worker (found from the engine chunk) with this thread's result", async () => {
    const script = moduleEntry('blind-worker', pathToFileURL(path.join(OUT, 'chunks', utilityChunk!)).href)
    expect(script).toEqual({ entry: pathToFileURL(path.join(OUT, 'blind-worker.js')).href })
    const rng = createRng(2)
    const labels = Uint8Array.from({ length: 200 }, (_, i) => i % 2)
    const job = { captions: Array.from(labels, (l) => `item ${rng.int(40 + 20 * l)} of ${rng.int(30)}`), labels, seed: 1, k: 3 }
    const worker = startWorker(script!, job)!
    const end = await new Promise<WorkerEnd>((resolve) => worker.on('message', (m: WorkerEnd | { fold: number }) => 'fold' in m || resolve(m)))
    await worker.terminate()
    expect(end).toEqual({ done: true, result: await blindBaseline(job) })
  }, 120_000)

  it('runs metrics.evaluate on more than one thread, with exactly the one-thread report', async () => {
    engine = startBundledEngine(path.join(OUT, 'chunks', utilityChunk!), workspace.dir)
    const child = engine.child
    const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`The bundled engine exited with code ${code} before it was ready.`))))
    await Promise.race([engine.client.ready, exited])
    const input = { ...scores(), resamples: 100_000, seed: 3 }
    const logs: string[] = []
    const bundled = await engine.client.invoke('metrics.evaluate', input, { onEvent: (e) => e.type === 'log' && logs.push((e as LogEvent).message) })
    const threads = logs.map((m) => /^Bootstrap: 100000 resamples on (\d+) threads? ?(?:\(workers did (\d+)\))?/.exec(m)).find((m) => m !== null)
    expect(threads, `no bootstrap line in the run log: ${JSON.stringify(logs)}`).toBeDefined()
    expect(Number(threads![1])).toBeGreaterThan(1)
    expect(Number(threads![2])).toBeGreaterThan(0)
    const single = await evaluateScores(input, { resamples: input.resamples, seed: input.seed, curvePoints: 2000, threads: 1 })
    expect(bundled).toEqual(metricsData(single))
  }, 300_000)
})
