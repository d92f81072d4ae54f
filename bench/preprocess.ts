// Speed of CLIP preprocessing: decode (sharp) and PIL-exact resize/crop/normalise of a 500×375 photo, and tokenization.
// Run: npx tsx bench/preprocess.ts

import { existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { CLIP_IMAGE_DEFAULTS, decodeImage, loadTokenizer, preprocessImage, preprocessInto, tokenize } from '../src/main/engine/preprocess'

const root = path.resolve(import.meta.dirname, '..')
const photo = readFileSync(path.join(root, 'test/fixtures/preprocess/photo-500x375.jpg'))

async function timeIt(label: string, runs: number, fn: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(20, runs); i++) await fn()
  const times: number[] = []
  const cpu0 = process.cpuUsage()
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    times.push(performance.now() - t0)
  }
  const cpu = process.cpuUsage(cpu0)
  times.sort((a, b) => a - b)
  const median = times[times.length >> 1]
  // CPU time per run is the steadier number on a shared machine; wall time includes waiting for a core.
  const cpuMs = (cpu.user + cpu.system) / 1000 / runs
  console.log(`${label.padEnd(52)} wall median ${median.toFixed(2)} ms, p90 ${times[Math.floor(times.length * 0.9)].toFixed(2)} ms; cpu ${cpuMs.toFixed(2)} ms`)
  return median
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'})`)
  const rgb = await decodeImage(photo)
  await timeIt('decode 500×375 JPEG to RGB (sharp)', 100, () => decodeImage(photo))
  await timeIt('preprocess RGB 500×375 → 3×224×224 (PIL bicubic)', 300, () => preprocessImage(rgb, CLIP_IMAGE_DEFAULTS))
  const batch = new Float32Array(32 * 3 * 224 * 224)
  const perBatch = await timeIt('preprocessInto, batch of 32 (same photo)', 20, () => {
    for (let i = 0; i < 32; i++) preprocessInto(rgb, CLIP_IMAGE_DEFAULTS, batch, i * 3 * 224 * 224)
  })
  console.log(`  = ${(perBatch / 32).toFixed(2)} ms per image`)
  await timeIt('decode + preprocess (one item, end to end)', 100, async () => preprocessImage(await decodeImage(photo), CLIP_IMAGE_DEFAULTS))
  const clipDir = path.resolve(root, '../shared/fixtures/clip-tokenizer')
  if (!existsSync(clipDir)) return console.log(`tokenizer bench skipped: ${clipDir} absent`)
  const tok = await loadTokenizer(clipDir)
  const captions = Array.from({ length: 1000 }, (_, i) => `a photo of a cat number ${i} sitting on a red sofa, next to a sleeping dog.`)
  const ms = await timeIt('tokenize 1000 distinct captions (CLIP BPE)', 5, () => tokenize(tok, captions))
  console.log(`  = ${(ms / 1000).toFixed(3)} ms per caption`)
}

await main()
