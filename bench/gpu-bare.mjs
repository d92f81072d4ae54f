// The bare vision session for bench/gpu.sh: the portable archive's own Node and onnxruntime-node, pre-made tensors,
// no decode, no cache: the ceiling the `mia embed` pipeline is measured against. Plain JS because the GPU machine has
// no Node of its own and no TypeScript loader; session options as src/main/engine/models/session.ts (ortOptions).
// Run: <portable>/runtime/node bench/gpu-bare.mjs <portable dir> <vision_model.onnx> <provider> <side> <batch> <images>
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'

const [app, model, provider, side, batch, images] = process.argv.slice(2)
const ort = createRequire(path.join(path.resolve(app), 'package.json'))('onnxruntime-node')
const B = Number(batch)
const S = Number(side)
const N = Number(images)

const session = await ort.InferenceSession.create(model, {
  executionProviders: provider === 'cpu' ? ['cpu'] : [provider, 'cpu'],
  intraOpNumThreads: os.availableParallelism(),
  interOpNumThreads: 1,
  graphOptimizationLevel: 'all',
  executionMode: 'sequential',
  logSeverityLevel: 3
})
const input = session.inputNames.find((n) => n.includes('pixel')) ?? session.inputNames[0]
const pixels = new Float32Array(B * 3 * S * S)
for (let i = 0; i < pixels.length; i++) pixels[i] = Math.sin(i) // any finite input: the cost does not depend on it
const feed = { [input]: new ort.Tensor('float32', pixels, [B, 3, S, S]) }
for (let i = 0; i < 2; i++) await session.run(feed) // warm-up: shader compilation, allocator growth
const t0 = performance.now()
let done = 0
while (done < N) {
  await session.run(feed)
  done += B
}
const seconds = (performance.now() - t0) / 1000
console.log(JSON.stringify({ images: done, seconds, images_per_s: done / seconds }))
await session.release()
