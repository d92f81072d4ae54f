// The audit verdict and the attack's facts on the results page (issue 17): sentence, flags, numbers; WSA's λ rule
// and cross-fitting; calibration warnings.
// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import AuditVerdict from '../../../src/renderer/src/components/audit/AuditVerdict.vue'
import AttackFacts from '../../../src/renderer/src/components/audit/AttackFacts.vue'
import type { Audit } from '../../../src/shared/contract/audit'

const audit: Audit = {
  alpha: 0.01,
  verdict: { kind: 'shift-affected', sentence: 'Membership signal with distribution shift: …', flags: [{ code: 'trained-on-evaluated', message: '33 evaluated items also trained the attack model' }] },
  blind: { auc: 0.733, aucCI: { lo: 0.681, hi: 0.777 } },
  margin: { delta: 0.158, ci: { lo: 0.097, hi: 0.216 }, n: 534 },
  twoSample: { test: 'sliced-wasserstein-1', statistic: 0.231, pValue: 0.002, permutations: 500, directions: 64, dims: 70, nA: 354, nB: 180, seed: 0, features: 'image stats' },
  permutation: { auc: 0.89, tpr: 0.17, fpr: 0.01, aucPValue: 1 / 1001, tprPValue: 1 / 1001, permutations: 1000, seed: 0, nullAucMean: 0.5, nullAuc95: 0.545 },
  referencePool: null,
  trainedOnEvaluated: 33
}

describe('AuditVerdict', () => {
  it('shows the kind, the sentence, each flag and the numbers behind them', () => {
    const w = mount(AuditVerdict, { props: { audit } })
    const root = w.get('[data-testid="audit-verdict"]')
    expect(root.attributes('data-kind')).toBe('shift-affected')
    expect(root.text()).toContain('Membership signal with distribution shift')
    expect(w.get('[data-flag="trained-on-evaluated"]').text()).toContain('33 evaluated items')
    expect(root.text()).toContain('0.733 [0.681, 0.777]')
    expect(root.text()).toContain('sliced W1 0.231')
  })
})

describe('AttackFacts', () => {
  it('states WSA’s variant, λ rule and cross-fitting, and calibration warnings', () => {
    const report = {
      variant: 'workbench',
      lambda: 1,
      lambdaRule: 'precision',
      estimatedPrecision: 0.91,
      nSelected: 1466,
      nUsedPerClass: 1080,
      selectionPrecision: 0.899,
      crossFitFolds: 5,
      trainedOnEvaluated: 0,
      model: 'mlp',
      scoreRule: 'softmax',
      ko2023: null
    }
    const text = mount(AttackFacts, { props: { report } }).text()
    expect(text).toContain('WSA workbench: λ 1 (label-free rule, estimated precision 0.910)')
    expect(text).toContain('cross-fitted over 5 folds')
    const cal = mount(AttackFacts, { props: { report: { calibration: { referenceModel: 'demo-clip-s', referenceAuc: 0.887, warnings: ['probably saw the evaluation items'] } } } }).text()
    expect(cal).toContain('Calibrated against reference model demo-clip-s')
    expect(cal).toContain('probably saw the evaluation items')
    const line = { intercept: 0.397, slope: 0.066, sigma: 0.302, n: 1080 }
    const reg = mount(AttackFacts, { props: { report: { calibration: { referenceModel: 'demo-clip-ref', referenceAuc: 0.497, mode: 'regression', line, warnings: [] } } } }).text()
    expect(reg).toContain('regression on 1080 guaranteed non-members')
    expect(reg).toContain('0.066·s_ref')
    const auto = {
      referenceModel: 'demo-clip-ref',
      referenceAuc: 0.5,
      mode: 'difference',
      line: null,
      autoReason: '10 guaranteed non-members are too few to fit the regression (20 needed)',
      warnings: []
    }
    expect(mount(AttackFacts, { props: { report: { calibration: auto } } }).text()).toContain('difference s_t − s_ref (auto: 10 guaranteed non-members are too few')
    expect(
      mount(AttackFacts, { props: { report: { views: 1 } } })
        .find('[data-testid="attack-facts"]')
        .exists()
    ).toBe(false)
  })
})
