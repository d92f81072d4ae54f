// A metrics report in words: n, AUC, balanced accuracy, advantage, TPR@FPR, the similarity gap and the bootstrap.
import type { MetricsReportData } from '../shared/contract/metrics'
import { formatCI, formatFprTarget, formatNumber, formatTprAtFpr } from '../shared/format'
import { write } from './output'

/** Human summary of a metrics report (the JSON form is the contract's MetricsReport). */
export function printMetrics(m: MetricsReportData): void {
  write([
    `n: ${m.n.members} members, ${m.n.nonmembers} non-members`,
    `AUC:               ${formatCI(m.auc, m.aucCI)}`,
    `balanced accuracy: ${formatCI(m.balancedAccuracy, m.balancedAccuracyCI)}`,
    `advantage:         ${formatNumber(m.advantage)}`,
    ...Object.entries(m.tprAtFpr).map(([f, e]) => `TPR@${formatFprTarget(Number(f))} FPR:`.padEnd(19) + formatTprAtFpr(e)),
    ...(m.calibrated ? [`calibrated (α=${m.calibrated.alpha}): TPR ${formatNumber(m.calibrated.tpr)} at FPR ${formatNumber(m.calibrated.fpr)}`] : []),
    `similarity gap Δ:  ${formatCI(m.scoreGap.delta, m.scoreGap.ci)}`,
    `bootstrap: ${m.bootstrap.resamples} resamples, seed ${m.bootstrap.seed}, ${m.bootstrap.confidence * 100}% CI`
  ])
}
