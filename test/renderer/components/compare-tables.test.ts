// Compare tables: one metrics row per experiment, paired Δ = A − B (A the reference, as the CSV and LaTeX tables sign it) with CI and p, and notes when items differ.
// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount, RouterLinkStub } from '@vue/test-utils'
import CompareTables from '../../../src/renderer/src/components/charts/CompareTables.vue'
import { sampleView } from '../fixtures'

const views = [sampleView('s', 'CSA · small'), sampleView('l', 'CSA · large')]
const comparison = {
  a: 's',
  b: 'l',
  nItems: 8,
  deltaAuc: { delta: -0.057, ci: { lo: -0.068, hi: -0.046 }, pValue: 0.0004 },
  deltaTprAt1: { delta: null, ci: null, pValue: null },
  resamples: 1000,
  seed: 0
}

describe('CompareTables', () => {
  it('shows metrics per experiment and the paired deltas', () => {
    const wrapper = mount(CompareTables, { props: { views, comparisons: [comparison], notes: [] }, global: { stubs: { RouterLink: RouterLinkStub } } })
    expect(wrapper.findAll('[data-testid="compare-metrics"] tbody tr')).toHaveLength(2)
    const row = wrapper.get('[data-testid="compare-paired"] tbody tr').text()
    expect(row).toContain('CSA · small − CSA · large')
    expect(wrapper.get('[data-testid="delta-auc"]').text()).toBe('-0.057')
    expect(row).toContain('[-0.068, -0.046]')
    expect(wrapper.get('[data-testid="delta-convention"]').text()).toContain('Δ = A − B, A the reference (CSA · small)')
    expect(row).toContain('< 0.001')
    expect(wrapper.find('[data-testid="compare-notes"]').exists()).toBe(false)
  })

  it('explains why a pair was not compared', () => {
    const note = 'CSA · large scored other target items than CSA · small: no paired comparison.'
    const wrapper = mount(CompareTables, { props: { views, comparisons: [], notes: [note] }, global: { stubs: { RouterLink: RouterLinkStub } } })
    expect(wrapper.find('[data-testid="compare-paired"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="compare-notes"]').text()).toBe(note)
  })
})
