// Models store and screen: Details fetches models.inspect and shows its towers, notes and every problem; Pull
// reports byte progress, refreshes the list, and a cancelled pull leaves no error.
// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import ModelInspection from '../../../src/renderer/src/components/models/ModelInspection.vue'
import { useModelsStore } from '../../../src/renderer/src/stores/models'
import type { ModelInfo, ModelInspection as Inspection } from '../../../src/shared/contract/models'
import { deferred, installFakeApi } from '../fake-api'

const info: ModelInfo = {
  name: 'immich',
  path: '/m/immich',
  source: 'user',
  fingerprint: null,
  layout: 'separate',
  embeddingDim: 16,
  imageSize: 224,
  contextLength: 77,
  precision: 'fp32',
  parameterCount: 10,
  files: [],
  card: null,
  error: { code: 'bad-model', message: 'model.onnx has no input `image`; found: pixel_values.' },
  format: 'openclip',
  variant: 'separate',
  variants: ['separate'],
  weights: 'fp32',
  notes: [],
  problems: []
}
const inspection: Inspection = {
  ...info,
  hasAttentionMask: false,
  quantized: false,
  notes: ['The graphs name the embedding size symbolically; it is read from the first batch.'],
  problems: [
    { code: 'bad-model', message: 'model.onnx has no input `image`; found: pixel_values.' },
    { code: 'bad-model', message: 'config.json says the embedding has 24 dimensions but the graphs output 16.', hint: 'Use the config.json of the same export.' }
  ],
  towers: { vision: null, text: { file: 'textual/model.onnx', input: 'text', inputType: 'int32', inputShape: [1, 77], mask: null, output: 'embedding', fixedBatch: 1 } },
  preprocessing: { source: 'visual/preprocess_cfg.json', order: 'openclip', resize: 'shortest edge 224', crop: 'centre 224×224', interpolation: 'bicubic', mean: [0, 0, 0], std: [1, 1, 1] },
  tokenizer: { file: 'textual/tokenizer.json', contextLength: 77 }
}

describe('models store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('inspects a folder once and keeps the inspection by path', async () => {
    const fake = installFakeApi()
    fake.on('models.inspect', () => inspection)
    const store = useModelsStore()
    expect(await store.inspect('/m/immich', 'fp16')).toEqual(inspection)
    expect(fake.calls).toEqual([{ op: 'models.inspect', input: { path: '/m/immich', variant: 'fp16' } }])
    expect(store.inspections['/m/immich'].problems).toHaveLength(2)
  })

  it('pulls with byte progress and refreshes the list; a cancelled pull leaves no error', async () => {
    const fake = installFakeApi()
    fake.on('models.list', () => ({ models: [info], hint: null }))
    fake.on('models.pull', (_i, { onEvent }) => {
      onEvent?.({ type: 'progress', phase: 'downloading', done: 50, total: 100, unit: 'bytes' })
      return { ...info, repoId: 'org/m', revision: 'abc', downloadedBytes: 100, pulledFiles: ['config.json'] }
    })
    const store = useModelsStore()
    expect(await store.pull('org/m')).toMatchObject({ downloadedBytes: 100 })
    expect(store.pullProgress).toMatchObject({ done: 50, total: 100 })
    expect(store.models).toHaveLength(1)
    const held = deferred<never>()
    fake.on('models.pull', (_i, { cancelled }) => {
      setTimeout(() => cancelled() && held.reject({ code: 'cancelled', message: 'cancelled' }), 5)
      return held.promise
    })
    const pending = store.pull('org/other')
    store.cancelPull()
    expect(await pending).toBeNull()
    expect(store.error).toBeNull()
    expect(store.pulling).toBe(false)
  })
})

describe('ModelInspection', () => {
  it('shows the towers, preprocessing, notes and one line per problem', async () => {
    const wrapper = mount(ModelInspection, { props: { inspection } })
    await flushPromises()
    const text = wrapper.text()
    expect(text).toContain('textual/model.onnx: text int32[1, 77] → embedding (batch fixed at 1)')
    expect(text).toContain('openclip order; from visual/preprocess_cfg.json')
    expect(wrapper.get('[data-testid="model-notes"]').text()).toContain('read from the first batch')
    expect(wrapper.findAll('[data-testid="model-problems"] li').map((li) => li.text())).toEqual([
      'model.onnx has no input `image`; found: pixel_values.',
      'config.json says the embedding has 24 dimensions but the graphs output 16. — Use the config.json of the same export.'
    ])
  })
})
