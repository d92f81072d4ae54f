// How WSA's attack model scored the targets, in one wording for the results page (AttackFacts, WsaReport).
export function wsaFitText(report: { crossFitFolds?: unknown; trainedOnEvaluated?: unknown }): string {
  if (typeof report.crossFitFolds === 'number' && report.crossFitFolds > 0) return `cross-fitted over ${report.crossFitFolds} folds`
  if (typeof report.trainedOnEvaluated === 'number' && report.trainedOnEvaluated > 0) return `transductive: ${report.trainedOnEvaluated} training rows evaluated`
  return 'one fit'
}
