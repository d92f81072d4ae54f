// Real `mia` child processes for the crash soak: start one, watch its stderr, SIGKILL it at a point it announces.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { CRASH_PAUSE_LINE, type CrashPoint } from '../../src/main/engine/crash-point'
import { openWorkspaceDb, workspaceDbPath, type WorkspaceDb } from '../../src/main/engine/store'

const MIA = path.resolve('bin/mia.cjs')

/** How a child ended: `killed` only when our SIGKILL ended it (not when it exited on its own first). */
export interface MiaExit {
  code: number | null
  signal: NodeJS.Signals | null
  killed: boolean
  /** Milliseconds from spawn to exit. */
  ms: number
  stderr: string[]
}

/** A running `mia` command. */
export interface MiaProcess {
  /** stderr so far, one entry per line (progress lines, logs, errors). */
  readonly lines: string[]
  readonly startedAt: number
  alive(): boolean
  /** Resolve true once `test` holds (polled every `everyMs`), false when the child exits first or `timeoutMs` passes. */
  until(test: () => boolean, everyMs?: number, timeoutMs?: number): Promise<boolean>
  /** SIGKILL now (no-op once it has exited). */
  kill(): void
  /** SIGKILL once the child waits at its MIA_CRASH_PAUSE point; false (and no kill) when it exits without reaching it. */
  killAtCrashPoint(): Promise<boolean>
  exit: Promise<MiaExit>
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Environment that makes the child stop the n-th time it passes `point` (src/main/engine/crash-point.ts). */
export const crashPause = (point: CrashPoint, n: number): NodeJS.ProcessEnv => ({ ...process.env, MIA_CRASH_PAUSE: `${point}:${n}` })

/** Start `mia --workspace <workspace> …args` with stdout discarded and stderr collected. */
export function startMia(workspace: string, args: string[], env: NodeJS.ProcessEnv = process.env): MiaProcess {
  const startedAt = Date.now()
  const child = spawn(process.execPath, [MIA, '--workspace', workspace, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env })
  const lines: string[] = []
  createInterface({ input: child.stderr }).on('line', (l) => lines.push(l))
  let alive = true
  let sentKill = false
  const exit = new Promise<MiaExit>((resolve, reject) => {
    child.on('error', reject)
    // 'close' (not 'exit') so every stderr line has been read.
    child.on('close', (code, signal) => {
      alive = false
      resolve({ code, signal, killed: sentKill && signal === 'SIGKILL', ms: Date.now() - startedAt, stderr: lines })
    })
  })
  child.on('exit', () => (alive = false))
  const proc: MiaProcess = {
    lines,
    startedAt,
    alive: () => alive,
    async until(test, everyMs = 10, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs
      while (alive && Date.now() < deadline) {
        if (test()) return true
        await sleep(everyMs)
      }
      return false
    },
    kill() {
      if (!alive) return
      sentKill = true
      child.kill('SIGKILL')
    },
    async killAtCrashPoint() {
      // The child blocks at the point (a minute at most), so the kill lands there however slow this poll is.
      const paused = await proc.until(() => lines.some((l) => l.startsWith(CRASH_PAUSE_LINE)))
      if (paused) proc.kill()
      return paused
    },
    exit
  }
  return proc
}

/** Run `mia …` to completion; fails the caller with its stderr when it does not exit 0. */
export async function miaOk(workspace: string, args: string[]): Promise<MiaExit> {
  const done = await startMia(workspace, args).exit
  if (done.code !== 0) throw new Error(`mia ${args.join(' ')} exited ${done.code ?? done.signal}:\n${done.stderr.join('\n')}`)
  return done
}

/** Open the workspace database (read-only when asked), run fn, close it. */
export function withWorkspaceDb<T>(workspace: string, fn: (db: WorkspaceDb) => T, readonly = false): T {
  const db = openWorkspaceDb(workspaceDbPath(workspace), { readonly })
  try {
    return fn(db)
  } finally {
    db.close()
  }
}
