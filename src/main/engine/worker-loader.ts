// How a worker thread evaluated from source finds tsx: shared by the bootstrap (metrics/resample-threads.ts) and
// preprocessing (runner/preprocess-pool.ts) pools.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { pathToFileURL } from 'node:url'

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
