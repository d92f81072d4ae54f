// Child process for the crash and concurrency tests: writes batches of embeddings, printing after each commit.
// Usage: node --import tsx child-writer.ts write <db> <writer> <batches> <batchSize> <dim>
//        node --import tsx child-writer.ts hold <db> <ms>   (holds the write lock for ms, then commits)
import { openWorkspaceDb, createEmbeddingsRepo } from '../../../../src/main/engine/store'
import { batchKeys, batchRows } from './scratch'

function write(file: string, writer: string, batches: number, batchSize: number, dim: number): void {
  const db = openWorkspaceDb(file)
  const repo = createEmbeddingsRepo(db)
  process.stdout.write('ready\n')
  for (let b = 0; b < batches; b++) {
    // Resume like the runner does: only what is missing is computed and written.
    const todo = new Set(repo.missing(`fp-${writer}`, 'image', batchKeys(writer, b, batchSize)).map((k) => k.contentHash))
    if (todo.size === 0) continue
    const added = repo.putMany(batchRows(writer, b, batchSize, dim).filter((r) => todo.has(r.contentHash)))
    process.stdout.write(`committed ${b} ${added}\n`)
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
