// The reference-model calibration's report (docs/attacks.md "Reference-model calibration"), as the engine stores it
// under `attackReport.calibration` and every surface reads it: one shape for the record, the CLI, tables, figures and UI.
import type { CalibrationMode, CalibrationRule } from './experiments'

/** s_target ≈ intercept + slope·s_reference over the guaranteed non-members; sigma is the residual sd (n − 2). */
export interface CalibrationLine {
  intercept: number
  slope: number
  sigma: number
  n: number
}

/** What the calibration did. `requested` and `autoReason` are absent from records made before `auto` existed. */
export interface CalibrationReport {
  referenceModel: string
  referenceFingerprint: string | null
  sameFingerprintAsTarget: boolean
  /** Largest |s_target − s_reference| over targets: 0 means the reference scores exactly like the target. */
  maxAbsDifference: number
  /** The reference model's own attack AUC on the labelled targets (null without both classes). */
  referenceAuc: number | null
  /** The score rule that ran; `line` is the regression fitted on the guaranteed non-members (regression only). */
  mode: CalibrationRule
  /** What the spec asked for, and why `auto` fell back to the difference (null when it did not). */
  requested?: CalibrationMode
  autoReason?: string | null
  line: CalibrationLine | null
  warnings: string[]
}

/** The calibration report of an attack report, or null when the experiment was not calibrated. */
export function calibrationReportOf(attackReport: Record<string, unknown> | null | undefined): CalibrationReport | null {
  const c = attackReport?.calibration as CalibrationReport | undefined
  return c?.referenceModel ? c : null
}
