// Metrics summary: the calibrated rule is flagged when its realised FPR on the evaluation non-members is far from α.
// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import MetricsSummary from '../../../src/renderer/src/components/charts/MetricsSummary.vue'
import { sampleRecord } from '../fixtures'

const withCalibrated = (fpr: number, nonmembers: number) => {
  const metrics = sampleRecord('x').results!.metrics!
  return {
    ...metrics,
    n: { members: 1000, nonmembers },
    calibrated: { alpha: 0.01, threshold: 0.3, rule: 'score > threshold' as const, fpr, tpr: 0.2, balancedAccuracy: 0.6, nReference: 500, referenceFpr: 0.01 }
  }
}

describe('MetricsSummary', () => {
  it('warns beside the calibrated rule when α 1% realises 7.8% (issue 21), not when it realises 1.2%', () => {
    const far = mount(MetricsSummary, { props: { metrics: withCalibrated(0.078, 1000) } })
    expect(far.get('[data-testid="calibration-warning"]').text()).toContain('Realised FPR 7.8% on the 1000 evaluation non-members, not α = 1.0%')
    const near = mount(MetricsSummary, { props: { metrics: withCalibrated(0.012, 1000) } })
    expect(near.find('[data-testid="calibration-warning"]').exists()).toBe(false)
    // Few non-members: 3% of 50 is within binomial noise of 1%.
    const noisy = mount(MetricsSummary, { props: { metrics: withCalibrated(0.03, 50) } })
    expect(noisy.find('[data-testid="calibration-warning"]').exists()).toBe(false)
  })
})
