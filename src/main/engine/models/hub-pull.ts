// `mia models pull`: fetch exactly the files a layout needs with @huggingface/hub into the hub cache layout
// (blobs/<etag>, snapshots/<commit>/<path> -> ../../blobs/<etag>, refs/<branch>), resuming partial blobs and
// verifying every checksum, so Python and the workbench share one copy.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { HubApiError, downloadFile, listFiles, modelInfo } from '@huggingface/hub'
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import { hubCacheDir, isRepoId, repoFolderName } from './hf-cache'
import { filesToPull } from './hub-files'

/** What to pull and from where; endpoint and token default to $HF_ENDPOINT and $HF_TOKEN. */
export interface PullOptions {
  repoId: string
  revision?: string
  variant?: string
  cacheDir?: string
  endpoint?: string
  token?: string
  signal?: AbortSignal
  emit?: EventSink
  /** Total bytes to fetch, once known (files already in the cache included). */
  onTotal?: (bytes: number) => void
  /** Bytes fetched or found in the cache since the last call, and the file they belong to. */
  onBytes?: (bytes: number, file: string) => void
  /** Attempts per file when a connection drops (each resumes where the last stopped). */
  attempts?: number
}

/** The pulled snapshot. */
export interface PullResult {
  repoId: string
  revision: string
  dir: string
  files: string[]
  downloadedBytes: number
}

interface RemoteFile {
  path: string
  size: number
  /** sha256 for LFS files, git blob sha1 otherwise: the cache names blobs by it and the download is checked against it. */
  etag: string
  lfs: boolean
}

const DEFAULT_ENDPOINT = 'https://huggingface.co'

function networkError(repoId: string, endpoint: string, err: unknown): WorkbenchError {
  if (err instanceof WorkbenchError) return err
  if (err instanceof HubApiError) {
    const auth = err.statusCode === 401 || err.statusCode === 403
    return new WorkbenchError(
      {
        code: err.statusCode === 404 ? 'not-found' : 'network',
        item: repoId,
        message: `${endpoint} answered ${err.statusCode} for ${repoId}: ${err.message}`,
        hint: auth
          ? 'The repository is gated or private: accept its terms on the hub and set HF_TOKEN to a token that can read it.'
          : err.statusCode === 404
            ? 'Check the repo id and --revision.'
            : 'Try again later, or set HF_ENDPOINT to a mirror.'
      },
      { cause: err }
    )
  }
  const e = err as Error & { cause?: { code?: string } }
  if (e.name === 'AbortError')
    return new WorkbenchError({ code: 'cancelled', item: repoId, message: `Pull of ${repoId} cancelled; partial files are kept and the next pull resumes them.` }, { cause: err })
  return new WorkbenchError(
    {
      code: 'network',
      item: repoId,
      message: `Cannot reach ${endpoint} to pull ${repoId} (${e.cause?.code ?? e.message}).`,
      hint: 'You seem to be offline. Models already in the Hugging Face cache still work; set HF_ENDPOINT for a mirror.'
    },
    { cause: err }
  )
}

/** A git blob id: sha1("blob <size>\0" + content), what the hub reports as `oid` for non-LFS files. */
function gitBlobHasher(size: number): ReturnType<typeof createHash> {
  return createHash('sha1').update(`blob ${size}\0`)
}

async function hashFile(file: string, remote: RemoteFile): Promise<string> {
  const h = remote.lfs ? createHash('sha256') : gitBlobHasher(remote.size)
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer)
  return h.digest('hex')
}

function link(snapshot: string, rel: string, blob: string): void {
  const target = path.join(snapshot, rel)
  fs.mkdirSync(path.dirname(target), { recursive: true })
  fs.rmSync(target, { force: true })
  try {
    fs.symlinkSync(path.relative(path.dirname(target), blob), target)
  } catch {
    // No symlinks (Windows without developer mode): huggingface_hub copies the blob then; so do we.
    fs.copyFileSync(blob, target)
  }
}

interface Ctx {
  o: PullOptions
  endpoint: string
  token?: string
  fetch: typeof fetch
}

/** Stream the rest of `remote` into `partial`, starting at its current size. */
async function fetchInto(ctx: Ctx, commit: string, remote: RemoteFile, partial: string): Promise<void> {
  const have = fs.existsSync(partial) ? fs.statSync(partial).size : 0
  if (have >= remote.size) return
  const blob = await downloadFile({ repo: { type: 'model', name: ctx.o.repoId }, path: remote.path, revision: commit, hubUrl: ctx.endpoint, accessToken: ctx.token, fetch: ctx.fetch, xet: false })
  if (!blob) throw new WorkbenchError({ code: 'not-found', item: ctx.o.repoId, message: `${remote.path} disappeared from ${ctx.o.repoId}@${commit}.` })
  const out = fs.createWriteStream(partial, { flags: 'a' })
  try {
    for await (const chunk of blob.slice(have).stream() as unknown as AsyncIterable<Uint8Array>) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()))
      ctx.o.onBytes?.(chunk.length, remote.path)
    }
  } finally {
    await new Promise<void>((resolve) => out.end(() => resolve()))
  }
}

async function pullFile(ctx: Ctx, repoDir: string, commit: string, remote: RemoteFile): Promise<number> {
  const blob = path.join(repoDir, 'blobs', remote.etag)
  const snapshot = path.join(repoDir, 'snapshots', commit)
  if (fs.existsSync(blob)) {
    link(snapshot, remote.path, blob)
    ctx.o.onBytes?.(remote.size, remote.path)
    return 0
  }
  const partial = `${blob}.incomplete`
  fs.mkdirSync(path.dirname(blob), { recursive: true })
  const before = fs.existsSync(partial) ? fs.statSync(partial).size : 0
  ctx.o.onBytes?.(Math.min(before, remote.size), remote.path)
  const attempts = ctx.o.attempts ?? 3
  for (let i = 1; ; i++) {
    try {
      await fetchInto(ctx, commit, remote, partial)
      break
    } catch (err) {
      throwIfAborted(ctx.o.signal)
      if (i >= attempts) throw err
      ctx.o.emit?.({ type: 'log', level: 'warn', message: `${remote.path}: connection lost (${(err as Error).message}); resuming at ${fs.existsSync(partial) ? fs.statSync(partial).size : 0} bytes.` })
    }
  }
  const got = await hashFile(partial, remote)
  if (got !== remote.etag || fs.statSync(partial).size !== remote.size) {
    fs.rmSync(partial, { force: true })
    throw new WorkbenchError({
      code: 'network',
      item: `${ctx.o.repoId}/${remote.path}`,
      message: `${remote.path} failed its checksum (${remote.lfs ? 'sha256' : 'git sha1'} ${got.slice(0, 12)}… ≠ ${remote.etag.slice(0, 12)}…); the partial file was deleted.`,
      hint: 'Pull again; if it keeps failing, the mirror (HF_ENDPOINT) serves a different file than its index says.'
    })
  }
  fs.renameSync(partial, blob)
  link(snapshot, remote.path, blob)
  return remote.size - before
}

/** Pull the files `repoId` needs for its layout (and `variant`) into the hub cache; returns the snapshot folder. */
export async function pullModel(o: PullOptions): Promise<PullResult> {
  if (!isRepoId(o.repoId))
    throw new WorkbenchError({
      code: 'invalid-input',
      item: o.repoId,
      message: `"${o.repoId}" is not a Hugging Face repo id.`,
      hint: 'Write it as organisation/name, e.g. Xenova/clip-vit-base-patch32.'
    })
  const endpoint = (o.endpoint ?? process.env.HF_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, '')
  const token = o.token ?? process.env.HF_TOKEN ?? process.env.HUGGING_FACE_HUB_TOKEN ?? undefined
  const signal = o.signal
  const ctx: Ctx = { o, endpoint, token, fetch: (input, init) => fetch(input, { ...init, signal }) }
  const repo = { type: 'model' as const, name: o.repoId }
  const revision = o.revision ?? 'main'
  let commit: string
  let remote: RemoteFile[]
  try {
    const info = await modelInfo({ name: o.repoId, revision, hubUrl: endpoint, accessToken: token, fetch: ctx.fetch, additionalFields: ['sha'] })
    commit = (info as { sha?: string }).sha ?? revision
    remote = []
    for await (const f of listFiles({ repo, revision: commit, recursive: true, hubUrl: endpoint, accessToken: token, fetch: ctx.fetch })) {
      if (f.type !== 'file') continue
      const etag = f.lfs?.oid ?? f.oid
      if (etag) remote.push({ path: f.path, size: f.lfs?.size ?? f.size, etag, lfs: Boolean(f.lfs) })
    }
  } catch (err) {
    throw networkError(o.repoId, endpoint, err)
  }
  const plan = filesToPull(
    o.repoId,
    remote.map((f) => f.path),
    o.variant
  )
  const wanted = remote.filter((f) => plan.files.includes(f.path))
  const repoDir = path.join(o.cacheDir ?? hubCacheDir(), repoFolderName(o.repoId))
  const total = wanted.reduce((a, f) => a + f.size, 0)
  o.onTotal?.(total)
  let downloadedBytes = 0
  try {
    for (const f of wanted) {
      throwIfAborted(signal)
      downloadedBytes += await pullFile(ctx, repoDir, commit, f)
    }
  } catch (err) {
    throw networkError(o.repoId, endpoint, err)
  }
  if (revision !== commit) {
    fs.mkdirSync(path.join(repoDir, 'refs', path.dirname(revision)), { recursive: true })
    fs.writeFileSync(path.join(repoDir, 'refs', revision), commit)
  }
  return { repoId: o.repoId, revision: commit, dir: path.join(repoDir, 'snapshots', commit), files: wanted.map((f) => f.path), downloadedBytes }
}
