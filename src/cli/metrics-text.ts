// A metrics report in words: n, AUC, balanced accuracy, advantage, TPR@FPR, the similarity gap and the bootstrap.
import type { MetricsReportData } from '../shared/contract/metrics'
import { formatCI, formatEvidence, formatFprTarget, formatNumber, formatTprAtFpr } from '../shared/format'
import { write } from './output'

/** Human summary of a metrics report (the JSON form is the contract's MetricsReport). */
export function printMetrics(m: MetricsReportData): void {
  write([
    `n: ${m.n.members} members, ${m.n.nonmembers} non-members`,
    `AUC:               ${formatCI(m.auc, m.aucCI)}`,
    `balanced accuracy: ${formatCI(m.balancedAccuracy, m.balancedAccuracyCI)}`,
    `advantage:         ${formatNumber(m.advantage)}`,
    ...Object.entries(m.tprAtFpr).map(([f, e]) => `TPR@${formatFprTarget(Number(f))} FPR:`.padEnd(19) + formatTprAtFpr(e) + (e.counts ? `  (${formatEvidence(e)})` : '')),
    ...(m.calibrated
      ? [`calibrated (α=${m.calibrated.alpha}): TPR ${formatNumber(m.calibrated.tpr)} at FPR ${formatNumber(m.calibrated.fpr)}${m.calibrated.counts ? `  (${formatEvidence(m.calibrated)})` : ''}`]
      : []),
    ...(m.epsilon
      ? [
          `ε lower bound:     ${formatNumber(m.epsilon.lower, 2)} at TPR@${formatFprTarget(Number(m.epsilon.at))} (δ = ${m.epsilon.delta}, ${m.epsilon.confidence * 100}% Clopper–Pearson; threshold chosen on these labels)`
        ]
      : []),
    `similarity gap Δ:  ${formatCI(m.scoreGap.delta, m.scoreGap.ci)}`,
    `bootstrap: ${m.bootstrap.resamples} resamples, seed ${m.bootstrap.seed}, ${m.bootstrap.confidence * 100}% CI`,
    ...(m.warnings ?? []).map((w) => `WARNING: ${w}`)
  ])
}
