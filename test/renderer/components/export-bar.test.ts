// Export bar and useExport: requests carry kind, format and width; files are decoded and saved; the caption shows.
// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ExportBar from '../../../src/renderer/src/components/layout/ExportBar.vue'
import { fileBytes, useExport } from '../../../src/renderer/src/composables/useExport'
import type { ExportFile } from '../../../src/shared/contract/exports'
import { installFakeApi } from '../fake-api'

const props = { figures: ['compare', 'hist'] as const, perExperiment: false, busy: false, caption: null, fileName: null, copied: false, error: null }

describe('export', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('emits figure requests with the chosen kind and width', async () => {
    const wrapper = mount(ExportBar, { props })
    await wrapper.get('[data-testid="export-width"]').setValue('6.9')
    await wrapper.get('[data-testid="export-pdf"]').trigger('click')
    await wrapper.get('[data-testid="export-figure-kind"]').setValue('hist')
    await wrapper.get('[data-testid="export-svg"]').trigger('click')
    await wrapper.get('[data-testid="export-latex"]').trigger('click')
    expect(wrapper.emitted('export')).toEqual([
      [{ kind: 'figure', figure: 'compare', format: 'pdf', widthIn: 6.9 }],
      [{ kind: 'figure', figure: 'hist', format: 'svg', widthIn: 6.9 }],
      [{ kind: 'table', format: 'latex' }]
    ])
    // Scores and record are per experiment: not offered on Compare.
    expect(wrapper.find('[data-testid="export-scores"]').exists()).toBe(false)
  })

  it('shows the caption of the last export with a copy button', async () => {
    const wrapper = mount(ExportBar, { props: { ...props, caption: 'ROC of CSA on emoji-demo (n = 8).', fileName: 'roc.svg' } })
    expect(wrapper.get('[data-testid="export-caption"]').text()).toContain('ROC of CSA on emoji-demo (n = 8).')
    await wrapper.get('[data-testid="copy-caption"]').trigger('click')
    expect(wrapper.emitted('copy')).toHaveLength(1)
  })

  it('decodes base64 files to bytes and passes the ids to the engine', async () => {
    const png: ExportFile = { fileName: 'a.png', mime: 'image/png', encoding: 'base64', data: btoa('\x89PNG'), caption: 'c' }
    expect(Array.from(fileBytes(png) as Uint8Array)).toEqual([0x89, 0x50, 0x4e, 0x47])
    expect(fileBytes({ ...png, encoding: 'utf8', data: '<svg/>' })).toBe('<svg/>')

    const fake = installFakeApi()
    fake.on('export.figure', () => png)
    const saved: ExportFile[] = []
    const exporter = useExport(
      () => ['a', 'b'],
      (f) => saved.push(f)
    )
    await exporter.run({ kind: 'figure', figure: 'compare', format: 'png', widthIn: 3.3 })
    expect(fake.calls[0]).toEqual({ op: 'export.figure', input: { ids: ['a', 'b'], figure: 'compare', format: 'png', widthIn: 3.3 } })
    expect(saved).toEqual([png])
    expect(exporter.last.value?.caption).toBe('c')
  })
})
