// Benchmark: how fast can this CPU go? GEMM GFLOPS of onnxruntime (MLAS) and PyTorch, and per-tower ViT speed of each.
// Issue 7 asks for pipeline ≥ 3× PyTorch eager; this shows whether onnxruntime's CPU kernels leave room for that here.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import * as ort from 'onnxruntime-node'

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..')
const MODEL = process.argv[2] ?? path.join(ROOT, 'generated-models/clip-vit-b-32')
const CONFIG = process.argv[3] ?? 'vit-b-32'
const BATCH = 32
const REPS = Number(process.env.ROOFLINE_REPS ?? 4)
const PYTHON = '/usr/bin/python3'
const THREADS = os.cpus().length
// The shape of a ViT-B MLP layer at batch 32: (32 × 50 tokens) × 768 → 3072.
const [M, K, N] = [1600, 768, 3072]

/** PyTorch side, in Debian's Python: GEMM GFLOPS, vision and text tower items/s; writes the GEMM as ONNX for onnxruntime. */
function torchSide(gemmFile: string): { gemmGflops: number; vision: number; text: number } {
  const script = `
import json, sys, time, os, torch, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
sys.path.insert(0, ${JSON.stringify(path.join(ROOT, 'tools/clip-export'))})
from clip_model import Clip, init_random
from configs import CONFIGS
torch.set_num_threads(${THREADS})
w = np.random.default_rng(0).standard_normal((${K}, ${N})).astype(np.float32)
g = helper.make_graph([helper.make_node('MatMul', ['a', 'W'], ['y'])], 'gemm', [helper.make_tensor_value_info('a', TensorProto.FLOAT, [${M}, ${K}])], [helper.make_tensor_value_info('y', TensorProto.FLOAT, [${M}, ${N}])], [numpy_helper.from_array(w, 'W')])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 17)]), ${JSON.stringify(gemmFile)})
a, b = torch.randn(${M}, ${K}), torch.from_numpy(w)
for _ in range(3): a @ b
t = time.time()
for _ in range(20): a @ b
gemm = 2 * ${M} * ${K} * ${N} * 20 / (time.time() - t) / 1e9
cfg = CONFIGS[${JSON.stringify(CONFIG)}]
clip = Clip(cfg).eval(); init_random(clip, 0)
x = torch.randn(${BATCH}, 3, cfg.image_size, cfg.image_size)
ids = torch.randint(1, 49000, (${BATCH}, 77)); ids[:, -1] = 49407
def rate(fn):
    fn(); t = time.time()
    for _ in range(${REPS}): fn()
    return ${REPS} * ${BATCH} / (time.time() - t)
with torch.inference_mode():
    print(json.dumps({'gemmGflops': gemm, 'vision': rate(lambda: clip.image_embeds(x)), 'text': rate(lambda: clip.text_embeds(ids))}))
`
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { encoding: 'utf8' }).trim().split('\n').pop()!)
}

async function rate(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, items: number): Promise<number> {
  await session.run(feeds)
  const t = performance.now()
  for (let i = 0; i < REPS; i++) await session.run(feeds)
  return (REPS * items) / ((performance.now() - t) / 1000)
}

const options: ort.InferenceSession.SessionOptions = { executionProviders: ['cpu'], intraOpNumThreads: THREADS, interOpNumThreads: 1, graphOptimizationLevel: 'all' }

async function main(): Promise<void> {
  const gemmFile = path.join(os.tmpdir(), `mia-roofline-gemm-${process.pid}.onnx`)
  const torch = torchSide(gemmFile)
  const gemm = await ort.InferenceSession.create(gemmFile, options)
  const ortGemm = ((await rate(gemm, { a: new ort.Tensor('float32', Float32Array.from({ length: M * K }, Math.random), [M, K]) }, 1)) * 2 * M * K * N) / 1e9
  fs.rmSync(gemmFile)
  const size = JSON.parse(fs.readFileSync(path.join(MODEL, 'preprocessor_config.json'), 'utf8')).crop_size?.height ?? 224
  const vision = await ort.InferenceSession.create(path.join(MODEL, 'onnx/vision_model.onnx'), options)
  const pixels = new ort.Tensor('float32', Float32Array.from({ length: BATCH * 3 * size * size }, Math.random), [BATCH, 3, size, size])
  const ortVision = await rate(vision, { pixel_values: pixels }, BATCH)
  const text = await ort.InferenceSession.create(path.join(MODEL, 'onnx/text_model.onnx'), options)
  const ids = BigInt64Array.from({ length: BATCH * 77 }, (_, i) => BigInt(i % 77 === 76 ? 49407 : 1 + ((i * 7919) % 49000)))
  const ortText = await rate(text, { input_ids: new ort.Tensor('int64', ids, [BATCH, 77]) }, BATCH)
  const both = (v: number, t: number): number => 1 / (1 / v + 1 / t)
  console.log(
    JSON.stringify(
      {
        model: path.basename(MODEL),
        threads: THREADS,
        load: os.loadavg()[0].toFixed(1),
        gemmGflops: { onnxruntime: +ortGemm.toFixed(1), torch: +torch.gemmGflops.toFixed(1) },
        itemsPerS: {
          onnxruntime: { vision: +ortVision.toFixed(2), text: +ortText.toFixed(2), both: +both(ortVision, ortText).toFixed(2) },
          torchEager: { vision: +torch.vision.toFixed(2), text: +torch.text.toFixed(2), both: +both(torch.vision, torch.text).toFixed(2) }
        },
        bareOverEager: +(both(ortVision, ortText) / both(torch.vision, torch.text)).toFixed(2)
      },
      null,
      2
    )
  )
}

await main()
