// kill -9 harness for crash.test.ts and concurrency.test.ts: run a writer child, kill it at a random moment, verify.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createRng } from '../../../../src/main/engine/rng'
import { createEmbeddingsRepo, embeddingKey, openWorkspaceDb } from '../../../../src/main/engine/store'
import { batchRows, sameBits } from './scratch'

const here = path.dirname(fileURLToPath(import.meta.url))
/** Repository root: the child runs there so `--import tsx` resolves. */
export const repoRoot = path.resolve(here, '../../../..')
const childScript = path.join(here, 'child-writer.ts')

/** Shape of the writer's work. */
export interface WriterPlan {
  file: string
  writer: string
  batches: number
  batchSize: number
  dim: number
}

/** Where the child stops to be killed: after its n-th commit, or halfway through the rows of its n-th write (uncommitted). */
export interface KillPoint {
  commits: number
  inTransaction: boolean
}

/** How one child run ended. */
export interface ChildRun {
  committed: number[]
  finished: boolean
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
}

/**
 * Run child-writer.ts. `killAfterMs`: SIGKILL it that long after it reports 'ready' (timing-based, may miss on a
 * loaded machine). `killAt`: the child pauses at that point and is killed there, so the kill always lands with work
 * unfinished. `args` replaces the default write arguments (e.g. for 'hold' mode).
 */
export function runChild(plan: WriterPlan, killAfterMs?: number, args?: string[], onLine?: (line: string) => void, killAt?: KillPoint): Promise<ChildRun> {
  const argv = args ?? ['write', plan.file, plan.writer, String(plan.batches), String(plan.batchSize), String(plan.dim)]
  const env = killAt === undefined ? process.env : { ...process.env, [killAt.inTransaction ? 'MIA_CRASH_PAUSE_IN' : 'MIA_CRASH_PAUSE_AFTER']: String(killAt.commits) }
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, ...argv], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env })
  const run: ChildRun = { committed: [], finished: false, code: null, signal: null, stderr: '' }
  let buffered = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    const lines = buffered.split('\n')
    buffered = lines.pop() ?? ''
    for (const line of lines) {
      if (line === 'ready' && killAfterMs !== undefined) setTimeout(() => child.kill('SIGKILL'), killAfterMs)
      if (line === 'paused') child.kill('SIGKILL')
      if (line.startsWith('committed ')) run.committed.push(Number(line.split(' ')[1]))
      if (line === 'done') run.finished = true
      onLine?.(line)
    }
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (run.stderr += chunk))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ ...run, code, signal }))
  })
}

/**
 * Check the database after a crash: integrity ok, every batch all-or-nothing, no duplicate key, every batch in
 * `mustHave` present, and the vectors of `checkBits` bit-exact. Returns the problems found (empty when sound).
 */
export function verifyAfterCrash(plan: WriterPlan, mustHave: Iterable<number>, checkBits: Iterable<number>): string[] {
  const db = openWorkspaceDb(plan.file)
  const problems: string[] = []
  try {
    const integrity = db.integrityCheck()
    if (integrity.join() !== 'ok') problems.push(`integrity_check: ${integrity.join('; ')}`)
    const fp = `fp-${plan.writer}`
    const counts = new Map(
      db
        .prepare<{ view: string; n: number }>('test.counts', 'SELECT view, count(*) AS n FROM embeddings WHERE model_fingerprint = ? GROUP BY view')
        .all(fp)
        .map((r) => [r.view, r.n])
    )
    for (const [view, n] of counts) if (n !== plan.batchSize) problems.push(`${view} has ${n} of ${plan.batchSize} rows (torn batch)`)
    for (const b of mustHave) if (!counts.has(`batch-${b}`)) problems.push(`committed batch ${b} is missing`)
    const dup = db
      .prepare<{ n: number }>('test.duplicates', 'SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT model_fingerprint, kind, content_hash, view FROM embeddings)) AS n FROM embeddings')
      .get()!.n
    if (dup !== 0) problems.push(`${dup} duplicate rows`)
    const repo = createEmbeddingsRepo(db)
    for (const b of checkBits) {
      const rows = batchRows(plan.writer, b, plan.batchSize, plan.dim)
      const got = repo.getMany(fp, 'image', rows)
      const bad = rows.filter((r) => !got.has(embeddingKey(r.contentHash, r.view)) || !sameBits(got.get(embeddingKey(r.contentHash, r.view))!, r.vector))
      if (bad.length > 0) problems.push(`batch ${b}: ${bad.length} vectors missing or changed`)
    }
  } finally {
    db.close()
  }
  return problems
}

/** Outcome of a crash loop. */
export interface CrashLoopResult {
  kills: number
  committed: number
  problems: string[]
}

/**
 * Kill the writer `kills` times at points the child signals: a seeded number (1…`maxCommits`) of its own commits,
 * alternately between two batches and halfway through a batch's transaction; verify after each; then let it finish
 * and check that exactly batches × batchSize rows exist.
 */
export async function crashLoop(plan: WriterPlan, kills: number, seed: number, maxCommits: number, log?: (line: string) => void): Promise<CrashLoopResult> {
  const rng = createRng(seed)
  const committed = new Set<number>()
  const problems: string[] = []
  let killed = 0
  for (let round = 0; round < kills && problems.length === 0; round++) {
    const at: KillPoint = { commits: 1 + rng.int(maxCommits), inTransaction: round % 2 === 1 }
    const run = await runChild(plan, undefined, undefined, undefined, at)
    if (run.signal === 'SIGKILL') killed++
    else if (run.code !== 0) problems.push(`round ${round}: child exited ${run.code}: ${run.stderr.trim()}`)
    else problems.push(`round ${round}: the child finished before its kill point (${JSON.stringify(at)})`)
    const fresh = run.committed.filter((b) => !committed.has(b))
    fresh.forEach((b) => committed.add(b))
    problems.push(...verifyAfterCrash(plan, committed, fresh).map((p) => `round ${round}: ${p}`))
    log?.(`round ${round}: killed at ${JSON.stringify(at)}, ${fresh.length} new batches, ${committed.size} committed in all`)
  }
  if (problems.length === 0) {
    const last = await runChild(plan)
    if (!last.finished) problems.push(`final run did not finish: ${last.stderr.trim()}`)
    const all = Array.from({ length: plan.batches }, (_, b) => b)
    problems.push(...verifyAfterCrash(plan, all, all))
    const db = openWorkspaceDb(plan.file, { readonly: true })
    const total = createEmbeddingsRepo(db).count({ modelFingerprint: `fp-${plan.writer}` })
    db.close()
    if (total !== plan.batches * plan.batchSize) problems.push(`final count ${total}, expected ${plan.batches * plan.batchSize}`)
  }
  return { kills: killed, committed: committed.size, problems }
}
