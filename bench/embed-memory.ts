// Benchmark: peak RSS of `mia embed` as the dataset grows (issue 7: ViT-L/14 over 10,000 images at ≤ 4 GB).
// Run: npx tsx bench/embed-memory.ts [model folder] [sizes, e.g. 64,192]; each size embeds that many distinct
// photo-sized JPEGs in a fresh workspace under /usr/bin/time and reports the child's peak RSS and rate.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { photoItems } from './photos'

const ROOT = path.resolve(import.meta.dirname, '..')
const MODEL = process.argv[2] ?? path.join(ROOT, 'generated-models/clip-vit-l-14')
const SIZES = (process.argv[3] ?? '64,192').split(',').map(Number)

/** A CSV manifest dataset of `n` photos under `dir`. */
async function dataset(dir: string, n: number): Promise<string> {
  fs.mkdirSync(dir, { recursive: true })
  const items = await photoItems(dir, n)
  const rows = items.map((it) => `${it.id},${path.basename(it.imagePath)},${it.caption}`)
  fs.writeFileSync(path.join(dir, 'manifest.csv'), ['id,image,caption', ...rows].join('\n') + '\n')
  return dir
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; model ${path.basename(MODEL)}`)
  for (const n of SIZES) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-bench-memory-'))
    try {
      const ds = await dataset(path.join(tmp, 'data'), n)
      const args = [path.join(ROOT, 'bin/mia.cjs'), '--workspace', path.join(tmp, 'ws'), 'embed', '--model', MODEL, '--dataset', ds, '--json']
      const res = spawnSync('/usr/bin/time', ['-f', 'TIME %M %e', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })
      if (res.status !== 0) throw new Error(`mia embed failed (${res.status}):\n${res.stderr.slice(-3000)}`)
      const [, kb, secs] = /TIME (\d+) ([\d.]+)/.exec(res.stderr) ?? []
      console.log(JSON.stringify({ items: n, peakRssMB: Math.round(Number(kb) / 1024), wallS: Number(secs), itemsPerS: +(n / Number(secs)).toFixed(3), load: os.loadavg()[0].toFixed(1) }))
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true })
    }
  }
}

await main()
