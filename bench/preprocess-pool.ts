// Preprocessing beside Pillow + NumPy in one run: CPU ms per image (decode, resize/crop/normalise, and both, of the
// 500×375 photo fixture), then images/s through the preprocessing pool inline, on one worker and on every core.
// Run: npx tsx bench/preprocess-pool.ts [images, default 256]   (the Pillow side runs where python3-pil is present)

import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Item } from '../src/main/engine/datasets'
import { CLIP_IMAGE_DEFAULTS, decodeImage, preprocessInto } from '../src/main/engine/preprocess'
import { preparedInOrder } from '../src/main/engine/runner/preprocess-pool'

const root = path.resolve(import.meta.dirname, '..')
const photoFile = path.join(root, 'test/fixtures/preprocess/photo-500x375.jpg')
const photo = fs.readFileSync(photoFile)
const N = Number(process.argv[2] ?? 256)
const cores = os.availableParallelism()

async function cpuMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 10; i++) await fn()
  const t0 = process.cpuUsage()
  for (let i = 0; i < runs; i++) await fn()
  const u = process.cpuUsage(t0)
  return (u.user + u.system) / 1000 / runs
}

function pillow(): { decode_ms: number; pipeline_ms: number; pillow: string } | string {
  const res = spawnSync('/usr/bin/python3', [path.join(root, 'bench/preprocess_pil.py'), photoFile, '200'], { encoding: 'utf8' })
  if (res.status !== 0) return `not run: ${res.error?.message ?? res.stderr.trim().split('\n').pop()}`
  return JSON.parse(res.stdout.trim()) as { decode_ms: number; pipeline_ms: number; pillow: string }
}

async function imagesPerSecond(threads: number): Promise<number> {
  const item: Item = { id: 'photo', imagePath: photoFile, caption: '', membership: 'unknown', role: 'target', metadata: {}, escapesRoot: false }
  const tasks = Array.from({ length: N }, (_, i) => ({ item, contentHash: `h${i}`, ks: [0] }))
  const settings = { config: CLIP_IMAGE_DEFAULTS, per: 3 * 224 * 224, bank: null, seed: 0 }
  const t0 = performance.now()
  let n = 0
  for await (const [, r] of preparedInOrder(tasks, settings, { threads, window: 64 })) if ('pixels' in r) n++
  if (n !== N) throw new Error(`${N - n} images failed`)
  return N / ((performance.now() - t0) / 1000)
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${cores} cores (${os.cpus()[0]?.model ?? 'cpu'}), load ${os.loadavg()[0].toFixed(1)} at start`)
  // CPU time is the steady number on a shared machine; sharp's decode runs on libuv's pool, which cpuUsage counts.
  const out = new Float32Array(3 * 224 * 224)
  const decoded = await decodeImage(photo)
  const decode = await cpuMs(300, () => decodeImage(photo))
  const resize = await cpuMs(300, async () => preprocessInto(decoded, CLIP_IMAGE_DEFAULTS, out))
  const full = await cpuMs(300, async () => preprocessInto(await decodeImage(photo), CLIP_IMAGE_DEFAULTS, out))
  const pil = pillow()
  console.log(`workbench: decode ${decode.toFixed(2)} ms, resize/crop/normalise ${resize.toFixed(2)} ms, decode + preprocess ${full.toFixed(2)} ms CPU per image`)
  if (typeof pil === 'string') console.log(`Pillow + NumPy ${pil}`)
  else
    console.log(
      `Pillow ${pil.pillow} + NumPy: decode ${pil.decode_ms.toFixed(2)} ms, decode + preprocess ${pil.pipeline_ms.toFixed(2)} ms CPU per image; workbench / Pillow = ${(full / pil.pipeline_ms).toFixed(2)}`
    )
  const inline = await imagesPerSecond(0)
  const one = await imagesPerSecond(1)
  const all = await imagesPerSecond(cores)
  console.log(
    `pool: ${inline.toFixed(1)} images/s inline (main thread; sharp decodes on libuv's pool), ${one.toFixed(1)} with 1 worker, ${all.toFixed(1)} with ${cores} workers (all cores); scaling ${(all / one).toFixed(2)}×; load ${os.loadavg()[0].toFixed(1)} at end`
  )
}

await main()
