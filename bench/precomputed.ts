// Benchmark: `mia run --attack csa` over 1,000,000 precomputed clip-retrieval pairs (512-d float16), peak RSS (target ≤ 1 GB).
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRng } from '../src/main/engine/rng'
import { NpyWriter, writeMetadata } from '../test/helpers/clip-retrieval'

const PAIRS = Number(process.env.PRECOMPUTED_BENCH_PAIRS ?? 1_000_000)
const DIM = Number(process.env.PRECOMPUTED_BENCH_DIM ?? 512)
const PARTS = Number(process.env.PRECOMPUTED_BENCH_PARTS ?? 2)
const DIR = process.env.PRECOMPUTED_BENCH_DIR ?? path.join(os.tmpdir(), `mia-bench-precomputed-${PAIRS}-${DIM}`)
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const CHUNK = 8192

/** LAION-like parts: members' text vectors lean towards their image vectors; 2% reference non-members. */
async function generate(): Promise<void> {
  const rng = createRng(7)
  const perPart = Math.ceil(PAIRS / PARTS)
  for (let part = 0; part < PARTS; part++) {
    const rows = Math.min(perPart, PAIRS - part * perPart)
    const base = part * perPart
    const label = (i: number): 'member' | 'nonmember' | 'reference' => ((base + i) % 50 === 49 ? 'reference' : (base + i) % 2 ? 'member' : 'nonmember')
    const img = new NpyWriter(path.join(DIR, 'img_emb', `img_emb_${part}.npy`), rows, DIM)
    const txt = new NpyWriter(path.join(DIR, 'text_emb', `text_emb_${part}.npy`), rows, DIM)
    for (let start = 0; start < rows; start += CHUNK) {
      const n = Math.min(CHUNK, rows - start)
      const a = new Float32Array(n * DIM)
      const t = new Float32Array(n * DIM)
      for (let i = 0; i < n; i++) {
        const lean = label(start + i) === 'member' ? 0.08 : 0
        for (let j = 0; j < DIM; j++) {
          const x = rng.normal()
          a[i * DIM + j] = x
          t[i * DIM + j] = lean * x + rng.normal()
        }
      }
      img.write(a)
      txt.write(t)
    }
    img.close()
    txt.close()
    const idx = Array.from({ length: rows }, (_, i) => i)
    await writeMetadata(
      path.join(DIR, 'metadata', `metadata_${part}.parquet`),
      {
        key: idx.map((i) => String(base + i).padStart(9, '0')),
        caption: idx.map(() => `a photo of item ${rng.int(1e9)} on a table`),
        url: idx.map((i) => `https://example.org/images/${base + i}.jpg`),
        similarity: idx.map(() => 0.28 + rng.next() * 0.1),
        membership: idx.map((i) => (label(i) === 'member' ? 'member' : 'nonmember')),
        role: idx.map((i) => (label(i) === 'reference' ? 'reference' : 'target'))
      },
      100_000
    )
  }
  fs.writeFileSync(path.join(DIR, 'dataset.json'), JSON.stringify({ name: `bench-${PAIRS}`, model: `synthetic ${DIM}-d` }))
}

async function main(): Promise<void> {
  if (!fs.existsSync(path.join(DIR, 'dataset.json'))) {
    const t = performance.now()
    await generate()
    console.log(`generated ${PAIRS} pairs × ${DIM} (float16) in ${((performance.now() - t) / 1000).toFixed(0)} s at ${DIR}`)
  }
  const bytes = execFileSync('du', ['-sb', DIR], { encoding: 'utf8' }).split('\t')[0]
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-bench-ws-'))
  const args = [path.join(ROOT, 'bin/mia.cjs'), '--workspace', ws, 'run', '--dataset', DIR, '--attack', 'csa', '--no-blind', '--json']
  const res = spawnSync('/usr/bin/time', ['-f', 'TIME %M %e', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 })
  if (res.status !== 0) throw new Error(`mia run failed (${res.status}):\n${res.stderr.slice(-4000)}`)
  const [, kb, secs] = /TIME (\d+) ([\d.]+)/.exec(res.stderr) ?? []
  const record = JSON.parse(res.stdout)
  const dbBytes = execFileSync('du', ['-sb', ws], { encoding: 'utf8' }).split('\t')[0]
  console.log(
    JSON.stringify(
      {
        pairs: PAIRS,
        dim: DIM,
        datasetMB: Math.round(Number(bytes) / 2 ** 20),
        peakRssMB: Math.round(Number(kb) / 1024),
        wallS: Number(secs),
        auc: record.metrics?.auc,
        n: record.n,
        skipped: record.skipped,
        workspaceMB: Math.round(Number(dbBytes) / 2 ** 20),
        cpus: os.cpus().length,
        load: os.loadavg()[0].toFixed(1)
      },
      null,
      2
    )
  )
  fs.rmSync(ws, { recursive: true, force: true })
}

await main()
