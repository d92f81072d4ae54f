// The parameters that decide an experiment's scores, as short facts for every screen, legend and automatic name
// (issue 21: two WSA runs with different λ must never look the same). Pure; used by the renderer, charts and engine.
import { usesAugmentedViews, type Attack } from './contract/experiments'
import { formatCount } from './format'

/** The part of a spec the facts read (a stored ResolvedSpec or a parsed ExperimentSpec). */
export interface SpecLike {
  attack: Attack
  params: {
    seed: number
    aea: { bank: string; aggregation: string }
    wsa: { variant?: string; lambda?: number; targetPrecision?: number; model: string; pool: string; appendCsa: boolean; appendAea: boolean }
    qmia?: { base: 'csa' | 'aea'; alpha: number }
    lossGrad?: { batchSize: number }
    rank?: { k: number }
    calibration?: { referenceModel?: string; mode?: string }
    evaluation: { resamples: number; alpha: number }
  }
}

/** One parameter: a stable key, a short label and its value as text. */
export interface ParamFact {
  key: string
  label: string
  value: string
}

/** The bank as people name it: "default" or its canonical text (shortened). */
export function bankLabel(bank: string): string {
  const text = bank.trim().replace(/\s+/g, ' ')
  if (!text || text.toLowerCase() === 'default') return 'default (K = 10)'
  return text.length > 40 ? `${text.slice(0, 39)}…` : text
}

/** The facts of one spec that matter for its attack, in a fixed order. */
export function paramFacts(spec: SpecLike): ParamFact[] {
  const p = spec.params
  const out: ParamFact[] = []
  if (spec.attack === 'wsa') {
    if (p.wsa.variant && p.wsa.variant !== 'workbench') out.push({ key: 'variant', label: 'variant', value: p.wsa.variant })
    // No λ: the variant's own, or the workbench's label-free precision rule (docs/attacks.md "WSA").
    out.push({ key: 'lambda', label: 'λ', value: p.wsa.lambda === undefined ? `rule (precision ${p.wsa.targetPrecision ?? 0.9})` : String(p.wsa.lambda) })
    out.push({ key: 'wsaModel', label: 'attack model', value: p.wsa.model })
    out.push({ key: 'pool', label: 'pool', value: p.wsa.pool })
    const features = ['CSA', ...(p.wsa.appendCsa ? ['+CSA'] : []), ...(p.wsa.appendAea ? ['+AEA'] : [])]
    if (features.length > 1) out.push({ key: 'features', label: 'features', value: features.join('') })
  }
  if (spec.attack === 'qmia' && p.qmia) out.push({ key: 'qmia', label: 'QMIA', value: `${p.qmia.base} α ${p.qmia.alpha}` })
  if (spec.attack === 'loss-grad' && p.lossGrad) out.push({ key: 'batch', label: 'B', value: String(p.lossGrad.batchSize) })
  if (spec.attack === 'rank' && p.rank) out.push({ key: 'k', label: 'K', value: String(p.rank.k) })
  if (p.calibration?.referenceModel)
    out.push({ key: 'reference', label: 'reference', value: `${p.calibration.referenceModel}${p.calibration.mode && p.calibration.mode !== 'auto' ? ` (${p.calibration.mode})` : ''}` })
  if (usesAugmentedViews(spec.attack, p)) out.push({ key: 'bank', label: 'bank', value: bankLabel(p.aea.bank) })
  if (spec.attack === 'aea') out.push({ key: 'aggregation', label: 'aggregation', value: p.aea.aggregation })
  out.push({ key: 'seed', label: 'seed', value: String(p.seed) })
  out.push({ key: 'resamples', label: 'resamples', value: formatCount(p.evaluation.resamples) })
  return out
}

/** For each spec, the facts whose values differ among `specs` (what tells them apart); empty when one spec. */
export function distinguishingFacts(specs: readonly SpecLike[]): ParamFact[][] {
  const all = specs.map(paramFacts)
  const differs = (key: string): boolean => new Set(all.map((facts) => facts.find((f) => f.key === key)?.value ?? '—')).size > 1
  return all.map((facts) => facts.filter((f) => differs(f.key)))
}

/** "λ 2, seed 1": facts as a short phrase. */
export function factsText(facts: readonly ParamFact[]): string {
  return facts.map((f) => `${f.label} ${f.value}`).join(', ')
}

/** Display names of several experiments: each name, plus in brackets what sets its parameters apart from the others. */
export function labelsOf(items: ReadonlyArray<{ name: string; spec: SpecLike }>): string[] {
  const facts = distinguishingFacts(items.map((i) => i.spec))
  return items.map((item, i) => {
    const extra = facts[i].filter((f) => !item.name.includes(`${f.label} ${f.value}`))
    return extra.length ? `${item.name} (${factsText(extra)})` : item.name
  })
}

/**
 * The automatic name of an experiment: attack, model, dataset, the parameters that usually vary and, when a run used
 * another execution provider than the CPU, that provider (GPU kernels round differently, so the scores may differ).
 */
export function automaticName(spec: SpecLike, model: string | null, dataset: string, provider?: string | null): string {
  const facts = paramFacts(spec).filter((f) => ['lambda', 'bank', 'aggregation', 'reference'].includes(f.key) || (f.key === 'seed' && f.value !== '0'))
  const ran = provider && provider !== 'cpu' ? [`provider ${provider}`] : []
  return [spec.attack.toUpperCase(), model, dataset, ...facts.map((f) => `${f.label} ${f.value}`), ...ran].filter(Boolean).join(' · ')
}

/**
 * The name an experiment takes once a run knows its provider: its automatic name with that provider, or null when the
 * name stays (the user named it, or it already says so). A resumed run on the CPU drops an earlier run's provider.
 */
export function nameAfterRun(current: string, spec: SpecLike & { modelName: string | null; datasetName: string }, provider: string | null): string | null {
  const base = automaticName(spec, spec.modelName, spec.datasetName)
  if (current !== base && !current.startsWith(`${base} · provider `)) return null
  const next = automaticName(spec, spec.modelName, spec.datasetName, provider)
  return next === current ? null : next
}
