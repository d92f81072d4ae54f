// metrics.evaluate: any attack's scores through the pinned conventions, so external results compare on equal terms.
import { WorkbenchError } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { OpOutput, OpParsedInput } from '../../../shared/contract/operations'
import { evaluateScores, executionMessage } from '../metrics'
import { metricsData } from '../runner'

/** Evaluate labelled scores (with optional reference non-member scores for the calibrated threshold). */
export async function evaluateOp(input: OpParsedInput<'metrics.evaluate'>, ctx: { signal?: AbortSignal; emit: EventSink }): Promise<OpOutput<'metrics.evaluate'>> {
  if (input.scores.length !== input.labels.length) {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: 'labels',
      message: `${input.scores.length} scores but ${input.labels.length} labels.`,
      hint: 'Give one label (1 member, 0 non-member) per score.'
    })
  }
  const report = await evaluateScores(
    { scores: input.scores, labels: input.labels, referenceScores: input.referenceScores },
    {
      resamples: input.resamples,
      seed: input.seed,
      curvePoints: 2000,
      signal: ctx.signal,
      onExecution: (e) => ctx.emit({ type: 'log', level: 'info', message: executionMessage(input.resamples, e) })
    }
  )
  return metricsData(report)
}
