// The Hugging Face hub cache researchers already have ($HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub):
// models--<org>--<name>/{refs/<branch>, snapshots/<commit>/..., blobs/<etag>}, as huggingface_hub and @huggingface/hub write it.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { detectFormat } from './formats'

/** One cached model repository, resolved to the snapshot the workbench describes. */
export interface CachedRepo {
  repoId: string
  revision: string
  /** Absolute snapshot folder (its files are symlinks into blobs/). */
  dir: string
}

/** The hub cache folder, with the same precedence as huggingface_hub (constants.py) and @huggingface/hub. */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.HF_HUB_CACHE) return env.HF_HUB_CACHE
  if (env.HUGGINGFACE_HUB_CACHE) return env.HUGGINGFACE_HUB_CACHE
  const home = env.HF_HOME ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'huggingface')
  return path.join(home, 'hub')
}

/** `org/name` -> `models--org--name` (or `datasets--org--name`): the cache's folder name for a repo. */
export function repoFolderName(repoId: string, type: 'models' | 'datasets' = 'models'): string {
  return [type, ...repoId.split('/')].join('--')
}

/** A string that names a hub repo (`org/name`), not a path. */
export function isRepoId(ref: string): boolean {
  return /^[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/.test(ref) && !ref.includes('..')
}

function readRef(repoDir: string, branch: string): string | null {
  try {
    return fs.readFileSync(path.join(repoDir, 'refs', branch), 'utf8').trim() || null
  } catch {
    return null
  }
}

function readdir(dir: string): string[] {
  try {
    return fs.readdirSync(dir)
  } catch {
    return []
  }
}

/** The snapshot of `revision` (a branch via refs/, or a commit), else the main branch, else the newest snapshot. */
function pickSnapshot(repoDir: string, revision?: string): string | null {
  const snapshots = path.join(repoDir, 'snapshots')
  const names = readdir(snapshots)
  if (names.length === 0) return null
  if (revision) {
    const commit = readRef(repoDir, revision) ?? revision
    return names.includes(commit) ? commit : null
  }
  const main = readRef(repoDir, 'main')
  if (main && names.includes(main)) return main
  const dated = names.map((n) => ({ n, t: fs.statSync(path.join(snapshots, n), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
  return dated.sort((a, b) => b.t - a.t || a.n.localeCompare(b.n))[0].n
}

/** The cached snapshot folder of `repoId` (optionally at `revision`), or null when it is not in the cache. */
export function findCachedRepo(repoId: string, cacheDir = hubCacheDir(), revision?: string, type: 'models' | 'datasets' = 'models'): CachedRepo | null {
  if (!isRepoId(repoId)) return null
  const repoDir = path.join(cacheDir, repoFolderName(repoId, type))
  const snap = pickSnapshot(repoDir, revision)
  return snap ? { repoId, revision: snap, dir: path.join(repoDir, 'snapshots', snap) } : null
}

/** Cached model repos holding files of a registered CLIP layout (other cached models, e.g. LLMs, are left out). */
export async function listCachedRepos(cacheDir = hubCacheDir()): Promise<CachedRepo[]> {
  const entries = await fs.promises.readdir(cacheDir, { withFileTypes: true }).catch(() => [])
  const out: CachedRepo[] = []
  for (const e of entries) {
    if (!e.isDirectory() || !e.name.startsWith('models--')) continue
    const repoId = e.name.slice('models--'.length).split('--').join('/')
    const found = findCachedRepo(repoId, cacheDir)
    if (!found) continue
    const format = await detectFormat(found.dir)
    if (await format.detect(found.dir)) out.push(found)
  }
  return out.sort((a, b) => a.repoId.localeCompare(b.repoId))
}
