// The model's pairwise score (docs/attacks.md "CSA"): cosine for CLIP; for SigLIP sigmoid(exp(t)·cos + b), with the
// trained t = logit_scale and b = logit_bias read from the combined graph's initializers, else from the scalars its
// constant-folded logits apply (logit-affine.ts), else the model card.
import path from 'node:path'
import type { ScoreRule } from '../../../shared/contract/models'
import type { ModelFormat } from './formats'
import { readJsonObject } from './json-file'
import type { VariantFiles } from './layout'
import { LOGIT_OUTPUTS } from './logit-affine'
import type { OnnxFileInfo } from './onnx-info'

/** The value of an initializer named `name` or ending in `.name` (exporters may prefix the module path). */
function scalar(info: OnnxFileInfo, name: string): number | null {
  const key = Object.keys(info.scalars).find((k) => k === name || k.endsWith(`.${name}`))
  return key === undefined ? null : info.scalars[key]
}

function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

interface GraphLogits {
  t: number
  b: number | null
  source: string
}

/** t (and b) of one combined graph: its named initializers, else the multiplier (= exp(t)) and bias of its logits. */
function graphLogits(info: OnnxFileInfo, rel: string): GraphLogits | null {
  const file = rel.split(path.sep).join('/')
  const t = scalar(info, 'logit_scale')
  const b = scalar(info, 'logit_bias')
  if (t !== null && b !== null) return { t, b, source: `${file} initializers logit_scale, logit_bias` }
  const affine = LOGIT_OUTPUTS.map((o) => info.logitAffine[o]).find((a) => a !== undefined && a.multiplier > 0 && Number.isFinite(Math.log(a.multiplier)))
  if (affine) {
    const bias = affine.biasName === null ? '' : ` + ${affine.biasName}`
    return { t: Math.log(affine.multiplier), b: affine.bias, source: `${file} logits = cos · ${affine.multiplierName} (= exp(logit_scale))${bias}, a constant-folded graph` }
  }
  return t === null ? null : { t, b: null, source: `${file} initializer logit_scale` }
}

/** Combined graphs to read t and b from: the variant's own, else the folder's combined graph of the same weights. */
function combinedFiles(variant: VariantFiles, all: VariantFiles[]): string[] {
  if (variant.combined) return [variant.combined]
  const same = all.find((v) => v.layout === 'combined' && v.suffix === variant.suffix)
  return [same, ...all.filter((v) => v.layout === 'combined' && v !== same)].flatMap((v) => (v?.combined ? [v.combined] : []))
}

/**
 * The score rule of a described variant and the file it came from (fingerprinted with the model: the scores depend on
 * it); `read` opens a graph header (cached by the caller). A SigLIP export without t and b anywhere falls back to the
 * cosine, which ranks pairs identically, and says so in `notes`.
 */
export async function scoreRuleOf(
  dir: string,
  format: ModelFormat,
  variant: VariantFiles,
  all: VariantFiles[],
  read: (file: string) => Promise<OnnxFileInfo>,
  notes: string[]
): Promise<{ rule: ScoreRule; file: string | null }> {
  if (format.pairwise !== 'sigmoid') return { rule: { kind: 'cosine' }, file: null }
  for (const rel of combinedFiles(variant, all)) {
    const info = await read(path.join(dir, rel)).catch(() => null)
    const found = info && graphLogits(info, rel)
    if (found && found.b !== null) return { rule: { kind: 'sigmoid', logitScale: found.t, logitBias: found.b, source: found.source }, file: rel }
  }
  // The project's model cards state logit_scale as the multiplier exp(t) (docs/attacks.md "Loss + gradient norm").
  const card = await readJsonObject(path.join(dir, 'model_card.json')).catch(() => null)
  const s = finite(card?.logit_scale)
  const b = finite(card?.logit_bias)
  if (s !== null && s > 0 && b !== null)
    return { rule: { kind: 'sigmoid', logitScale: Math.log(s), logitBias: b, source: 'model_card.json logit_scale (= exp(t)), logit_bias' }, file: 'model_card.json' }
  notes.push(
    'SigLIP\'s logit_scale and logit_bias were not found (no onnx/model.onnx holding them as named initializers or as the scalars of its logits, nor model_card.json fields): CSA reports the cosine, which ranks items the same (docs/attacks.md "CSA").'
  )
  return { rule: { kind: 'cosine' }, file: null }
}

/**
 * CLIP's trained temperature as a multiplier of the cosine (loss-grad's InfoNCE logits, docs/attacks.md "Loss +
 * gradient norm"): exp(t) of a combined graph's `logit_scale` initializer (exporters store the log, as the model
 * does), else SigLIP's rule, else the model card's `logit_scale` (already a multiplier); null when none states it.
 */
export async function trainedLogitScaleOf(
  dir: string,
  variant: VariantFiles,
  all: VariantFiles[],
  read: (file: string) => Promise<OnnxFileInfo>,
  rule: ScoreRule,
  card: Record<string, unknown> | null
): Promise<{ value: number; source: string } | null> {
  for (const rel of combinedFiles(variant, all)) {
    const info = await read(path.join(dir, rel)).catch(() => null)
    const t = info && scalar(info, 'logit_scale')
    if (t !== null && Number.isFinite(Math.exp(t))) return { value: Math.exp(t), source: `exp(${rel.split(path.sep).join('/')} initializer logit_scale)` }
    const found = info && graphLogits(info, rel)
    if (found) return { value: Math.exp(found.t), source: found.source }
  }
  if (rule.kind === 'sigmoid') return { value: Math.exp(rule.logitScale), source: `exp(logit_scale) of the score rule (${rule.source})` }
  const fromCard = finite(card?.logit_scale)
  return fromCard !== null && fromCard > 0 ? { value: fromCard, source: 'model card logit_scale' } : null
}
