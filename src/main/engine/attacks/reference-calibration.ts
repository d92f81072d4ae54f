// The two score rules of reference-model calibration (docs/attacks.md "Reference-model calibration"). `difference`
// is Watson et al. 2022's s_t − s_ref. `regression` is the one-reference, LiRA-offline-style rule: the target's
// score of a non-member is modelled as Gaussian with a per-item mean a + b·s_ref(x) and one shared σ, fitted on
// the guaranteed non-members (role reference) only, and an item scores its standardised residual. With b = 1 it
// ranks like `difference`; b absorbs the two models' different score scales. No evaluation label enters the fit.
import { WorkbenchError } from '../../../shared/contract/errors'
import type { CalibrationMode, CalibrationRule } from '../../../shared/contract/experiments'

/** Fewer guaranteed non-members than this cannot fit a line and a spread worth trusting. */
export const REGRESSION_MIN_POOL = 20

/** s_t ≈ intercept + slope·s_ref on the pool; sigma is the residual standard deviation (n − 2 degrees of freedom). */
export interface ReferenceLine {
  intercept: number
  slope: number
  sigma: number
  n: number
}

/** Least-squares line of the target's scores on the reference model's scores over the guaranteed non-members. */
export function fitReferenceLine(poolTarget: ArrayLike<number>, poolReference: ArrayLike<number>): ReferenceLine {
  const n = poolTarget.length
  if (n < REGRESSION_MIN_POOL || poolReference.length !== n) {
    throw new WorkbenchError({
      code: 'unsupported',
      item: 'calibration',
      message: `Regression calibration fits on the guaranteed non-members (role reference): it needs at least ${REGRESSION_MIN_POOL}, and this run has ${n}.`,
      hint: 'Add reference items to the dataset, or use --calibration difference.'
    })
  }
  let mx = 0
  let my = 0
  for (let i = 0; i < n; i++) {
    mx += poolReference[i]
    my += poolTarget[i]
  }
  mx /= n
  my /= n
  let sxx = 0
  let sxy = 0
  for (let i = 0; i < n; i++) {
    const dx = poolReference[i] - mx
    sxx += dx * dx
    sxy += dx * (poolTarget[i] - my)
  }
  // A reference that scores every pool item alike carries no per-item information: fall back to the mean.
  const slope = sxx > 0 ? sxy / sxx : 0
  const intercept = my - slope * mx
  let rss = 0
  for (let i = 0; i < n; i++) rss += (poolTarget[i] - intercept - slope * poolReference[i]) ** 2
  const sigma = Math.sqrt(rss / (n - 2))
  if (!(sigma > 0)) {
    throw new WorkbenchError({
      code: 'unsupported',
      item: 'calibration',
      message: 'Regression calibration: the reference model predicts the target exactly on every guaranteed non-member (zero residual spread).',
      hint: 'The reference is probably the target or a copy of it; choose a model trained on other data, or use --calibration difference.'
    })
  }
  return { intercept, slope, sigma, n }
}

/** The rule a mode stands for: `auto` is regression where the pool can fit it, else difference. */
export function calibrationRule(mode: CalibrationMode, poolSize: number): CalibrationRule {
  if (mode !== 'auto') return mode
  return poolSize >= REGRESSION_MIN_POOL ? 'regression' : 'difference'
}

/** Calibrated scores of one rule; `line` only for `regression`. */
export function calibratedScores(mode: CalibrationRule, target: ArrayLike<number>, reference: ArrayLike<number>, line: ReferenceLine | null): Float64Array {
  if (mode === 'difference') return Float64Array.from(target, (v, i) => v - reference[i])
  const { intercept, slope, sigma } = line!
  return Float64Array.from(target, (v, i) => (v - intercept - slope * reference[i]) / sigma)
}
