// The verdict rules of docs/attacks.md "Audit verdict", one case per rule.
import { describe, expect, it } from 'vitest'
import { auditVerdict, type VerdictInput } from '../../../../src/main/engine/audit'

const two = (pValue: number) => ({ test: 'sliced-wasserstein-1' as const, statistic: 0.1, pValue, permutations: 500, directions: 64, dims: 70, nA: 100, nB: 100, seed: 0 })
const base = (over: Partial<VerdictInput> = {}): VerdictInput => ({
  blind: { auc: 0.51, aucCI: { lo: 0.48, hi: 0.54 } },
  margin: { delta: 0.36, ci: { lo: 0.32, hi: 0.4 }, n: 200 },
  twoSample: { ...two(0.4), features: 'image stats' },
  permutation: { auc: 0.87, tpr: 0.2, fpr: 0.01, aucPValue: 0.001, tprPValue: 0.001, permutations: 999, seed: 0, nullAucMean: 0.5, nullAuc95: 0.53 },
  referencePool: null,
  trainedOnEvaluated: 0,
  ...over
})

describe('auditVerdict', () => {
  it('clean: signal, no shift without the model', () => {
    const v = auditVerdict(base()).verdict
    expect(v.kind).toBe('clean')
    expect(v.sentence).toMatch(/^Membership signal beyond shift: the attack AUC exceeds the blind baseline by \+0\.360 \[0\.320, 0\.400\]/)
    expect(v.flags).toEqual([])
  })
  it('no-signal when the AUC is inside the permutation null, whatever else holds', () => {
    const p = { ...base().permutation, aucPValue: 0.2 }
    expect(auditVerdict(base({ permutation: p })).verdict.kind).toBe('no-signal')
  })
  it('shift-affected when the two-sample test rejects or the blind baseline beats chance', () => {
    expect(auditVerdict(base({ twoSample: { ...two(0.002), features: 'x' } })).verdict.kind).toBe('shift-affected')
    expect(auditVerdict(base({ blind: { auc: 0.61, aucCI: { lo: 0.57, hi: 0.65 } } })).verdict.kind).toBe('shift-affected')
    expect(auditVerdict(base({ blind: { auc: 0.57, aucCI: { lo: 0.52, hi: 0.62 } } })).verdict.kind).toBe('clean')
  })
  it('shift-dominated when there is shift and the attack beats the blind baseline by ≤ 0.05 or not significantly', () => {
    const shifted = { blind: { auc: 0.8, aucCI: { lo: 0.76, hi: 0.84 } } }
    expect(auditVerdict(base({ ...shifted, margin: { delta: 0.04, ci: { lo: 0.01, hi: 0.07 }, n: 200 } })).verdict.kind).toBe('shift-dominated')
    expect(auditVerdict(base({ ...shifted, margin: { delta: 0.08, ci: { lo: -0.01, hi: 0.17 }, n: 200 } })).verdict.kind).toBe('shift-dominated')
    expect(auditVerdict(base({ ...shifted, margin: { delta: 0.08, ci: { lo: 0.03, hi: 0.13 }, n: 200 } })).verdict.kind).toBe('shift-affected')
  })
  it('shift-unchecked without blind baseline and two-sample test', () => {
    expect(auditVerdict(base({ blind: null, margin: null, twoSample: null })).verdict.kind).toBe('shift-unchecked')
  })
  it('flags a shifted reference pool and training rows that were evaluated', () => {
    const v = auditVerdict(base({ referencePool: { ...two(0.002), scores: 'csa', meanShift: 0.6 }, trainedOnEvaluated: 33 })).verdict
    expect(v.kind).toBe('clean')
    expect(v.flags.map((f) => f.code)).toEqual(['reference-shifted', 'trained-on-evaluated'])
    expect(v.flags[0].message).toMatch(/^Reference pool shifted: .*mean shift \+0\.60 σ/)
    expect(v.flags[1].message).toMatch(/^33 evaluated items also trained the attack model/)
  })
})
