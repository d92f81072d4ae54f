// How experiments read on a terminal: one record, the list, a comparison, and the `--json` summary of a run.
import { calibrationReportOf } from '../shared/contract/calibration'
import type { ExperimentRecord, ExperimentSummary, ExperimentView } from '../shared/contract/experiments'
import type { PairedComparisonData, TprAtFprEntry } from '../shared/contract/metrics'
import { formatCI, formatCount, formatInterval, formatNumber, formatPValue, formatSigned, formatTprAtFpr, NOT_AVAILABLE } from '../shared/format'
import { labelsOf } from '../shared/experiment-facts'
import { keyParams } from '../shared/experiment-labels'
import { auditText } from './audit-text'
import { printMetrics } from './metrics-text'
import { write } from './output'

/** The `mia run --json` object: stable keys for scripts, the full metrics report under `metrics`. */
export function runSummary(r: ExperimentRecord): Record<string, unknown> {
  return {
    experimentId: r.id,
    name: r.name,
    attack: r.spec.attack,
    model: r.spec.modelName,
    quantized: r.spec.quantized,
    modelFingerprint: r.spec.modelFingerprint,
    dataset: r.spec.datasetName,
    n: { members: r.results?.counts.members ?? 0, nonmembers: r.results?.counts.nonmembers ?? 0 },
    metrics: r.results?.metrics ?? null,
    blindBaseline: r.results?.blindBaseline ? { auc: r.results.blindBaseline.auc, aucCI: r.results.blindBaseline.aucCI, warning: r.results.blindBaseline.warning } : null,
    audit: r.results?.audit ?? null,
    attackReport: r.results?.attackReport ?? {},
    skipped: r.results?.skipped.length ?? 0,
    provider: r.results?.provider ?? null,
    adapter: r.results?.adapter ?? null,
    fallbackReason: r.results?.fallbackReason ?? null,
    embeddings: r.results?.embeddings ?? null
  }
}

const num = (v: unknown, digits = 4): string => (typeof v === 'number' ? formatNumber(v, digits) : NOT_AVAILABLE)

/** WSA's selection facts (attacks.md, WSA steps 1–3): τ, how many pseudo-members, from which pool. */
export function wsaLines(report: Record<string, unknown>): string[] {
  if (report.tau === undefined) return []
  const lines = [
    `WSA threshold:     τ = μ + λσ = ${num(report.tau)} (μ ${num(report.mu)}, σ ${num(report.sigma)}, λ ${num(report.lambda, 2)}) over ${formatCount(report.nReference as number)} reference items`,
    `pseudo-members:    ${formatCount(report.nSelected as number)} of ${formatCount(report.nPool as number)} ${report.poolSource === 'separate' ? 'pool items (separate pool)' : 'targets (transductive pool: labels hidden)'}; ${formatCount(report.nUsedPerClass as number)} per class trained on`
  ]
  if (typeof report.selectionPrecision === 'number') lines.push(`selection precision: ${formatNumber(report.selectionPrecision)} (pool items with known membership)`)
  return lines
}

/** True when the AUC's interval includes 0.5: the attack is not told apart from guessing. */
const atChance = (r: ExperimentRecord): boolean => {
  const m = r.results?.metrics
  return Boolean(m && m.aucCI.lo <= 0.5 && m.aucCI.hi >= 0.5)
}

/** One experiment in words; `shown` holds warnings already printed during the run, so each appears once. */
export function printRecord(r: ExperimentRecord, shown: ReadonlySet<string> = new Set()): void {
  const lines = [`${r.name} (${r.id}) — ${r.status}`]
  if (r.error) lines.push(`error (${r.error.code}): ${r.error.message}`)
  // A run killed mid-way stays "running"; every unfinished one continues from the cache.
  if (r.status !== 'done' && r.spec.attack !== 'imported') lines.push(`not finished: \`mia resume ${r.id.slice(0, 8)}\` continues it; embeddings already computed are reused`)
  if (r.spec.quantized) lines.push('note: quantized model — quantization changes the scores under attack; compare with the float model before drawing conclusions')
  write(lines)
  if (r.results?.metrics) printMetrics(r.results.metrics)
  const out: string[] = []
  if (r.spec.attack === 'wsa') {
    out.push(...wsaLines(r.results?.attackReport ?? {}))
    if (atChance(r))
      out.push(
        'note: WSA is at chance (the AUC interval includes 0.5). Audit the split before reading more into it: the τ and pseudo-member count above, and a blind baseline (`mia run --attack blind --dataset …`), say whether the pool and the member/non-member split let WSA work at all (docs/attacks.md, WSA and Blind baseline).'
      )
  }
  const b = r.results?.blindBaseline
  if (b) out.push(`blind baseline AUC: ${formatCI(b.auc, b.aucCI)}`)
  if (b?.warning && !shown.has(b.warning)) out.push(`WARNING: ${b.warning}`)
  const calibration = calibrationReportOf(r.results?.attackReport)
  if (calibration) {
    const line = calibration.line
    const difference = calibration.mode === 'difference' ? ` (difference s_t − s_ref${calibration.autoReason ? `; auto: ${calibration.autoReason}` : ''})` : ''
    const fit = line ? ` (regression on ${line.n} guaranteed non-members: s_t ≈ ${line.intercept.toFixed(4)} + ${line.slope.toFixed(4)}·s_ref, σ ${line.sigma.toFixed(4)})` : difference
    out.push(`calibrated against reference model ${calibration.referenceModel}${fit}`, ...calibration.warnings.map((w) => `WARNING: ${w}`))
  }
  const audit = r.results?.audit
  if (audit) out.push(auditText(audit).trimEnd())
  if (r.results?.skipped.length) out.push(`${r.results.skipped.length} item(s) skipped (see --json)`)
  write(out)
}

const at1 = (m: ExperimentRecord['results']): TprAtFprEntry | null => Object.values(m?.metrics?.tprAtFpr ?? {}).find((e) => Math.abs(e.target - 0.01) < 1e-12) ?? null

/** The experiments list with a header: id prefix, status, AUC, model, attack, key parameters, name. */
export function printExperimentList(rows: readonly ExperimentSummary[]): void {
  if (rows.length === 0) return write(['No experiments yet. Start one with `mia run --model <name> --dataset <name> --attack csa`.'])
  const table = rows.map((e) => [
    e.id.slice(0, 8),
    e.status,
    e.auc === null ? '—' : e.auc.toFixed(3),
    `${e.modelName ?? '—'}${e.quantized ? ' (quantized)' : ''}`,
    e.attack.toUpperCase(),
    keyParams(e.attack, e.params),
    `${e.name}${e.tags.length ? `  [${e.tags.join(', ')}]` : ''}`
  ])
  const header = ['ID', 'STATUS', 'AUC', 'MODEL', 'ATTACK', 'PARAMETERS', 'NAME']
  const widths = header.map((h, c) => Math.max(h.length, ...table.map((r) => r[c].length)))
  const line = (cells: string[]): string => cells.map((v, c) => (c === cells.length - 1 ? v : v.padEnd(widths[c]))).join('  ')
  write([line(header), ...table.map(line)])
}

/** One Δ line, "Δ A − B (n items): AUC +0.012 [..] p …; TPR@1% FPR …", in the sign convention of every export (A − B). */
export function deltaLine(c: PairedComparisonData, names: ReadonlyMap<string, string>): string {
  const name = (id: string): string => names.get(id) ?? id
  const tpr =
    c.deltaTprAt1.delta === null
      ? `${NOT_AVAILABLE} (not resolvable at these sizes)`
      : `${formatSigned(c.deltaTprAt1.delta)} ${formatInterval(c.deltaTprAt1.ci)} p ${formatPValue(c.deltaTprAt1.pValue)}`
  return `Δ ${name(c.a)} − ${name(c.b)} (${formatCount(c.nItems)} items): AUC ${formatSigned(c.deltaAuc.delta)} ${formatInterval(c.deltaAuc.ci)} p ${formatPValue(c.deltaAuc.pValue)}; TPR@1% FPR ${tpr}`
}

/** A comparison in words: each experiment by name with AUC and TPR@1% FPR (CIs), then the paired Δ lines and notes. */
export function printComparison(views: readonly ExperimentView[], comparisons: readonly PairedComparisonData[], notes: readonly string[]): void {
  // Runs that share a name (e.g. plain and calibrated CSA) are told apart by what differs between them; others keep theirs.
  const shared = new Set(views.map((v) => v.record.name).filter((n, i, all) => all.indexOf(n) !== i))
  const distinct = labelsOf(views.map((v) => v.record))
  const labels = views.map((v, i) => (shared.has(v.record.name) ? distinct[i] : v.record.name))
  const names = new Map(views.map((v, i) => [v.record.id, labels[i]]))
  const width = Math.max(...labels.map((l) => l.length))
  const lines = views.map((v, i) => {
    const m = v.record.results?.metrics
    const audit = v.record.results?.audit
    const verdict = audit ? `  audit ${audit.verdict.kind}${audit.verdict.flags.length ? ` (${audit.verdict.flags.map((f) => f.code).join(', ')})` : ''}` : ''
    return `${labels[i].padEnd(width)}  AUC ${m ? formatCI(m.auc, m.aucCI) : NOT_AVAILABLE}  TPR@1% FPR ${formatTprAtFpr(at1(v.record.results))}${verdict}`
  })
  lines.push(...comparisons.map((c) => deltaLine(c, names)))
  if (comparisons.length)
    lines.push(`(Δ = first − other, paired bootstrap over the common target items, ${formatCount(comparisons[0].resamples)} resamples, seed ${comparisons[0].seed}; 95% CIs in brackets)`)
  write([...lines, ...notes])
}
