// Short names of experiments: the parameters that define an attack, and labels made of only what differs between rows.
import type { Attack, ExperimentParams } from './contract/experiments'
import { factsText, paramFacts } from './experiment-facts'

/** What labels are made of. */
export interface LabelSource {
  name: string
  modelName: string | null
  datasetName: string
  attack: Attack
  params: ExperimentParams
}

/** The parameters that set an experiment apart, e.g. "λ 1.5, attack model mlp, pool auto, seed 0" for WSA (experiment-facts.ts). */
export function keyParams(attack: Attack, p: ExperimentParams): string {
  return factsText(paramFacts({ attack, params: p }).filter((f) => f.key !== 'resamples'))
}

/**
 * One label per experiment from only the facts that differ between them — model, dataset, attack, parameters —
 * joined by " · " (e.g. "ViT-B/32 · AEA drop seed 0" vs "ViT-L/14 · AEA drop seed 0" becomes "ViT-B/32" vs "ViT-L/14").
 * Where nothing differs, or labels would collide, the experiment names are kept.
 */
export function shortLabels(rows: readonly LabelSource[]): string[] {
  const facts = rows.map((r) => [r.modelName ?? 'no model', r.datasetName, r.attack.toUpperCase(), keyParams(r.attack, r.params)])
  const differing = [0, 1, 2, 3].filter((k) => new Set(facts.map((f) => f[k])).size > 1)
  if (differing.length === 0) return rows.map((r) => r.name)
  const labels = facts.map((f) => differing.map((k) => f[k]).join(' · '))
  return new Set(labels).size === labels.length ? labels : rows.map((r) => r.name)
}
