// How a worker thread evaluated from source finds tsx: shared by the bootstrap (metrics/resample-threads.ts) and
// preprocessing (runner/preprocess-pool.ts) pools.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

/** URL of tsx's ESM register API, read from its exports map (its CommonJS build fails inside eval workers). */
export function tsxEsmApi(): string | undefined {
  try {
    const manifest = createRequire(import.meta.url).resolve('tsx/package.json')
    const exports = (JSON.parse(readFileSync(manifest, 'utf8')) as { exports: Record<string, { import?: { default?: string } }> }).exports
    const target = exports['./esm/api']?.import?.default
    return target === undefined ? undefined : pathToFileURL(path.join(path.dirname(manifest), target)).href
  } catch {
    return undefined
  }
}

/** What a worker evaluated from a string imports: its entry module and, from source, tsx's loader first. */
export interface WorkerEntry {
  entry: string
  loader?: string
}

/**
 * Where a worker finds its code: `<worker>.ts|.js` beside the calling module `<caller>` (from source or an unbundled
 * build), else a bundled `<worker>.js|.mjs` beside the bundle chunk or in its parent folder (a build that made the worker
 * its own entry). Undefined when neither exists or tsx cannot be found: callers then stay on one thread.
 */
export function workerEntry(callerUrl: string, caller: string, worker: string): WorkerEntry | undefined {
  let here: string
  try {
    here = fileURLToPath(callerUrl)
  } catch {
    return undefined
  }
  const ext = path.extname(here)
  const beside = path.join(path.dirname(here), `${worker}${ext}`)
  if (path.basename(here, ext) === caller && existsSync(beside)) {
    if (ext !== '.ts') return { entry: pathToFileURL(beside).href }
    const loader = tsxEsmApi()
    return loader === undefined ? undefined : { entry: pathToFileURL(beside).href, loader }
  }
  const built = ['.js', '.mjs'].flatMap((e) => [path.join(path.dirname(here), `${worker}${e}`), path.join(path.dirname(here), '..', `${worker}${e}`)]).find((f) => existsSync(f))
  return built ? { entry: pathToFileURL(built).href } : undefined
}
