// Threshold maths and panel: rates from histogram suffix sums, nearest edge, and the panel following the slider.
// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { nearestEdge, ratesAt, suffixSums } from '../../../src/renderer/src/composables/useThreshold'
import ThresholdPanel from '../../../src/renderer/src/components/charts/ThresholdPanel.vue'

const h = { edges: [0, 0.25, 0.5, 0.75, 1], members: [0, 1, 1, 2], nonmembers: [2, 1, 1, 0] }

describe('threshold rates', () => {
  it('suffix sums count items at or above each edge', () => {
    expect(suffixSums([0, 1, 1, 2])).toEqual([4, 4, 3, 2, 0])
  })

  it('gives TPR, FPR and accuracy of "score ≥ edge"', () => {
    expect(ratesAt(h, 0)).toMatchObject({ threshold: 0, tpr: 1, fpr: 1, accuracy: 0.5 })
    expect(ratesAt(h, 2)).toMatchObject({ threshold: 0.5, tpr: 0.75, fpr: 0.25, accuracy: 0.75, balancedAccuracy: 0.75, truePositives: 3, falsePositives: 1 })
    expect(ratesAt(h, 4)).toMatchObject({ threshold: 1, tpr: 0, fpr: 0, accuracy: 0.5 })
    // Out-of-range indices clamp to the ends.
    expect(ratesAt(h, 99).threshold).toBe(1)
  })

  it('finds the nearest edge of a threshold', () => {
    expect(nearestEdge(h.edges, 0.49)).toBe(2)
    expect(nearestEdge(h.edges, -3)).toBe(0)
  })

  it('the panel shows the rates and emits the new slider index', async () => {
    const wrapper = mount(ThresholdPanel, { props: { index: 2, max: 4, rates: ratesAt(h, 2) } })
    expect(wrapper.get('[data-testid="rate-tpr"]').text()).toBe('75.0%')
    expect(wrapper.get('[data-testid="rate-fpr"]').text()).toBe('25.0%')
    expect(wrapper.get('[data-testid="threshold-value"]').text()).toBe('0.500')
    await wrapper.get('[data-testid="threshold-slider"]').setValue('3')
    expect(wrapper.emitted('update:index')).toEqual([[3]])
  })
})
