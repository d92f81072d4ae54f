// Where a provider choice runs, read from app.info's capabilities as models/providers.ts decides it: auto skips a
// software WebGPU adapter, an absent provider falls back to the CPU with the reason `mia info` gives.
import { describe, expect, it } from 'vitest'
import { providerOutlook } from '../../../src/renderer/src/composables/useProviderOutlook'
import type { Capabilities, GpuAdapter } from '../../../src/shared/contract/models'

const swiftshader: GpuAdapter = { vendor: 'google', architecture: 'swiftshader', description: 'SwiftShader', backend: 'vulkan', software: true, driver: null, source: 'vulkan-manifest' }
const cpuOnly: Capabilities = {
  electronRuntime: false,
  executionProviders: ['cpu'],
  gpu: false,
  adapter: null,
  fallbacks: ['CUDA execution provider not installed: no add-on.', 'WebGPU unavailable: no Vulkan driver.']
}

describe('providerOutlook', () => {
  it('is unknown until the capabilities are', () => {
    expect(providerOutlook('webgpu', null)).toEqual({ choice: 'webgpu', runsOn: null, adapter: null, reason: null })
  })

  it('an explicit provider that is absent runs on the CPU, with the reasons that name it', () => {
    expect(providerOutlook('webgpu', cpuOnly)).toEqual({ choice: 'webgpu', runsOn: 'cpu', adapter: null, reason: 'webgpu is not available here. WebGPU unavailable: no Vulkan driver.' })
    expect(providerOutlook('coreml', cpuOnly).reason).toBe('coreml is not available here.')
    expect(providerOutlook('cpu', cpuOnly)).toMatchObject({ runsOn: 'cpu', reason: null })
  })

  it('auto skips a software adapter that an explicit webgpu choice gets, with the adapter named', () => {
    const caps: Capabilities = { ...cpuOnly, executionProviders: ['webgpu', 'cpu'], gpu: true, adapter: swiftshader, fallbacks: ['WebGPU runs on SwiftShader, slower than the CPU provider.'] }
    expect(providerOutlook('auto', caps)).toEqual({ choice: 'auto', runsOn: 'cpu', adapter: null, reason: 'WebGPU runs on SwiftShader, slower than the CPU provider.' })
    expect(providerOutlook('webgpu', caps)).toEqual({ choice: 'webgpu', runsOn: 'webgpu', adapter: swiftshader, reason: null })
    expect(providerOutlook('auto', { ...caps, adapter: { ...swiftshader, software: false } })).toMatchObject({ runsOn: 'webgpu', reason: null })
  })
})
