// Child process for the crash and concurrency tests: writes batches of embeddings, printing after each commit.
// Usage: node --import tsx child-writer.ts write <db> <writer> <batches> <batchSize> <dim>
//        with MIA_CRASH_PAUSE_AFTER=N it prints 'paused' after its N-th commit of this run and waits to be killed;
//        with MIA_CRASH_PAUSE_IN=N it does so halfway through the rows of its N-th write, inside the transaction.
//        Either way a test kills it at a point it chose, on any machine, however loaded (issue 16).
//        node --import tsx child-writer.ts hold <db> <ms>   (holds the write lock for ms, then commits)
import { openWorkspaceDb, createEmbeddingsRepo } from '../../../../src/main/engine/store'
import { batchKeys, batchRows } from './scratch'

const pause = (): void => {
  process.stdout.write('paused\n')
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 60_000)
}

/** Rows whose iteration (putMany's insert loop, inside its transaction) pauses halfway. */
function pausingHalfway<T>(rows: T[]): T[] {
  const out = [...rows]
  Object.defineProperty(out, Symbol.iterator, {
    value: function* () {
      for (let i = 0; i < rows.length; i++) {
        if (i === Math.floor(rows.length / 2)) pause()
        yield rows[i]
      }
    }
  })
  return out
}

function write(file: string, writer: string, batches: number, batchSize: number, dim: number): void {
  const db = openWorkspaceDb(file)
  const repo = createEmbeddingsRepo(db)
  process.stdout.write('ready\n')
  const pauseAfter = Number(process.env.MIA_CRASH_PAUSE_AFTER ?? 0)
  const pauseIn = Number(process.env.MIA_CRASH_PAUSE_IN ?? 0)
  let commits = 0
  for (let b = 0; b < batches; b++) {
    // Resume like the runner does: only what is missing is computed and written.
    const todo = new Set(repo.missing(`fp-${writer}`, 'image', batchKeys(writer, b, batchSize)).map((k) => k.contentHash))
    if (todo.size === 0) continue
    const rows = batchRows(writer, b, batchSize, dim).filter((r) => todo.has(r.contentHash))
    const added = repo.putMany(commits + 1 === pauseIn ? pausingHalfway(rows) : rows)
    process.stdout.write(`committed ${b} ${added}\n`)
    if (++commits === pauseAfter) pause()
  }
  db.close()
  process.stdout.write('done\n')
}

function hold(file: string, ms: number): void {
  const db = openWorkspaceDb(file)
  db.write('hold', () => {
    db.prepare('hold', "INSERT INTO models (path, name, added_at) VALUES ('/held', 'held', 0)").run()
    process.stdout.write('locked\n')
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
  })
  db.close()
  process.stdout.write('done\n')
}

const [mode, file, ...rest] = process.argv.slice(2)
try {
  if (mode === 'write') write(file, rest[0], Number(rest[1]), Number(rest[2]), Number(rest[3]))
  else if (mode === 'hold') hold(file, Number(rest[0]))
  else throw new Error(`unknown mode ${mode}`)
} catch (err) {
  process.stderr.write(`child-writer failed: ${err instanceof Error ? `${err.message} ${(err as { hint?: string }).hint ?? ''}` : String(err)}\n`)
  process.exit(1)
}
