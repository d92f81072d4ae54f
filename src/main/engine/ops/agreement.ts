// experiments.agreement and experiments.seeds: per-record flags at an FPR budget, compared across experiments
// (Jaccard, UpSet) or across seeds of one spec (mean ± sd, per-record stability); docs/attacks.md "Agreement and seeds".
import { WorkbenchError } from '../../../shared/contract/errors'
import type { Agreement, SeedSummary } from '../../../shared/contract/evidence'
import type { ExperimentRecord } from '../../../shared/contract/experiments'
import type { MetricsReportData } from '../../../shared/contract/metrics'
import { tprAtFpr, rocCurve } from '../metrics'
import { requireRow, toRecord } from '../runner/record'
import type { Services } from '../services'

/** Flags of one experiment: item id → flagged, with the threshold used (member iff score ≥ threshold). */
interface Flags {
  record: ExperimentRecord
  threshold: number | null
  flagged: Map<string, boolean>
  membership: Map<string, number>
  score: Map<string, number>
  /** Labelled non-member scores, ascending (for an item's rank among them). */
  nonmembers: Float64Array
}

/** Mid-rank of `x` among ascending `sorted`: (below + ties / 2) / n, so scale-free and comparable across attacks. */
export function nonmemberRank(sorted: Float64Array, x: number): number {
  if (sorted.length === 0 || !Number.isFinite(x)) return 0
  const bound = (strict: boolean): number => {
    let lo = 0
    let hi = sorted.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (sorted[mid] < x || (!strict && sorted[mid] === x)) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  const below = bound(true)
  return (below + (bound(false) - below) / 2) / sorted.length
}

/**
 * An experiment flags an item iff its score ≥ the threshold of its TPR@f ROC point (the point the metrics
 * report), recomputed from the stored scores so that any f works, not only the reported budgets.
 */
function flagsOf(s: Services, id: string, fpr: number): Flags {
  const record = toRecord(requireRow(s.store(), id))
  const sc = s.store().scores.get(id)
  const labelled = sc.itemIds.flatMap((_, i) => (sc.labels[i] >= 0 && Number.isFinite(sc.scores[i]) ? [i] : []))
  let threshold: number | null = null
  const both = new Set(labelled.map((i) => sc.labels[i])).size === 2
  if (both) {
    const point = tprAtFpr(rocCurve({ scores: labelled.map((i) => sc.scores[i]), labels: labelled.map((i) => sc.labels[i]) }), fpr)
    threshold = Number.isFinite(point.threshold) ? point.threshold : null
  }
  const flagged = new Map(sc.itemIds.map((itemId, i) => [itemId, threshold !== null && sc.scores[i] >= threshold]))
  const membership = new Map(sc.itemIds.map((itemId, i) => [itemId, sc.labels[i]]))
  const score = new Map(sc.itemIds.map((itemId, i) => [itemId, sc.scores[i]]))
  const nonmembers = Float64Array.from(labelled.filter((i) => sc.labels[i] === 0).map((i) => sc.scores[i])).sort()
  return { record, threshold, flagged, membership, score, nonmembers }
}

/** Item id → caption of the dataset an experiment ran on (for lists a person reads). */
function captionsOf(s: Services, record: ExperimentRecord): Map<string, string> {
  return new Map(
    s
      .store()
      .items.list(record.spec.datasetHash)
      .map((r) => [r.itemId, r.caption ?? ''])
  )
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let inter = 0
  for (const x of a) if (b.has(x)) inter++
  const union = a.size + b.size - inter
  return union === 0 ? 1 : inter / union
}

/** Flag sets of several experiments over the items all of them scored. */
export function agreementOp(s: Services, ids: string[], fpr: number): Agreement {
  const all = ids.map((id) => flagsOf(s, id, fpr))
  const notes: string[] = []
  const datasets = new Set(all.map((f) => f.record.spec.datasetHash))
  if (datasets.size > 1) notes.push('The experiments ran on different datasets (or dataset versions): only the item ids they share are compared.')
  for (const f of all) if (f.threshold === null) notes.push(`${f.record.name}: no threshold at FPR ${fpr} (no labelled members and non-members, or nothing flagged), so it flags nothing.`)
  const universe = [...all[0].flagged.keys()].filter((k) => all.every((f) => f.flagged.has(k)))
  if (universe.length === 0)
    throw new WorkbenchError({ code: 'invalid-input', item: ids.join(','), message: 'These experiments share no scored item.', hint: 'Compare experiments on the same dataset.' })
  const sets = all.map((f) => new Set(universe.filter((k) => f.flagged.get(k))))
  const combos = new Map<string, { sets: number[]; count: number; members: number }>()
  const records: Agreement['records'] = []
  const captions = captionsOf(s, all[0].record)
  for (const k of universe) {
    const flags = sets.map((set) => set.has(k))
    if (!flags.some(Boolean)) continue
    const key = flags.map(Number).join('')
    const entry = combos.get(key) ?? { sets: flags.flatMap((f, i) => (f ? [i] : [])), count: 0, members: 0 }
    entry.count++
    const label = all[0].membership.get(k) ?? -1
    if (label === 1) entry.members++
    combos.set(key, entry)
    const exposure = all.reduce((sum, f) => sum + nonmemberRank(f.nonmembers, f.score.get(k) ?? NaN), 0) / all.length
    records.push({ id: k, caption: captions.get(k) ?? '', membership: label === 1 ? 'member' : label === 0 ? 'nonmember' : 'unknown', flags, exposure })
  }
  const flaggedBy = (r: Agreement['records'][number]): number => r.flags.filter(Boolean).length
  records.sort((x, y) => flaggedBy(y) - flaggedBy(x) || y.exposure - x.exposure || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0))
  return {
    fpr,
    nItems: universe.length,
    experiments: all.map((f, i) => ({ id: f.record.id, name: f.record.name, threshold: f.threshold, flagged: sets[i].size })),
    jaccard: sets.map((a) => sets.map((b) => jaccard(a, b))),
    intersections: [...combos.values()].sort((x, y) => y.count - x.count || x.sets.length - y.sets.length),
    records,
    notes
  }
}

/** Scalar metrics of a report by name (every TPR@f budget, ε, and the calibrated rule when present). */
function scalarMetrics(m: MetricsReportData): Record<string, number | null> {
  const out: Record<string, number | null> = { auc: m.auc, balancedAccuracy: m.balancedAccuracy, advantage: m.advantage, scoreGap: m.scoreGap.delta }
  for (const [f, e] of Object.entries(m.tprAtFpr)) out[`tprAtFpr[${f}]`] = e.tpr
  if (m.epsilon) out.epsilon = m.epsilon.lower
  if (m.calibrated) Object.assign(out, { 'calibrated.tpr': m.calibrated.tpr, 'calibrated.fpr': m.calibrated.fpr })
  return out
}

/** Mean ± sample sd and min–max of every metric over the runs, and how often each record is flagged. */
export function seedsOp(s: Services, ids: string[], fpr: number): SeedSummary {
  const all = ids.map((id) => flagsOf(s, id, fpr))
  const notes: string[] = []
  const strip = (r: ExperimentRecord): string => JSON.stringify({ ...r.spec, name: '', params: { ...r.spec.params, seed: 0 } })
  if (new Set(all.map((f) => strip(f.record))).size > 1) notes.push('The runs differ in more than the seed (attack, model, dataset or parameters): the spread mixes those differences in.')
  const reports = all.map((f) => f.record.results?.metrics ?? null)
  const names = [...new Set(reports.flatMap((m) => (m ? Object.keys(scalarMetrics(m)) : [])))]
  const stats = names.flatMap((metric) => {
    const values = reports.map((m) => (m ? (scalarMetrics(m)[metric] ?? null) : null))
    const xs = values.filter((v): v is number => v !== null && Number.isFinite(v))
    if (xs.length === 0) return []
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    const sd = xs.length > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1)) : 0
    return [{ metric, mean, sd, min: Math.min(...xs), max: Math.max(...xs), values }]
  })
  const universe = [...all[0].flagged.keys()].filter((k) => all.every((f) => f.flagged.has(k)))
  const histogram = new Array<number>(all.length + 1).fill(0)
  const records: SeedSummary['stability']['records'] = []
  const captions = captionsOf(s, all[0].record)
  for (const k of universe) {
    const flagged = all.filter((f) => f.flagged.get(k)).length
    histogram[flagged]++
    const label = all[0].membership.get(k) ?? -1
    if (flagged > 0) records.push({ id: k, membership: label === 1 ? 'member' : label === 0 ? 'nonmember' : 'unknown', flagged, caption: captions.get(k) ?? '' })
  }
  records.sort((a, b) => b.flagged - a.flagged || a.id.localeCompare(b.id))
  return {
    ids,
    seeds: all.map((f) => f.record.spec.params.seed),
    stats,
    stability: { fpr, histogram, flaggedByAll: histogram[all.length], flaggedByAny: universe.length - histogram[0], records },
    notes
  }
}
