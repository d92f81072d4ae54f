// The audit block of `mia run` / `mia experiments show` text output (docs/attacks.md "Audit verdict").
import type { Audit } from '../shared/contract/audit'
import { formatCI, formatNumber, formatPValue, formatSigned, formatInterval } from '../shared/format'

/** Verdict sentence, flags and the numbers behind them, one fact per line. */
export function auditText(a: Audit): string {
  const lines = [`audit verdict: ${a.verdict.kind.toUpperCase()} — ${a.verdict.sentence}`]
  for (const f of a.verdict.flags) lines.push(`  WARNING [${f.code}]: ${f.message}`)
  if (a.blind)
    lines.push(
      `  (a) blind baseline AUC ${formatCI(a.blind.auc, a.blind.aucCI)}${a.margin ? `; attack − blind ${formatSigned(a.margin.delta)} ${formatInterval(a.margin.ci)} over ${a.margin.n} items` : ''}`
    )
  if (a.twoSample)
    lines.push(
      `  (b) members vs non-members, ${a.twoSample.features}: sliced W1 ${formatNumber(a.twoSample.statistic)}, p = ${formatPValue(a.twoSample.pValue)} (${a.twoSample.permutations} permutations)`
    )
  const p = a.permutation
  lines.push(
    `  (c) label-permutation null: AUC p = ${formatPValue(p.aucPValue)}, TPR@${p.fpr * 100}% p = ${formatPValue(p.tprPValue)} (${p.permutations} permutations; null AUC 95th percentile ${formatNumber(p.nullAuc95)})`
  )
  const r = a.referencePool
  if (r) lines.push(`  (d) reference pool vs evaluation non-members (${r.scores} scores): mean shift ${formatSigned(r.meanShift, 2)} σ, p = ${formatPValue(r.pValue)} (n ${r.nA} vs ${r.nB})`)
  if (a.trainedOnEvaluated) lines.push(`  training rows evaluated: ${a.trainedOnEvaluated}`)
  return lines.join('\n') + '\n'
}
