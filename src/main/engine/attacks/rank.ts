// Zero-shot rank attack (the general form of identity inference, Hintersdorf et al., IJCAI 2024;
// docs/attacks.md "Zero-shot rank"): where an image's own caption ranks among K candidate captions.
import { throwIfAborted, WorkbenchError } from '../../../shared/contract/errors'
import { createRng, seedOf } from '../rng'

export interface RankInput {
  d: number
  /** Normalised image embeddings of the n scored items (n × d). */
  image: Float32Array
  /** Per template t: normalised embeddings of item i's own caption under template t (n × d each). */
  ownText: Float32Array[]
  /** Per template t: normalised embeddings of the candidate pool (m × d each); row c is candidate c. */
  candidates: Float32Array[]
  m: number
  /** For each item, the candidate row that is its own caption (excluded from its distractors), or −1. */
  ownIndex: Int32Array
  /** Candidates per image including its own caption; distractors are K − 1 seeded draws without replacement. */
  k: number
  seed: number
  signal?: AbortSignal
  /** Called every 256 images with (done, total). */
  onProgress?: (done: number, total: number) => void
}

export interface RankResult {
  /** (K − rank + t)/K with the margin tie-break t ∈ [0, ½): ordered by rank first (higher = member). */
  scores: Float64Array
  /** The rank (1 = best) per item; with several templates, the majority (median) rank over templates. */
  ranks: Float64Array
  report: { k: number; templates: number; candidatePool: number; top1: number }
}

function dot(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s = 0
  for (let k = 0; k < d; k++) s += a[i * d + k] * b[j * d + k]
  return s
}

/** K − 1 distinct candidate rows ≠ own, drawn by a partial Fisher–Yates over [0, m) seeded per item. */
function distractors(m: number, own: number, count: number, seed: number, item: number): number[] {
  const rng = createRng(seedOf('rank-candidates', seed, item))
  const taken = new Map<number, number>()
  const out: number[] = []
  const pool = own >= 0 ? m - 1 : m
  for (let t = 0; t < count; t++) {
    const r = t + Math.floor(rng.next() * (pool - t))
    const pickAt = taken.get(r) ?? r
    taken.set(r, taken.get(t) ?? t)
    // Index space skips `own` by shifting everything at or above it up by one.
    out.push(own >= 0 && pickAt >= own ? pickAt + 1 : pickAt)
  }
  return out
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const h = s.length >> 1
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2
}

/**
 * Per image and template: rank = 1 + #{distractors scoring above the own caption} + ½ #{ties}; the
 * templates vote by the median rank (the majority for an odd number of templates), and the median margin
 * (own similarity − best distractor's) breaks ties between equal ranks.
 */
export function runRank(input: RankInput): RankResult {
  const { d, m, k } = input
  const n = input.ownIndex.length
  const available = input.ownIndex.some((o) => o >= 0) ? m - 1 : m
  if (!(Number.isInteger(k) && k >= 2)) throw new WorkbenchError({ code: 'invalid-input', item: 'rank.k', message: `The rank attack needs K ≥ 2 candidates; got ${k}.`, hint: 'Use e.g. K = 100.' })
  if (k - 1 > available)
    throw new WorkbenchError({
      code: 'invalid-input',
      item: 'rank.k',
      message: `K = ${k} needs ${k - 1} distractor captions, but only ${available} are available.`,
      hint: `Use K ≤ ${available + 1}, or supply a longer candidate list.`
    })
  if (input.ownText.length === 0 || input.ownText.length !== input.candidates.length)
    throw new WorkbenchError({ code: 'invalid-input', item: 'rank.templates', message: 'The rank attack needs the same templates for own captions and candidates (at least one).' })
  const ranks = new Float64Array(n)
  const margins = new Float64Array(n)
  let top1 = 0
  for (let i = 0; i < n; i++) {
    if (i % 256 === 0) {
      throwIfAborted(input.signal)
      if (i > 0) input.onProgress?.(i, n)
    }
    const others = distractors(m, input.ownIndex[i], k - 1, input.seed, i)
    const perTemplate = input.ownText.map((own, t) => {
      const mine = dot(input.image, i, own, i, d)
      let rank = 1
      let best = -Infinity
      for (const c of others) {
        const s = dot(input.image, i, input.candidates[t], c, d)
        rank += s > mine ? 1 : s === mine ? 0.5 : 0
        best = Math.max(best, s)
      }
      return { rank, margin: mine - best }
    })
    ranks[i] = median(perTemplate.map((x) => x.rank))
    margins[i] = median(perTemplate.map((x) => x.margin))
    if (ranks[i] === 1) top1++
  }
  input.onProgress?.(n, n)
  // Many items share rank 1, so the rank alone cannot resolve low FPRs: within a rank, the margin of the own
  // caption over the best distractor (in [−2, 2]) breaks ties, mapped into [0, ½) so it never crosses a half-rank step.
  const scores = ranks.map((r, i) => (k - r + (0.499 * (Math.max(-2, Math.min(2, margins[i])) + 2)) / 4) / k)
  return { scores, ranks, report: { k, templates: input.ownText.length, candidatePool: m, top1: top1 / n } }
}
