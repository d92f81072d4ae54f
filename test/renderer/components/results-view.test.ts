// Results screen against a scripted API: metrics with CIs, the blind-baseline warning, charts, and a live threshold.
// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia } from 'pinia'
import { createMemoryHistory, createRouter } from 'vue-router'
import ResultsView from '../../../src/renderer/src/views/ResultsView.vue'
import { installFakeApi } from '../fake-api'
import { sampleView } from '../fixtures'

async function mountResults(edit: (v: ReturnType<typeof sampleView>) => void = () => undefined) {
  const fake = installFakeApi()
  fake.on('experiments.get', ({ id }) => {
    const v = sampleView(id)
    edit(v)
    return v
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/results/:id', name: 'results', component: ResultsView },
      { path: '/run/:ids', name: 'run', component: ResultsView }
    ]
  })
  await router.push('/results/exp-1')
  const wrapper = mount(ResultsView, { global: { plugins: [createPinia(), router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, fake }
}

describe('ResultsView', () => {
  it('shows metrics with intervals and the blind-baseline warning', async () => {
    const { wrapper, fake } = await mountResults()
    expect(fake.calls[0]).toEqual({ op: 'experiments.get', input: { id: 'exp-1', top: 12 } })
    expect(wrapper.get('[data-testid="results-name"]').text()).toBe('CSA · demo-clip-s · emoji-demo')
    expect(wrapper.get('[data-testid="metric-auc"]').text()).toBe('0.750 [0.500, 1.000]')
    expect(wrapper.get('[data-testid="metrics-table"]').text()).toContain('n/a (needs ≥ 100 non-members)')
    expect(wrapper.get('[data-testid="blind-warning"]').text()).toContain('differ without the model')
    expect(wrapper.findAll('[data-testid="chart"]')).toHaveLength(2)
    expect(wrapper.findAll('[data-testid="top-members"] [data-testid="item-card"]')).toHaveLength(1)
    expect(wrapper.get('[data-testid="slices"]').text()).toContain('google')
    expect(wrapper.find('[data-testid="quantized-badge"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('marks a quantized model, whose scores differ from the float model', async () => {
    const { wrapper } = await mountResults((v) => (v.record.spec.quantized = true))
    expect(wrapper.get('[data-testid="results-head"] [data-testid="quantized-badge"]').attributes('title')).toContain('Quantization changes the scores under attack')
    wrapper.unmount()
  })

  it('starts the threshold at the balanced-accuracy threshold and follows the slider', async () => {
    const { wrapper } = await mountResults()
    expect(wrapper.get('[data-testid="threshold-value"]').text()).toBe('0.5000')
    expect(wrapper.get('[data-testid="rate-tpr"]').text()).toBe('0.750')
    // The slider runs from high τ on the left; this view has only its histogram, so steps follow its bins.
    await wrapper.get('[data-testid="threshold-slider"]').setValue('3')
    expect(wrapper.get('[data-testid="threshold-value"]').text()).toBe('0.7500')
    expect(wrapper.get('[data-testid="rate-tpr"]').text()).toBe('0.500')
    expect(wrapper.get('[data-testid="rate-fpr"]').text()).toBe('0.000')
    wrapper.unmount()
  })
})
