// New-experiment form state with the contract's defaults, its field problems from the contract's schema, and its
// translation into specs: every chosen attack on one model, or on two side by side, queued as one study.
import { inject, reactive, type ComputedRef, type InjectionKey } from 'vue'
import {
  CALIBRATED_ATTACKS,
  ExperimentParamsSchema,
  ExperimentSpecSchema,
  type Attack,
  type CalibrationMode,
  type ExperimentParams,
  type ExperimentRecord,
  type ExperimentSpecInput
} from '../../../shared/contract/experiments'
import { SeedListSchema } from '../../../shared/contract/evidence'
import type { ProviderChoice } from '../../../shared/contract/models'

/**
 * The editable WSA parameters: the contract's (a new WSA option appears here by itself), except that λ may be
 * '' — a cleared number input — which, like undefined, means the variant's λ or the label-free precision rule.
 */
export type WsaForm = Omit<ExperimentParams['wsa'], 'lambda'> & { lambda?: number | '' }

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
  /** Second model for the "compare models" shortcut: the same specs run on both. */
  compareModel: string
  dataset: string
  /** One or more attacks, queued as one study over the same model(s) and dataset. */
  attacks: Attack[]
  seed: number
  /** Several seeds as the CLI's `--seeds` takes them ("0-4", "0,3,7"): one experiment per seed; empty = `seed` alone. */
  seeds: string
  /** Execution provider the runs ask for (issue 19), recorded in each spec. */
  provider: ProviderChoice
  bank: string
  aggregation: 'mean' | 'drop'
  wsa: WsaForm
  /** Reference-model calibration of CSA and AEA ('' = none); the other attacks run uncalibrated. */
  calibration: { referenceModel: string; mode: CalibrationMode }
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
    attacks: ['csa'],
    seed: d.seed,
    seeds: '',
    provider: 'auto',
    bank: d.aea.bank,
    aggregation: d.aea.aggregation,
    wsa: { ...d.wsa },
    calibration: { referenceModel: '', mode: d.calibration.mode },
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

/** The form of an existing experiment ("edit and run again"): its model, dataset, attack and every parameter. */
export function formFromRecord(record: ExperimentRecord): ExperimentForm {
  const p = record.spec.params
  return {
    ...defaultForm(),
    model: record.spec.model ?? '',
    dataset: record.spec.dataset,
    attacks: [record.spec.attack],
    seed: p.seed,
    provider: record.spec.provider ?? 'auto',
    bank: p.aea.bank,
    aggregation: p.aea.aggregation,
    wsa: { ...p.wsa },
    calibration: { referenceModel: p.calibration.referenceModel ?? '', mode: p.calibration.mode },
    evaluation: {
      resamples: p.evaluation.resamples,
      confidence: p.evaluation.confidence,
      fprTargets: p.evaluation.fprTargets.join(', '),
      alpha: p.evaluation.alpha,
      blindEnabled: p.blind.enabled,
      blindFolds: p.blind.folds
    },
    tags: record.tags.join(', ')
  }
}

/**
 * Why an embedding-only dataset (its own precomputed vectors, no images) cannot run AEA, or AEA
 * features in WSA; null when the attack is fine.
 */
export function precomputedProblem(form: { attack: Attack; wsa: Pick<WsaForm, 'appendAea'> }): string | null {
  if (form.attack === 'aea') return 'AEA needs the model and the images to embed augmented views; this dataset holds precomputed embeddings only.'
  if (form.attack === 'wsa' && form.wsa.appendAea) return 'WSA with AEA features needs the images; turn "append AEA" off for this embedding-only dataset.'
  return null
}

/** The FPR targets typed as text; NaN for what is not a number (the schema then names it). */
const parseTargets = (text: string): number[] =>
  text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map(Number)

/** The spec params the form describes for one attack (not yet validated); calibration only where it applies. */
export function paramsOf(form: ExperimentForm, attack?: Attack): ExperimentSpecInput['params'] {
  const calibrated = form.calibration.referenceModel !== '' && attack !== undefined && CALIBRATED_ATTACKS.includes(attack)
  return {
    ...(calibrated ? { calibration: { referenceModel: form.calibration.referenceModel, mode: form.calibration.mode } } : {}),
    seed: form.seed,
    aea: { bank: form.bank, aggregation: form.aggregation },
    wsa: { ...form.wsa, lambda: typeof form.wsa.lambda === 'number' ? form.wsa.lambda : undefined },
    evaluation: { resamples: form.evaluation.resamples, confidence: form.evaluation.confidence, fprTargets: parseTargets(form.evaluation.fprTargets), alpha: form.evaluation.alpha },
    blind: { enabled: form.evaluation.blindEnabled, folds: form.evaluation.blindFolds }
  }
}

/** Form field of a spec path ("params.wsa.lambda" → "wsa.lambda"), so a schema message lands beside its input. */
function fieldOf(path: ReadonlyArray<PropertyKey>): string {
  const [head, group, key] = path.map(String)
  if (head !== 'params') return head ?? 'spec'
  if (group === 'blind') return key === 'enabled' ? 'evaluation.blindEnabled' : 'evaluation.blindFolds'
  if (group === 'aea') return key ?? 'bank'
  if (group === 'seed' || key === undefined) return group
  return `${group}.${key}`
}

/**
 * Problems of the parameters, by form field, from the contract's own schema: the form refuses exactly what the
 * CLI and the engine refuse (issue 21: λ = −5, resamples = 0). Empty when they are valid.
 */
export function fieldErrors(form: ExperimentForm): Record<string, string> {
  const out: Record<string, string> = {}
  const checked = ExperimentParamsSchema.safeParse(paramsOf(form))
  if (!checked.success) for (const issue of checked.error.issues) out[fieldOf(['params', ...issue.path])] ??= issue.message
  if (form.evaluation.fprTargets.trim() === '') out['evaluation.fprTargets'] ??= 'give at least one FPR target, e.g. "0.001, 0.01"'
  if (form.seeds.trim()) {
    const seeds = SeedListSchema.safeParse(form.seeds)
    if (!seeds.success) out.seeds = seeds.error.issues[0].message
  }
  return out
}

/** The seeds the form runs: each of the Seeds field's, or the single seed (the field is checked by fieldErrors). */
export function seedsOf(form: Pick<ExperimentForm, 'seed' | 'seeds'>): number[] {
  return form.seeds.trim() ? SeedListSchema.parse(form.seeds) : [form.seed]
}

/** A field problem as a sentence: capitalised (λ stays λ) and ending with a full stop. */
const sentence = (text: string): string => `${/^[a-z]/.test(text) ? text[0].toUpperCase() + text.slice(1) : text}${/[.!?]$/.test(text) ? '' : '.'}`

/**
 * The specs the form describes — every chosen attack on the model (and the compare model) — or the first problem
 * found, in words, with the form field it belongs to. `precomputed`: the dataset brings its own embeddings.
 */
export function specsOf(form: ExperimentForm, modelLabel: (ref: string) => string = (r) => r, precomputed = false): { specs: ExperimentSpecInput[] } | { problem: string; field?: string } {
  const fields = fieldErrors(form)
  const first = Object.entries(fields)[0]
  if (first) return { problem: sentence(first[1]), field: first[0] }
  if (!form.dataset) return { problem: 'Choose a dataset.', field: 'dataset' }
  if (form.attacks.length === 0) return { problem: 'Choose at least one attack.', field: 'attacks' }
  const specs: ExperimentSpecInput[] = []
  const tags = form.tags
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean)
  const seeds = seedsOf(form)
  // Runs over several seeds carry the list as a tag (as `mia run --seeds` does), so they can be found together.
  if (seeds.length > 1) tags.push(`seeds:${form.seeds.replace(/\s+/g, '')}`)
  for (const attack of form.attacks) {
    const refused = precomputed ? precomputedProblem({ attack, wsa: form.wsa }) : null
    if (refused) return { problem: refused, field: 'attacks' }
    const needsModel = attack !== 'blind' && !precomputed
    if (needsModel && !form.model) return { problem: `The ${attack.toUpperCase()} attack needs a model.`, field: 'model' }
    const models = needsModel ? [form.model, ...(form.compareModel && form.compareModel !== form.model ? [form.compareModel] : [])] : [undefined]
    for (const model of models) {
      for (const seed of seeds) {
        const parts = [form.name.trim(), form.attacks.length > 1 ? attack.toUpperCase() : '', models.length > 1 && model ? modelLabel(model) : '', seeds.length > 1 ? `seed ${seed}` : '']
        const name = form.name.trim() ? parts.filter(Boolean).join(' · ') : undefined
        const spec: ExperimentSpecInput = {
          ...(name ? { name } : {}),
          ...(model ? { model } : {}),
          dataset: form.dataset,
          attack,
          params: { ...paramsOf(form, needsModel ? attack : undefined), seed },
          tags,
          provider: form.provider
        }
        const problem = specProblem(spec)
        if (problem) return problem
        specs.push(spec)
      }
    }
  }
  return { specs }
}

/** What the contract's spec schema refuses in `spec`, in words, with its form field; null when it is valid. */
function specProblem(spec: ExperimentSpecInput): { problem: string; field: string } | null {
  const checked = ExperimentSpecSchema.safeParse(spec)
  if (checked.success) return null
  const issue = checked.error.issues[0]
  return { problem: sentence(issue.message), field: fieldOf(issue.path) }
}

/** Reactive form state for the New experiment screen. */
export function useExperimentForm(): ExperimentForm {
  return reactive(defaultForm())
}

/** Where the New experiment screen provides its field problems to the option fieldsets. */
export const FIELD_ERRORS: InjectionKey<ComputedRef<Record<string, string>>> = Symbol('fieldErrors')

/** The field problems provided by the form (none outside it). */
export function useFieldErrors(): ComputedRef<Record<string, string>> | null {
  return inject(FIELD_ERRORS, null)
}
