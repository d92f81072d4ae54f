// Long crash soak for issue 9, run by hand: npx tsx test/main/engine/store/crash-loop.ts [kills=60] [seed=1]
import fs from 'node:fs'
import path from 'node:path'
import { crashLoop } from './crash-harness'
import { tempDir } from './scratch'

const kills = Number(process.argv[2] ?? 60)
const seed = Number(process.argv[3] ?? 1)
const dir = tempDir('mia-crash-loop-')
const plan = { file: path.join(dir, 'crash.sqlite'), writer: 'soak', batches: 2000, batchSize: 100, dim: 128 }
const started = Date.now()
const result = await crashLoop(plan, kills, seed, 1500, (line) => console.log(line))
const secs = ((Date.now() - started) / 1000).toFixed(0)
console.log(`${result.kills} kills, ${result.committed} batches committed before the final run, ${secs} s`)
fs.rmSync(dir, { recursive: true, force: true })
if (result.problems.length > 0) {
  console.error(`FAILED:\n${result.problems.join('\n')}`)
  process.exit(1)
}
console.log('crash loop clean: integrity ok, nothing committed was lost, no torn batch, no duplicate')
