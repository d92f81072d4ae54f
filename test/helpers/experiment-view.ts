// Test factory: a realistic ExperimentView from synthetic scores, with metrics from the engine's evaluateScores.
import { ExperimentParamsSchema, ExperimentViewSchema, type Attack, type ExperimentView } from '../../src/shared/contract/experiments'
import { evaluateScores } from '../../src/main/engine/metrics'
import { createRng, seedOf } from '../../src/main/engine/rng'

/** Scores of one synthetic experiment: members ~ N(shift, 1) and non-members ~ N(0, 1), scaled like CSA cosines. */
export interface SyntheticScores {
  ids: string[]
  scores: Float64Array
  labels: Uint8Array
}

/** What the factory varies; everything else is a plausible finished CSA experiment. */
export interface ViewSpec {
  name?: string
  id?: string
  attack?: Attack
  modelName?: string
  datasetName?: string
  members?: number
  nonmembers?: number
  /** Separation of the classes in standard deviations (0 = chance). */
  shift?: number
  seed?: number
  resamples?: number
  bins?: number
}

/** Seeded synthetic scores: ids "item-0000"…, members first. */
export function syntheticScores(members: number, nonmembers: number, shift: number, seed: number): SyntheticScores {
  const rng = createRng(seedOf('experiment-view', seed))
  const n = members + nonmembers
  const scores = new Float64Array(n)
  const labels = new Uint8Array(n)
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    labels[i] = i < members ? 1 : 0
    scores[i] = 0.25 + 0.03 * (rng.normal() + (labels[i] ? shift : 0))
    ids.push(`item-${String(i).padStart(4, '0')}`)
  }
  return { ids, scores, labels }
}

/** Equal-width bins over [min, max] of all scores, counts per class (the shape of HistogramSchema). */
export function binScores(s: SyntheticScores, bins: number): { edges: number[]; members: number[]; nonmembers: number[] } {
  let lo = Infinity
  let hi = -Infinity
  for (const v of s.scores) {
    lo = Math.min(lo, v)
    hi = Math.max(hi, v)
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + ((hi - lo) * i) / bins)
  const members = new Array<number>(bins).fill(0)
  const nonmembers = new Array<number>(bins).fill(0)
  s.scores.forEach((v, i) => {
    const bin = Math.min(Math.floor(((v - lo) / (hi - lo)) * bins), bins - 1)
    if (s.labels[i]) members[bin]++
    else nonmembers[bin]++
  })
  return { edges, members, nonmembers }
}

/** A finished experiment's view, validated against the contract (so Infinity thresholds become null as over any transport). */
export async function makeExperimentView(spec: ViewSpec = {}): Promise<ExperimentView> {
  const members = spec.members ?? 400
  const nonmembers = spec.nonmembers ?? 600
  const seed = spec.seed ?? 1
  const s = syntheticScores(members, nonmembers, spec.shift ?? 1, seed)
  const metrics = await evaluateScores({ scores: s.scores, labels: s.labels }, { resamples: spec.resamples ?? 200, seed, curvePoints: 2000, threads: 1 })
  const params = ExperimentParamsSchema.parse({ seed, evaluation: { resamples: spec.resamples ?? 200 } })
  const order = Array.from(s.scores.keys()).sort((a, b) => s.scores[b] - s.scores[a])
  const exposed = (i: number): ExperimentView['topMembers'][number] => ({
    id: s.ids[i],
    caption: `caption of ${s.ids[i]}`,
    score: s.scores[i],
    membership: s.labels[i] ? 'member' : 'nonmember',
    thumbnail: null
  })
  const view = {
    record: {
      format: 'mia-workbench/experiment@1',
      id: spec.id ?? `exp-${seed}`,
      name: spec.name ?? `CSA on ${spec.modelName ?? 'demo-clip-s'}`,
      tags: [],
      status: 'done',
      createdAt: '2025-01-02T03:04:05.000Z',
      updatedAt: '2025-01-02T03:05:00.000Z',
      spec: {
        name: spec.name,
        model: spec.modelName ?? 'demo-clip-s',
        dataset: spec.datasetName ?? 'emoji-demo',
        attack: spec.attack ?? 'csa',
        params,
        tags: [],
        modelName: spec.modelName ?? 'demo-clip-s',
        modelFingerprint: `sha256:${seedOf('model', spec.modelName ?? 'demo-clip-s')
          .toString(16)
          .padStart(8, '0')}0123456789abcdef`,
        quantized: false,
        datasetName: spec.datasetName ?? 'emoji-demo',
        datasetHash: `sha256:${seedOf('dataset', spec.datasetName ?? 'emoji-demo')
          .toString(16)
          .padStart(8, '0')}fedcba9876543210`,
        appVersion: '0.1.0',
        provider: 'cpu'
      },
      results: {
        metrics,
        blindBaseline: { auc: 0.51, aucCI: { lo: 0.47, hi: 0.55 }, warning: null },
        attackReport: {},
        counts: { targets: members + nonmembers, members, nonmembers, unknown: 0, reference: 0, pool: 0 },
        skipped: [],
        provider: 'cpu',
        fallbackReason: null,
        embeddings: { computed: members + nonmembers, cached: 0 },
        timings: {}
      },
      error: null
    },
    roc: metrics.roc ?? null,
    histogram: binScores(s, spec.bins ?? 30),
    topMembers: order
      .filter((i) => s.labels[i])
      .slice(0, 5)
      .map(exposed),
    falsePositives: order
      .filter((i) => !s.labels[i])
      .slice(0, 5)
      .map(exposed),
    slices: []
  }
  return ExperimentViewSchema.parse(JSON.parse(JSON.stringify(view)))
}
