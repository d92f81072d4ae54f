// New-experiment form state with the contract's defaults, and its translation into one or two experiment specs.
import { reactive } from 'vue'
import { ExperimentParamsSchema, ExperimentSpecSchema, type Attack, type ExperimentSpecInput } from '../../../shared/contract/experiments'

/** The editable WSA parameters (contract ExperimentParams['wsa']). */
export interface WsaForm {
  variant: 'workbench' | 'ko2023' | 'bench2026'
  /** Empty (undefined, or '' from a cleared number input): the variant's λ or the label-free precision rule. */
  lambda?: number | ''
  targetPrecision: number
  /** Cross-fit a transductive pool; undefined → the variant's default. */
  crossFit?: boolean
  folds: number
  model: 'mlp' | 'logreg'
  pool: 'auto' | 'separate' | 'transductive'
  appendCsa: boolean
  appendAea: boolean
  maxEpochs: number
  patience: number
  learningRate: number
  batchSize: number
}

/** The editable evaluation parameters; FPR targets as text ("0.001, 0.01, 0.05"). */
export interface EvaluationForm {
  resamples: number
  confidence: number
  fprTargets: string
  alpha: number
  blindEnabled: boolean
  blindFolds: number
}

/** Everything the New experiment screen edits. */
export interface ExperimentForm {
  name: string
  model: string
  /** Second model for the "compare models" shortcut: the same spec runs on both. */
  compareModel: string
  dataset: string
  attack: Attack
  seed: number
  bank: string
  aggregation: 'mean' | 'drop'
  wsa: WsaForm
  evaluation: EvaluationForm
  tags: string
}

/** A fresh form holding the defaults the contract (and attacks.md) pins. */
export function defaultForm(): ExperimentForm {
  const d = ExperimentParamsSchema.parse({})
  return {
    name: '',
    model: '',
    compareModel: '',
    dataset: '',
    attack: 'csa',
    seed: d.seed,
    bank: d.aea.bank,
    aggregation: d.aea.aggregation,
    wsa: { ...d.wsa },
    evaluation: {
      resamples: d.evaluation.resamples,
      confidence: d.evaluation.confidence,
      fprTargets: d.evaluation.fprTargets.join(', '),
      alpha: d.evaluation.alpha,
      blindEnabled: d.blind.enabled,
      blindFolds: d.blind.folds
    },
    tags: ''
  }
}

/**
 * Why an embedding-only dataset (its own precomputed vectors, no images) cannot run AEA, or AEA
 * features in WSA; null when the attack is fine.
 */
export function precomputedProblem(form: Pick<ExperimentForm, 'attack' | 'wsa'>): string | null {
  if (form.attack === 'aea') return 'AEA needs the model and the images to embed augmented views; this dataset holds precomputed embeddings only.'
  if (form.attack === 'wsa' && form.wsa.appendAea) return 'WSA with AEA features needs the images; turn "append AEA" off for this embedding-only dataset.'
  return null
}

/**
 * The spec(s) the form describes (two with the compare shortcut), or the first problem found, in
 * words. `precomputed`: the dataset brings its own embeddings, so no model is sent.
 */
export function specsOf(form: ExperimentForm, modelLabel: (ref: string) => string = (r) => r, precomputed = false): { specs: ExperimentSpecInput[] } | { problem: string } {
  const fprTargets = form.evaluation.fprTargets.split(/[\s,;]+/).filter(Boolean).map(Number)
  if (fprTargets.length === 0 || fprTargets.some((f) => !(f > 0 && f < 1))) return { problem: 'FPR targets must be numbers between 0 and 1, e.g. "0.001, 0.01".' }
  if (!form.dataset) return { problem: 'Choose a dataset.' }
  const refused = precomputed ? precomputedProblem(form) : null
  if (refused) return { problem: refused }
  const needsModel = form.attack !== 'blind' && !precomputed
  if (needsModel && !form.model) return { problem: `The ${form.attack.toUpperCase()} attack needs a model.` }
  const models = needsModel ? [form.model, ...(form.compareModel && form.compareModel !== form.model ? [form.compareModel] : [])] : [undefined]
  const tags = form.tags.split(',').map((t) => t.trim()).filter(Boolean)
  const specs: ExperimentSpecInput[] = []
  for (const model of models) {
    const name = form.name.trim() ? (models.length > 1 && model ? `${form.name.trim()} · ${modelLabel(model)}` : form.name.trim()) : undefined
    const spec: ExperimentSpecInput = {
      ...(name ? { name } : {}),
      ...(model ? { model } : {}),
      dataset: form.dataset,
      attack: form.attack,
      params: {
        seed: form.seed,
        aea: { bank: form.bank, aggregation: form.aggregation },
        wsa: { ...form.wsa, lambda: typeof form.wsa.lambda === 'number' ? form.wsa.lambda : undefined },
        evaluation: { resamples: form.evaluation.resamples, confidence: form.evaluation.confidence, fprTargets, alpha: form.evaluation.alpha },
        blind: { enabled: form.evaluation.blindEnabled, folds: form.evaluation.blindFolds }
      },
      tags
    }
    const checked = ExperimentSpecSchema.safeParse(spec)
    if (!checked.success) {
      const issue = checked.error.issues[0]
      return { problem: `${issue.path.join('.') || 'spec'}: ${issue.message}` }
    }
    specs.push(spec)
  }
  return { specs }
}

/** Reactive form state for the New experiment screen. */
export function useExperimentForm(): ExperimentForm {
  return reactive(defaultForm())
}
