// The one worker-thread loader of the engine: where a worker's code comes from (source through tsx, or a bundle entry)
// and starting it. Used by the bootstrap (metrics/resample-threads.ts), the WSA kernels (attacks/kernels/job-board.ts),
// the preprocessing pool (runner/preprocess-pool.ts) and the blind baseline (runner/blind-thread.ts).
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'

/**
 * A worker's code. `source`: self-contained CommonJS evaluated as it is (works bundled or not, since it names no file);
 * it reads its `workerData` directly. `entry`: an ES module exporting `run(data, port)`, found by `moduleEntry`;
 * `loader` is tsx's register API when the entry is TypeScript.
 */
export type WorkerScript = { source: string } | { entry: string; loader?: string }

/** What a module entry's worker posts when `run` returns (unless it serves) or throws. */
export type WorkerEnd = { done: true; result: unknown } | { error: string }

// Runs a module entry: registers tsx first when the entry is TypeScript, then calls its run(data, port). A serving entry
// (it answers messages on the port) posts nothing when run returns; any other posts { done, result }.
const ENTRY_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads')
;(async () => {
  if (workerData.loader) (await import(workerData.loader)).register()
  const entry = await import(workerData.entry)
  const result = await entry.run(workerData.data, parentPort)
  if (!workerData.serve) parentPort.postMessage({ done: true, result })
})().catch((err) => parentPort.postMessage({ error: String((err && err.stack) || err) }))
`

/**
 * The module entry `name` for a caller at `callerUrl` (its import.meta.url): `name.ts` beside the caller when running
 * from source (through tsx), else `name.js|.mjs` beside it or one folder up — electron-vite puts each entry of
 * electron.vite.config.ts's `workerEntries` at out/main/name.js with shared code in out/main/chunks/, and the portable
 * build (scripts/portable.mjs) puts name.mjs beside the engine. Undefined when none exists (workers cannot load here).
 */
export function moduleEntry(name: string, callerUrl: string): WorkerScript | undefined {
  let dir: string
  try {
    dir = path.dirname(fileURLToPath(callerUrl))
  } catch {
    return undefined
  }
  const source = path.join(dir, `${name}.ts`)
  if (existsSync(source)) {
    const loader = tsxEsmApi()
    return loader === undefined ? undefined : { entry: pathToFileURL(source).href, loader }
  }
  const built = ['.js', '.mjs'].flatMap((ext) => [path.join(dir, `${name}${ext}`), path.join(dir, '..', `${name}${ext}`)]).find((file) => existsSync(file))
  return built === undefined ? undefined : { entry: pathToFileURL(built).href }
}

/** URL of tsx's ESM register API, read from its exports map (its CommonJS build fails inside eval workers). */
function tsxEsmApi(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('tsx/package.json')
    const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> }).exports
    const target = exports['./esm/api']?.import?.default
    return target === undefined ? undefined : pathToFileURL(path.join(path.dirname(manifest), target)).href
  } catch {
    return undefined
  }
}

/**
 * Start a worker on `script` with `data` (structured-cloned; shared memories and compiled modules are shared, not
 * copied); `serve` for an entry that answers messages rather than returning a result. Undefined where this host cannot
 * start threads: callers then do the work on their own thread, with identical results.
 */
export function startWorker(script: WorkerScript, data: unknown, options: { serve?: boolean } = {}): Worker | undefined {
  try {
    if ('source' in script) return new Worker(script.source, { eval: true, workerData: data })
    return new Worker(ENTRY_SOURCE, { eval: true, workerData: { entry: script.entry, loader: script.loader, data, serve: options.serve === true } })
  } catch {
    return undefined
  }
}
