// Threshold panel: histogram fallback, ties and typed inputs (issue 21). test/shared/threshold.test.ts checks the
// item-level points against a brute-force count and against the engine's metrics.
// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { pointsFromHistogram, pointsFromScores, ratesAt } from '../../../src/shared/threshold'
import ThresholdPanel from '../../../src/renderer/src/components/charts/ThresholdPanel.vue'

describe('item-level threshold', () => {
  it('the histogram fallback steps by bins', () => {
    const h = { edges: [0, 0.25, 0.5, 0.75, 1], members: [0, 1, 1, 2], nonmembers: [2, 1, 1, 0] }
    const p = pointsFromHistogram(h)
    expect(p.exact).toBe(false)
    expect(p.thresholds).toEqual([Infinity, 0.75, 0.5, 0.25, 0])
    expect(ratesAt(p, 2)).toMatchObject({ threshold: 0.5, tpr: 0.75, fpr: 0.25, truePositives: 3, falsePositives: 1 })
  })

  it('the panel shows the rule, the ties and the rates, and turns typed τ and FPR into events', async () => {
    const p = pointsFromScores({ members: [0.9, 0.8, 0.8], nonmembers: [0.8, 0.1] })
    const wrapper = mount(ThresholdPanel, { props: { index: 2, max: 3, rates: ratesAt(p, 2), exact: true, nonmembers: 2 } })
    expect(wrapper.get('[data-testid="threshold-value"]').text()).toBe('0.8000')
    expect(wrapper.get('[data-testid="threshold-ties"]').text()).toContain('3 items share this score')
    expect(wrapper.get('[data-testid="rate-tpr"]').text()).toBe('1.000')
    expect(wrapper.get('[data-testid="rate-fpr"]').text()).toBe('0.500')
    await wrapper.get('[data-testid="threshold-fpr-input"]').setValue('1')
    await wrapper.get('[data-testid="threshold-fpr-input"]').trigger('change')
    expect(wrapper.emitted('fpr')?.[0]).toEqual([0.01])
    await wrapper.get('[data-testid="threshold-input"]').setValue('0.5')
    await wrapper.get('[data-testid="threshold-input"]').trigger('change')
    expect(wrapper.emitted('threshold')?.at(-1)).toEqual([0.5])
    await wrapper.get('[data-testid="threshold-down"]').trigger('click')
    expect(wrapper.emitted('update:index')).toEqual([[3]])
  })
})
