// The one worker-thread loader: worker code is found from source (through tsx) or a bundle (electron-vite's .js, the
// portable build's .mjs), runs with shared memory, returns a result, serves messages, and reports a failure.
import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import type { Worker } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../../src/main/engine'
import { sharedMemory, WASM_PAGE } from '../../../src/main/engine/wasm'
import { moduleEntry, startWorker, type WorkerEnd } from '../../../src/main/engine/worker-threads'
import { WorkbenchError } from '../../../src/shared/contract/errors'
import { tempDir } from '../../helpers/workspace'

const ENGINE = path.join(REPO_ROOT, 'src', 'main', 'engine')
const dir = tempDir('mia-worker-entry-')
afterAll(() => dir.cleanup())
const chunk = (name = 'engine-1234.js'): string => pathToFileURL(path.join(dir.dir, 'main', 'chunks', name)).href
const nextMessage = (worker: Worker): Promise<unknown> => new Promise((resolve) => worker.once('message', resolve))

describe('worker threads', () => {
  it('finds each engine entry from source (through tsx) beside its caller', () => {
    for (const [caller, name] of [
      ['metrics/resample-threads.ts', 'bootstrap-worker'],
      ['runner/preprocess-pool.ts', 'preprocess-worker'],
      ['runner/blind-thread.ts', 'blind-worker']
    ]) {
      const script = moduleEntry(name, pathToFileURL(path.join(ENGINE, caller)).href)
      expect(script, name).toMatchObject({ entry: pathToFileURL(path.join(ENGINE, path.dirname(caller), `${name}.ts`)).href })
      expect(script && 'loader' in script && script.loader).toMatch(/^file:.*tsx/)
    }
  })

  it('finds a bundled entry beside or one folder above the chunk that calls it (.js or .mjs), and nothing where there is none', () => {
    fs.mkdirSync(path.join(dir.dir, 'main', 'chunks'), { recursive: true })
    expect(moduleEntry('task-worker', chunk())).toBeUndefined()
    fs.writeFileSync(path.join(dir.dir, 'main', 'task-worker.js'), 'export function run(data) { return data }\n')
    expect(moduleEntry('task-worker', chunk())).toEqual({ entry: pathToFileURL(path.join(dir.dir, 'main', 'task-worker.js')).href })
    fs.writeFileSync(path.join(dir.dir, 'main', 'chunks', 'portable-worker.mjs'), 'export function run(data) { return data }\n')
    expect(moduleEntry('portable-worker', chunk())).toEqual({ entry: pathToFileURL(path.join(dir.dir, 'main', 'chunks', 'portable-worker.mjs')).href })
  })

  it('runs a module entry that sees the shared memory it was given and returns its result', async () => {
    fs.writeFileSync(path.join(dir.dir, 'main', 'fill-worker.js'), 'export function run({ memory }) { new Int32Array(memory.buffer)[0] = 42; return { filled: 1 } }\n')
    const memory = sharedMemory({ bytes: WASM_PAGE, tooLarge: () => new WorkbenchError({ code: 'internal', message: '' }) })
    const worker = startWorker(moduleEntry('fill-worker', chunk('x.js'))!, { memory })!
    const reply = await nextMessage(worker)
    await worker.terminate()
    expect(reply).toEqual({ done: true, result: { filled: 1 } })
    expect(new Int32Array(memory.buffer)[0]).toBe(42)
  })

  it('keeps a serving entry answering on its port, and reports an entry that throws', async () => {
    fs.writeFileSync(path.join(dir.dir, 'main', 'echo-worker.js'), "export function run(prefix, port) { port.on('message', (m) => port.postMessage(prefix + m)) }\n")
    const echo = startWorker(moduleEntry('echo-worker', chunk())!, 'got ', { serve: true })!
    echo.postMessage('a')
    expect(await nextMessage(echo)).toBe('got a')
    echo.postMessage('b')
    expect(await nextMessage(echo)).toBe('got b')
    await echo.terminate()
    fs.writeFileSync(path.join(dir.dir, 'main', 'bad-worker.js'), "export function run() { throw new Error('no such thing') }\n")
    const bad = startWorker(moduleEntry('bad-worker', chunk())!, null)!
    const end = (await nextMessage(bad)) as WorkerEnd
    await bad.terminate()
    expect('error' in end && end.error).toMatch(/no such thing/)
  })
})
