// SigLIP / SigLIP 2 parity for folders written by tools/clip-export/export_siglip.py, run by scripts/verify-models.ts:
// `mia models inspect --json` finds the layout and no problem; every variant embeds the stored pixels and token ids
// like PyTorch (cos ≥ 0.9999, images and texts) and scores every image–caption pair like its sigmoid (|Δ| ≤ 1e-5);
// `mia embed` on a dataset of the reference images and captions (the project's decoder, squash resize and
// tokenizer in front of the model) agrees the same way. Issue 18's done-when; targets in tools/clip-export/README.md.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pairwiseScores } from '../src/main/engine/attacks'
import { describeModel, type ModelRegistry } from '../src/main/engine/models'
import type { ModelInspection, ScoreRule } from '../src/shared/contract/models'
import { referencePixels, rowCosines, towerCosines } from './verify-common'

const EMBED_MIN = 0.9999
const SCORE_TOLERANCE = 1e-5

/** reference.json as export_siglip.py writes it (`config` and `parameterCount` only beyond the tiny fixtures). */
export interface SiglipReference {
  family: 'siglip' | 'siglip2'
  config?: string
  parameterCount?: number
  imageSize: number
  logitScale: number
  logitBias: number
  pixels: { mean: number[]; std: number[] }
  scores: number[][]
  images: Array<{ file: string; pixels: string; image_embeds: number[] }>
  captions: Array<{ text: string; input_ids: number[]; text_embeds: number[] }>
}

export function isSiglipReference(json: unknown): json is SiglipReference {
  const family = (json as { family?: unknown } | null)?.family
  return family === 'siglip' || family === 'siglip2'
}

/**
 * Largest |project − PyTorch| over the image × caption scores (the project's embeddings through its score rule), and
 * over their logits ln(s / (1 − s)): random-weight embeddings are near-orthogonal, so scores sit near σ(b) and the
 * logit error (≈ exp(t) · cosine error) is the sharper figure.
 */
function scoreError(images: Float32Array, texts: Float32Array, dim: number, ref: SiglipReference, rule: ScoreRule): { score: number; logit: number } {
  const unit = (flat: Float32Array, i: number): number[] => {
    const row = Array.from(flat.subarray(i * dim, (i + 1) * dim))
    const n = Math.hypot(...row)
    return row.map((x) => x / n)
  }
  const logit = (p: number): number => Math.log(p / (1 - p))
  const textUnits = ref.captions.map((_, j) => unit(texts, j))
  const worst = { score: 0, logit: 0 }
  ref.images.forEach((_, i) => {
    const u = unit(images, i)
    const cos = Float64Array.from(textUnits, (t) => t.reduce((a, x, k) => a + x * u[k], 0))
    pairwiseScores(cos, rule).forEach((s, j) => {
      worst.score = Math.max(worst.score, Math.abs(s - ref.scores[i][j]))
      worst.logit = Math.max(worst.logit, Math.abs(logit(s) - logit(ref.scores[i][j])))
    })
  })
  return worst
}

/** The stored pixels and token ids through one variant: min cosines, score error, timings. */
async function verifyVariant(registry: ModelRegistry, dir: string, variant: string, ref: SiglipReference): Promise<boolean> {
  const t0 = performance.now()
  const model = await registry.open(`${dir}@${variant}`)
  try {
    await model.load()
    const t1 = performance.now()
    const images = await model.embedImages(
      referencePixels(ref, (rel) => fs.readFileSync(path.join(dir, rel))),
      ref.images.length
    )
    const t2 = performance.now()
    const L = ref.captions[0].input_ids.length
    const texts = await model.embedTexts(BigInt64Array.from(ref.captions.flatMap((c) => c.input_ids.map(BigInt))), undefined, ref.captions.length, L)
    const t3 = performance.now()
    const { img, txt } = towerCosines(images, texts, ref)
    const rule = model.description.scoreRule
    const err = rule.kind === 'sigmoid' ? scoreError(images, texts, model.dim!, ref, rule) : { score: Infinity, logit: Infinity }
    // PyTorch's count less the two 0-d scalars logit_scale and logit_bias (the loader counts rank ≥ 1 weights).
    const params = model.description.parameterCount
    const paramsOk = ref.parameterCount === undefined || params === ref.parameterCount - 2
    const ok = img >= EMBED_MIN && txt >= EMBED_MIN && err.score <= SCORE_TOLERANCE && paramsOk
    console.log(
      `  ${variant.padEnd(10)} ${ok ? 'ok  ' : 'FAIL'} image cos ${img.toFixed(7)}  text cos ${txt.toFixed(7)}  max |Δ sigmoid| ${err.score.toExponential(1)}, |Δ logit| ${err.logit.toExponential(1)} (${rule.kind === 'sigmoid' ? rule.source : 'no t, b found'})  ` +
        `params ${params}${ref.parameterCount === undefined ? '' : paramsOk ? ' (= PyTorch − 2 scalars)' : ` (PyTorch ${ref.parameterCount}!)`}  ` +
        `load ${((t1 - t0) / 1000).toFixed(1)} s, ${((t2 - t1) / ref.images.length).toFixed(0)} ms/image, ${((t3 - t2) / ref.captions.length).toFixed(0)} ms/caption`
    )
    return ok
  } catch (err) {
    console.log(`  ${variant.padEnd(10)} ERROR ${(err as Error).message}`)
    return false
  } finally {
    await model.dispose()
  }
}

/** Run the `mia` CLI from the source checkout (bin/mia.cjs) with its own workspace; the parsed --json output. */
function mia(repo: string, workspace: string, args: string[]): unknown {
  const r = spawnSync(process.execPath, [path.join(repo, 'bin/mia.cjs'), '--workspace', workspace, ...args], { encoding: 'utf8', maxBuffer: 256 << 20 })
  if (r.status !== 0) throw new Error(`mia ${args.join(' ')} exited ${r.status}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`)
  return JSON.parse(r.stdout) as unknown
}

const csvField = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

/** A manifest dataset pairing reference image i with caption i (the images copied beside it). */
function referenceDataset(dir: string, ref: SiglipReference, root: string): { dir: string; n: number } {
  const n = Math.min(ref.images.length, ref.captions.length)
  const out = path.join(root, 'dataset')
  fs.mkdirSync(path.join(out, 'images'), { recursive: true })
  const rows = ['id,image,caption']
  for (let i = 0; i < n; i++) {
    const rel = `images/${path.basename(ref.images[i].file)}`
    fs.copyFileSync(path.join(dir, ref.images[i].file), path.join(out, rel))
    rows.push([`item-${i}`, rel, csvField(ref.captions[i].text)].join(','))
  }
  fs.writeFileSync(path.join(out, 'manifest.csv'), rows.join('\n') + '\n')
  return { dir: out, n }
}

/** `mia models inspect` and `mia embed` on the folder: no problem, and the embedded items equal PyTorch's. */
function verifyCli(repo: string, dir: string, ref: SiglipReference): boolean {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-verify-siglip-'))
  try {
    const workspace = path.join(root, 'workspace')
    const t0 = performance.now()
    const m = mia(repo, workspace, ['models', 'inspect', dir, '--json']) as ModelInspection
    const problems = (m.problems ?? []).map((p) => p.message)
    const inspectOk = m.format === ref.family && problems.length === 0
    console.log(
      `  mia models inspect ${inspectOk ? 'ok  ' : 'FAIL'} ${m.format} · variants ${m.variants?.join(', ')} · dim ${m.embeddingDim ?? 'symbolic'} · ${m.imageSize} px · context ${m.contextLength} · ${m.parameterCount} parameters${problems.length ? ` · problems: ${problems.join(' / ')}` : ''} (${((performance.now() - t0) / 1000).toFixed(1)} s)`
    )
    const data = referenceDataset(dir, ref, root)
    const lines = path.join(root, 'embeddings.jsonl')
    const t1 = performance.now()
    mia(repo, workspace, ['embed', '--model', dir, '--dataset', data.dir, '--out', lines, '--json'])
    const rows = new Map(
      fs
        .readFileSync(lines, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; image_embeds: number[]; text_embeds: number[] })
        .map((r) => [r.id, r])
    )
    const items = Array.from({ length: data.n }, (_, i) => rows.get(`item-${i}`))
    if (items.some((r) => r === undefined)) throw new Error(`mia embed wrote ${rows.size} of ${data.n} items`)
    const img = Math.min(
      ...rowCosines(
        items.flatMap((r) => r!.image_embeds),
        ref.images.slice(0, data.n).map((i) => i.image_embeds)
      )
    )
    const txt = Math.min(
      ...rowCosines(
        items.flatMap((r) => r!.text_embeds),
        ref.captions.slice(0, data.n).map((c) => c.text_embeds)
      )
    )
    const embedOk = img >= EMBED_MIN && txt >= EMBED_MIN
    console.log(
      `  mia embed          ${embedOk ? 'ok  ' : 'FAIL'} ${data.n} items from the image files and captions: image cos ${img.toFixed(7)}  text cos ${txt.toFixed(7)} (${((performance.now() - t1) / 1000).toFixed(1)} s)`
    )
    return inspectOk && embedOk
  } catch (err) {
    console.log(`  mia CLI            ERROR ${(err as Error).message}`)
    return false
  } finally {
    fs.rmSync(root, { recursive: true, force: true })
  }
}

/** Every check above on one folder; prints one line each and returns whether all passed. */
export async function verifySiglip(registry: ModelRegistry, dir: string, ref: SiglipReference, repo: string): Promise<boolean> {
  const t0 = performance.now()
  console.log(`${path.relative(repo, dir)}: ${ref.family} ${ref.config ?? 'tiny'}, ${ref.imageSize} px, PyTorch t = ${ref.logitScale.toFixed(4)}, b = ${ref.logitBias.toFixed(4)}`)
  let ok = verifyCli(repo, dir, ref)
  for (const variant of (await describeModel(dir)).variants) ok = (await verifyVariant(registry, dir, variant, ref)) && ok
  console.log(`  ${((performance.now() - t0) / 1000).toFixed(0)} s in all`)
  return ok
}
