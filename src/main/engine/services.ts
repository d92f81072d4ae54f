// Engine services shared by the operations (ops/) and the runner (runner/): the workspace store (opened lazily), the model registry and name resolution.
import fs from 'node:fs'
import path from 'node:path'
import { WorkbenchError } from '../../shared/contract/errors'
import type { EngineConfig } from './config'
import { openDataset, type Dataset } from './datasets'
import { ModelRegistry, parseModelRef } from './models'
import { findCachedRepo, hubCacheDir } from './models/hf-cache'
import { openWorkspaceStore, type WorkspaceStore } from './store'

/** What every handler can reach; one instance per engine. */
export interface Services {
  config: EngineConfig
  store(): WorkspaceStore
  models: ModelRegistry
  bundledModelsDir: string
  bundledDatasetsDir: string
  /** A model name (bundled or added) or folder path, with an optional `@variant`, as an absolute folder ref. */
  resolveModel(ref: string): string
  /** A dataset name (bundled or added), folder or manifest path, opened. */
  openDataset(ref: string, signal?: AbortSignal): Promise<Dataset>
  dispose(): Promise<void>
}

const isPathLike = (ref: string): boolean => path.isAbsolute(ref) || ref.startsWith('.') || ref.includes('/') || ref.includes(path.sep)

/** Build the services of one engine; nothing is opened until first use. */
export function createServices(config: EngineConfig): Services {
  let store: WorkspaceStore | null = null
  const models = new ModelRegistry({ session: config.inference })
  const bundledModelsDir = path.join(config.resourcesDir, 'models')
  const bundledDatasetsDir = path.join(config.resourcesDir, 'datasets')
  const getStore = (): WorkspaceStore => (store ??= openWorkspaceStore(config.workspaceDir))

  function byName(ref: string, bundledDir: string, registered: Array<{ name: string; path: string }>, what: string): string {
    if (isPathLike(ref) && fs.existsSync(ref)) {
      const full = path.resolve(ref)
      const known = full.startsWith(bundledDir + path.sep) || registered.some((e) => e.path === full)
      if (config.registeredOnly && !known) {
        throw new WorkbenchError({
          code: 'forbidden',
          item: ref,
          message: `${ref} is not a registered ${what}; browser mode reads only bundled and added ${what}s.`,
          hint: `Add it first (${what === 'model' ? 'Models' : 'Datasets'} → Add).`
        })
      }
      return full
    }
    const bundled = path.join(bundledDir, ref)
    if (!isPathLike(ref) && fs.existsSync(bundled)) return bundled
    const added = registered.find((e) => e.name === ref)
    if (added) return added.path
    // A Hugging Face repo id resolves to its snapshot in the hub cache (models/hf-cache.ts), as Python would load it;
    // a cached dataset repo holds parquet shards (datasets/hf-parquet.ts).
    const cached = findCachedRepo(ref, config.hfCacheDir ?? hubCacheDir(), undefined, what === 'model' ? 'models' : 'datasets')
    if (cached) return cached.dir
    const known = [...listDirs(bundledDir), ...registered.map((e) => e.name)]
    throw new WorkbenchError({
      code: 'not-found',
      item: ref,
      message: `No ${what} named or found at "${ref}".`,
      hint: `${known.length ? `Known ${what}s: ${known.join(', ')}; or give a path.` : `Give the path of a ${what}.`}${what === 'model' ? ` A Hugging Face repo id must be in the hub cache (${config.hfCacheDir ?? hubCacheDir()}): \`mia models pull ${ref}\` fetches it.` : ''}`
    })
  }

  return {
    config,
    store: getStore,
    models,
    bundledModelsDir,
    bundledDatasetsDir,
    resolveModel(ref) {
      const { dir, variant } = parseModelRef(ref)
      const folder = byName(dir, bundledModelsDir, getStore().models.list(), 'model')
      return variant ? `${folder}@${variant}` : folder
    },
    async openDataset(ref, signal) {
      return openDataset(byName(ref, bundledDatasetsDir, getStore().datasets.list(), 'dataset'), { signal })
    },
    async dispose() {
      await models.dispose()
      store?.close()
      store = null
    }
  }
}

/** Sub-folder names of `dir` (none when it does not exist). */
export function listDirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort()
  } catch {
    return []
  }
}
