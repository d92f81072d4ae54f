// End-to-end embedding pipeline vs a bare model on pre-made tensors, and a cached rerun (issue 4's targets).
// Run: [REPS=n] [THREADS=n] npx tsx bench/embed.ts [model folder] [items] [eager config, e.g. vit-b-32]
// REPS (default 1) alternates bare and cold-pipeline runs n times in this one process (bare, pipeline, bare, …), each
// pipeline on a fresh workspace, and prints every pair's ratio and the median: the two sides share the machine's
// state of the moment instead of one bare run facing one pipeline run minutes apart.
// (default model: generated-models/clip-vit-b-32, else the tiny fixture). With an eager config, the PyTorch eager
// reference (tools/clip-export/bench_eager.py, Debian's /usr/bin/python3) runs the same architecture and seed.

import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { quantile } from '../src/main/engine/metrics'
import { ModelRegistry } from '../src/main/engine/models'
import { decodeImage, loadTokenizer, preprocessInto, readPreprocessorConfig, tokenize } from '../src/main/engine/preprocess'
import { embedItems } from '../src/main/engine/runner'
import { openWorkspaceStore } from '../src/main/engine/store'
import { photoItems } from './photos'

const root = path.resolve(import.meta.dirname, '..')
const vitb = path.join(root, 'generated-models/clip-vit-b-32')
const modelDir = process.argv[2] ?? (fs.existsSync(vitb) ? vitb : path.join(root, 'test/fixtures/tiny-clip'))
const N = Number(process.argv[3] ?? 256)
const BATCH = 32
const EAGER = process.argv[4]
const REPS = Number(process.env.REPS ?? 1)
// THREADS: the pipeline's preprocessing threads (default: embedItems' own, cores − 1; 0 = inline on this thread).
const THREADS = process.env.THREADS === undefined ? undefined : Number(process.env.THREADS)

const median = (xs: number[]): number => quantile(xs, 0.5)

/** The PyTorch eager run of the same architecture, or null when Python/torch is not there. */
function eager(config: string): { items_per_s: number; peak_rss_mb: number; threads: number } | null {
  const script = path.join(root, 'tools/clip-export/bench_eager.py')
  const res = spawnSync('/usr/bin/python3', [script, '--config', config, '--items', String(N), '--batch', String(BATCH)], { encoding: 'utf8', timeout: 3_600_000 })
  if (res.status !== 0) {
    console.log(`PyTorch eager reference not run: ${res.error?.message ?? res.stderr.trim().split('\n').pop()}`)
    return null
  }
  return JSON.parse(res.stdout.trim().split('\n').pop()!)
}

async function main(): Promise<void> {
  console.log(`Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'cpu'}), load ${os.loadavg()[0].toFixed(1)}; model ${path.basename(modelDir)}; ${N} items, batch ${BATCH}`)
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-bench-embed-'))
  try {
    const items = await photoItems(tmp, N)
    const registry = new ModelRegistry()
    const model = await registry.open(modelDir)
    await model.load()
    const side = model.description.imageSize!
    const per = 3 * side * side
    const config = readPreprocessorConfig(fs.readFileSync(path.join(modelDir, 'preprocessor_config.json'), 'utf8'))
    const tok = await loadTokenizer(modelDir)

    // Bare: tensors made before the clock starts; only the two towers run.
    const pixels = new Float32Array(N * per)
    for (let i = 0; i < N; i++) preprocessInto(await decodeImage(fs.readFileSync(items[i].imagePath)), config, pixels, i * per)
    const t = tokenize(
      tok,
      items.map((it) => it.caption)
    )
    await model.embedImages(pixels.subarray(0, BATCH * per), BATCH) // warm-up
    const runBare = async (): Promise<number> => {
      const t0 = performance.now()
      for (let s = 0; s < N; s += BATCH) {
        const n = Math.min(BATCH, N - s)
        await model.embedImages(pixels.subarray(s * per, (s + n) * per), n)
        await model.embedTexts(t.ids.subarray(s * tok.contextLength, (s + n) * tok.contextLength), t.attentionMask.subarray(s * tok.contextLength, (s + n) * tok.contextLength), n, tok.contextLength)
      }
      return (performance.now() - t0) / 1000
    }
    const emit = (): void => undefined
    const bares: number[] = []
    const colds: number[] = []
    let cachedS = 0
    for (let r = 0; r < REPS; r++) {
      bares.push(await runBare())
      const store = openWorkspaceStore(path.join(tmp, `ws-${r}`))
      let t0 = performance.now()
      const cold = await embedItems({ model, items, store, bank: null, seed: 0, batchSize: BATCH, preprocessThreads: THREADS, emit })
      colds.push((performance.now() - t0) / 1000)
      t0 = performance.now()
      const warm = await embedItems({ model, items, store, bank: null, seed: 0, batchSize: BATCH, emit })
      cachedS = (performance.now() - t0) / 1000
      store.close()
      if (cold.computed.image !== N || warm.computed.image !== 0) throw new Error(`unexpected work: cold ${JSON.stringify(cold.computed)}, cached ${JSON.stringify(warm.computed)}`)
      if (REPS > 1)
        console.log(`pair ${r + 1}: bare ${bares[r].toFixed(2)} s, pipeline ${colds[r].toFixed(2)} s = ${((100 * bares[r]) / colds[r]).toFixed(1)}% of bare, load ${os.loadavg()[0].toFixed(1)}`)
    }
    await registry.dispose()
    const bare = median(bares)
    const coldS = median(colds)
    if (REPS > 1) console.log(`median of ${REPS} pairs' ratios: ${median(bares.map((b, i) => (100 * b) / colds[i])).toFixed(1)}% of bare`)

    const rate = (s: number): string => `${(N / s).toFixed(1)} items/s`
    console.log(`bare towers (pre-made tensors):   ${bare.toFixed(2)} s  ${rate(bare)}`)
    console.log(`pipeline, cold (hash, decode, preprocess, tokenize, infer, store): ${coldS.toFixed(2)} s  ${rate(coldS)}  = ${((100 * bare) / coldS).toFixed(0)}% of bare`)
    console.log(`pipeline, cached rerun:           ${cachedS.toFixed(3)} s  ${rate(cachedS)}  = ${(coldS / cachedS).toFixed(0)}× faster than cold`)
    console.log(`peak RSS of this process (bare + pipeline): ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`)
    const ref = EAGER ? eager(EAGER) : null
    if (ref)
      console.log(
        `PyTorch eager (${ref.threads} threads): ${ref.items_per_s.toFixed(1)} items/s, peak RSS ${ref.peak_rss_mb.toFixed(0)} MB; pipeline = ${(N / coldS / ref.items_per_s).toFixed(2)}× eager, bare = ${(N / bare / ref.items_per_s).toFixed(2)}× eager`
      )
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true })
  }
}

await main()
