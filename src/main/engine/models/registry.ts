// Model registry: discover HF-layout folders under roots, describe them, hand out cached ClipModels.
import fs from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'
import type { ModelInfo } from '../../../shared/contract/models'
import { ClipModel } from './clip-model'
import type { DescribeOptions, ModelDescription } from './describe'
import { describeModel, toModelInfo } from './describe'
import type { HashCache } from './fingerprint'
import type { SessionOptions } from './session'
import type { ProviderName } from './providers'

/** A folder whose sub-folders are model folders. */
export interface ModelRoot {
  dir: string
  source: 'bundled' | 'user'
}

/** Listing options. */
export interface ListOptions {
  /** One entry per variant (named `folder@variant` except the default) instead of one per folder. */
  allVariants?: boolean
  hashCache?: HashCache
}

async function modelFolders(root: ModelRoot): Promise<string[]> {
  const entries = await fs.readdir(root.dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return []
    throw new WorkbenchError({ code: 'not-found', item: root.dir, message: `Cannot read the models folder ${root.dir}: ${err.message}` }, { cause: err })
  })
  const dirs: string[] = []
  for (const e of entries) {
    if (e.name.startsWith('.')) continue
    const full = path.join(root.dir, e.name)
    // Symlinked model folders are common (models kept on another disk); follow them.
    const isDir = e.isDirectory() || (e.isSymbolicLink() && (await fs.stat(full).catch(() => null))?.isDirectory())
    if (isDir) dirs.push(full)
  }
  return dirs.sort()
}

/** Describe every model folder under the roots (one description per folder, or per variant). */
export async function discoverModels(roots: ModelRoot[], opts: ListOptions = {}): Promise<Array<{ name: string; description: ModelDescription }>> {
  const out: Array<{ name: string; description: ModelDescription }> = []
  for (const root of roots) {
    for (const dir of await modelFolders(root)) {
      const first = await describeModel(dir, { source: root.source, hashCache: opts.hashCache })
      out.push({ name: first.name, description: first })
      if (!opts.allVariants || first.variant === null) continue
      for (const variant of first.variants.filter((v) => v !== first.variant)) {
        out.push({ name: `${first.name}@${variant}`, description: await describeModel(dir, { source: root.source, variant, hashCache: opts.hashCache }) })
      }
    }
  }
  return out
}

/** The models.list view: contract ModelInfo for every folder under the roots, broken ones with their error. */
export async function listModels(roots: ModelRoot[], opts: ListOptions = {}): Promise<ModelInfo[]> {
  return (await discoverModels(roots, opts)).map(({ name, description }) => toModelInfo(description, name))
}

/** Split `folder@variant` into its parts (a plain path has no variant). */
export function parseModelRef(ref: string): { dir: string; variant?: string } {
  const m = /^(.*)@([a-z0-9-]+)$/.exec(ref)
  return m && !m[2].includes('/') ? { dir: m[1], variant: m[2] } : { dir: ref }
}

/** What `open` may ask beyond describing: the providers to try (default: the registry's session options). */
export interface OpenOptions extends DescribeOptions {
  /** An experiment's own provider order (issue 19); null = `auto`, the platform table; absent = the engine's setting. */
  providers?: ProviderName[] | null
}

/** Opens models and keeps one ClipModel (and its sessions) per fingerprint, variant and provider order. */
export class ModelRegistry {
  private models = new Map<string, ClipModel>()
  private byFolder = new Map<string, string>()

  constructor(private readonly options: { session?: SessionOptions; hashCache?: HashCache } = {}) {}

  /** Describe a folder (validated, fingerprinted) without opening sessions. */
  describe(dir: string, opts: DescribeOptions = {}): Promise<ModelDescription> {
    return describeModel(dir, { hashCache: this.options.hashCache, ...opts })
  }

  /** A ready-to-embed model for `folder` or `folder@variant`; throws the folder's load error. Sessions open lazily. */
  async open(ref: string, opts: OpenOptions = {}): Promise<ClipModel> {
    const { providers, ...describe } = opts
    const { dir, variant } = parseModelRef(ref)
    const description = await this.describe(dir, { variant, ...describe })
    if (description.error) throw new WorkbenchError(description.error)
    const session = providers === undefined ? this.options.session : { ...this.options.session, providers: providers ?? undefined }
    const files = `${description.fingerprint}:${description.variant}`
    const key = `${files}:${session?.providers?.join('>') ?? 'auto'}`
    const folderKey = `${description.path}:${description.variant}`
    const previous = this.byFolder.get(folderKey)
    if (previous && previous !== files) {
      // The files changed on disk: the old sessions (on any provider) would embed with stale weights.
      for (const [k, m] of [...this.models]) {
        if (!k.startsWith(`${previous}:`)) continue
        await m.dispose()
        this.models.delete(k)
      }
    }
    this.byFolder.set(folderKey, files)
    let model = this.models.get(key)
    // A caller may have disposed it (another folder with the same files shares the key): open afresh.
    if (!model || model.isDisposed) {
      model = new ClipModel(description, session)
      this.models.set(key, model)
    }
    return model
  }

  /** Dispose every cached model. */
  async dispose(): Promise<void> {
    const models = [...this.models.values()]
    this.models.clear()
    this.byFolder.clear()
    await Promise.all(models.map((m) => m.dispose()))
  }
}
