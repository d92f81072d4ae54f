// A 200k-row manifest streams quickly and with bounded heap: the file is never held in memory.
import { createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { finished } from 'node:stream/promises'
import v8 from 'node:v8'
import vm from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDataset } from '../../../../src/main/engine/datasets'
import { makeTempDir } from './fixture-files'

const ROWS = 200_000

// Exact retained-heap readings need a forced GC; vitest's forks run without --expose-gc.
v8.setFlagsFromString('--expose-gc')
const gc = vm.runInNewContext('gc') as () => void

function retainedHeap(): number {
  gc()
  return process.memoryUsage().heapUsed
}

let dir: string
let cleanup: () => Promise<void>
let manifest: string

beforeAll(async () => {
  ;({ dir, cleanup } = await makeTempDir())
  manifest = path.join(dir, 'big.csv')
  const out = createWriteStream(manifest)
  out.write('id,image,caption,membership,role,shard\n')
  let batch = ''
  for (let i = 0; i < ROWS; i++) {
    // Ids of 16+ characters: V8 would keep such a slice as a view pinning its whole read chunk.
    const caption =
      i % 10 === 0
        ? `"a ""quoted"" photo, number ${i},\nwith a second line of text"`
        : `a photo of object number ${i} in a plain setting seen from the side with soft daylight from a window on the left and a grey wall behind it`
    batch += `item-${String(i).padStart(11, '0')},images/${i % 1000}/${i}.jpg,${caption},${i % 2 ? 'member' : 'nonmember'},target,shard-${i % 7}\n`
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await new Promise<void>((r) => out.once('drain', () => r()))
      batch = ''
    }
  }
  out.end(batch)
  await finished(out)
})
afterAll(() => cleanup())

describe('streaming a large manifest', () => {
  it(`reads ${ROWS} rows in order with heap growth far below the file size`, async () => {
    const bytes = (await stat(manifest)).size
    const ds = await openDataset(manifest)
    const started = performance.now()
    const base = retainedHeap()
    let peak = 0
    let n = 0
    let members = 0
    let last = ''
    for await (const item of ds.items()) {
      if (item.id !== `item-${String(n).padStart(11, '0')}`) throw new Error(`row ${n} came out as ${item.id}`)
      if (item.membership === 'member') members++
      last = item.caption
      if (++n % 25_000 === 0) peak = Math.max(peak, retainedHeap() - base)
    }
    const seconds = (performance.now() - started) / 1000
    const growthMiB = peak / 2 ** 20
    console.log(
      `[datasets] ${ROWS} rows, ${(bytes / 2 ** 20).toFixed(1)} MiB: ${seconds.toFixed(2)} s, ${(ROWS / seconds / 1000).toFixed(0)}k rows/s, retained heap growth ${growthMiB.toFixed(1)} MiB`
    )
    expect(n).toBe(ROWS)
    expect(members).toBe(ROWS / 2)
    expect(last).toContain(`number ${ROWS - 1} in a plain`)
    // The only state kept is the id → first-line map for duplicate detection (~110 B per id here).
    // Ids still sharing storage with their read chunks would pin the whole file (~50 MiB measured).
    expect(peak).toBeLessThan(32 * 2 ** 20)
    expect(seconds).toBeLessThan(30)
    expect(await ds.count()).toBe(ROWS)
  })
})
