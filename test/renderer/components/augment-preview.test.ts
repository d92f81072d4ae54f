// Augmentation preview: asks the engine once the bank has been still for a moment, and shows the bank's parse error.
// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { flushPromises, mount } from '@vue/test-utils'
import { useAugmentPreview, type PreviewSource } from '../../../src/renderer/src/composables/useAugmentPreview'
import AugmentPreview from '../../../src/renderer/src/components/forms/AugmentPreview.vue'
import { installFakeApi } from '../fake-api'

describe('augmentation preview', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('debounces typing, then renders the views or the bank error', async () => {
    const fake = installFakeApi()
    fake.on('augment.preview', ({ bank }) => {
      if (bank?.includes('bogus')) throw { code: 'invalid-input', message: 'Unknown augmentation "bogus".', hint: 'Known: rrc, rot, blur …' }
      return {
        itemId: 'google-1f600',
        caption: 'an emoji of grinning face',
        bank: bank ?? '',
        views: [0, 1, 2].map((i) => ({ index: i, spec: i ? `aug:v1:rot#${i}` : 'orig', image: 'data:image/png;base64,AA==' }))
      }
    })
    const source = ref<PreviewSource>({ enabled: true, dataset: 'emoji-demo', bank: '', seed: 0 })
    const Host = defineComponent(() => {
      const p = useAugmentPreview(source, 300)
      return () =>
        h(AugmentPreview, { views: p.preview.value?.views ?? [], caption: p.preview.value?.caption ?? null, itemId: p.preview.value?.itemId ?? null, loading: p.loading.value, error: p.error.value })
    })
    const wrapper = mount(Host)
    await vi.advanceTimersByTimeAsync(300)
    await flushPromises()
    expect(wrapper.findAll('[data-testid="preview-view"]')).toHaveLength(3)
    expect(wrapper.text()).toContain('2 views of google-1f600')

    source.value = { ...source.value, bank: 'rot(15)' }
    await vi.advanceTimersByTimeAsync(100)
    source.value = { ...source.value, bank: 'bogus(1)' }
    await vi.advanceTimersByTimeAsync(300)
    await flushPromises()
    // Two edits inside the debounce window: one request for the last text only.
    expect(fake.calls.map((c) => (c.input as { bank: string }).bank)).toEqual(['', 'bogus(1)'])
    expect(wrapper.get('[data-testid="bank-error"]').text()).toContain('Unknown augmentation "bogus". — Known: rrc, rot, blur')
    // The last good views stay next to the message.
    expect(wrapper.findAll('[data-testid="preview-view"]')).toHaveLength(3)
    wrapper.unmount()
  })
})
