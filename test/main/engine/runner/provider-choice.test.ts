// The provider an experiment asks for (issue 19: the form's selector, `mia --provider`) is recorded in its spec, reaches
// the model sessions, and the results say what really ran; an absent one leaves the engine's own setting.
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import type { ExperimentSpecInput } from '../../../../src/shared/contract/experiments'
import { miniDataset } from '../../../helpers/mini-dataset'
import { tempDir, testConfig } from '../../../helpers/workspace'

const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-provider-')
let engine: Engine
let dataset: string

async function run(extra: Partial<ExperimentSpecInput>) {
  const created = await engine.invoke('experiments.create', { spec: { model: TINY, dataset, attack: 'csa', params: { evaluation: { resamples: 20 }, blind: { enabled: false } }, ...extra } })
  return engine.invoke('experiments.run', { id: created.id })
}

beforeAll(async () => {
  dataset = await miniDataset(path.join(ws.dir, 'mini'), { members: 8, nonmembers: 8, reference: 4 })
  // The engine's own setting asks for WebGPU first (as `mia --provider webgpu` would), so a spec's choice must override it.
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace'), { inference: { providers: ['webgpu', 'cpu'], intraOpNumThreads: 1 } }))
}, 60_000)

afterAll(async () => {
  await engine?.dispose()
  ws.cleanup()
})

describe('provider choice per experiment', () => {
  it('records the requested provider and runs on it, whatever the engine was started with', async () => {
    const rec = await run({ provider: 'cpu' })
    expect(rec.status).toBe('done')
    expect(rec.spec.provider).toBe('cpu')
    expect(rec.results!.provider).toBe('cpu')
    expect(rec.results!.fallbackReason).toBeNull()
    expect(rec.results!.adapter ?? null).toBeNull()
  })

  it('a provider that cannot run here falls back to the CPU with the reason recorded; none asked = the engine setting', async () => {
    const { capabilities } = await engine.invoke('app.info', {})
    for (const rec of [await run({ provider: 'coreml' }), await run({})]) {
      expect(rec.status).toBe('done')
      if (rec.results!.provider === 'cpu') expect(rec.results!.fallbackReason).toMatch(rec.spec.provider === 'coreml' ? /coreml/i : /webgpu/i)
    }
    const asked = await run({ provider: 'coreml' })
    expect(asked.spec.provider).toBe('coreml')
    expect(capabilities.executionProviders).not.toContain('coreml')
    expect(asked.results!.provider).toBe('cpu')
    // The same files and provider order reuse the cache: the second coreml run embeds nothing.
    expect(asked.results!.embeddings.computed).toBe(0)
  })

  it("app.info names the engine's own provider, which the UI's forms start from", async () => {
    expect((await engine.invoke('app.info', {})).defaultProvider).toBe('webgpu')
    const auto = createEngine(testConfig(path.join(ws.dir, 'workspace-auto')))
    try {
      expect((await auto.invoke('app.info', {})).defaultProvider).toBe('auto')
    } finally {
      await auto.dispose()
    }
  })

  it('refuses a provider the contract does not know, naming the field', async () => {
    await expect(engine.invoke('experiments.create', { spec: { model: TINY, dataset, attack: 'csa', provider: 'tpu' as never } })).rejects.toMatchObject({
      code: 'invalid-input',
      message: expect.stringMatching(/provider/)
    })
  })
})
