// Kill points for the kill -9 soak (test/cli/crash-loop.test.ts, issue 16). A SIGKILL sent after a sleep can land
// after the work it meant to interrupt (a fast machine) or before it started (a loaded one), so the soak names a point
// instead: with MIA_CRASH_PAUSE=<point>:<n> the process stops the n-th time it passes <point>, says so on stderr and
// waits there to be killed. Without the variable (every real use) crashPoint() compares one string and returns.
import fs from 'node:fs'

/** Where a soak may stop a process; each is passed with work still unfinished. */
export type CrashPoint =
  /** After an embedding batch's transaction committed (runner/embed.ts). */
  | 'embed-batch'
  /** After a WSA training epoch, counted over every cross-fitting fold (runner/attack.ts). */
  | 'wsa-epoch'
  /** The attack scored every target; metrics are not computed yet (runner/run.ts). */
  | 'scored'
  /** Scores are stored; the results and the `done` status are not (runner/run.ts). */
  | 'scores-stored'
  /** The export is rendered; its temporary file is not written yet (cli/export-command.ts). */
  | 'export-rendered'
  /** The export's temporary file is written; it is not renamed into place yet (cli/export-command.ts). */
  | 'export-written'

const [wanted, nth] = (process.env.MIA_CRASH_PAUSE ?? '').split(':')
let passes = 0

/** The stderr line that says the process is waiting at its kill point. */
export const CRASH_PAUSE_LINE = 'mia crash point:'

/** Pass `point`; at the n-th pass named by MIA_CRASH_PAUSE, block this thread until killed (a minute at most). */
export function crashPoint(point: CrashPoint): void {
  if (point !== wanted || ++passes !== Number(nth)) return
  // writeSync on fd 2: the line is out before the thread blocks, from the engine worker thread as from the main one.
  fs.writeSync(2, `${CRASH_PAUSE_LINE} ${point} ${passes}, waiting to be killed\n`)
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000)
}
