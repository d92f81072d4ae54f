// The provider table: what `auto` tries, what an explicit choice falls back to, and why (onnxruntime faked).
import { describe, expect, it } from 'vitest'
import { autoOrder, defaultBatchSize, planProviders, type ProviderProbe } from '../../../../src/main/engine/models/providers'

const swiftshader = {
  vendor: 'google',
  architecture: 'swiftshader',
  description: 'SwiftShader Vulkan (software GPU)',
  backend: 'vulkan' as const,
  software: true,
  driver: null,
  source: 'vulkan-manifest' as const
}
const nvidia = { ...swiftshader, vendor: 'nvidia', architecture: 'nvidia', description: 'NVIDIA H100', software: false }

describe('provider table', () => {
  it('auto tries the vendor runtime, then WebGPU, then the CPU on every platform', () => {
    expect(autoOrder('linux')).toEqual(['cuda', 'webgpu', 'cpu'])
    expect(autoOrder('win32')).toEqual(['dml', 'webgpu', 'cpu'])
    expect(autoOrder('darwin')).toEqual(['coreml', 'webgpu', 'cpu'])
  })

  it('runs auto on a hardware WebGPU adapter, with the reason CUDA was skipped', () => {
    const probe: ProviderProbe = { available: ['webgpu', 'cpu'], auto: ['webgpu', 'cpu'], fallbacks: ['CUDA execution provider not installed'], adapter: nvidia }
    expect(planProviders(probe, undefined)).toEqual({ order: ['webgpu', 'cpu'], reasons: ['CUDA execution provider not installed'], preferred: autoOrder()[0] })
  })

  it('keeps auto off a software adapter but honours an explicit --provider webgpu', () => {
    const probe: ProviderProbe = { available: ['webgpu', 'cpu'], auto: ['cpu'], fallbacks: ['… `auto` skips it'], adapter: swiftshader }
    expect(planProviders(probe, undefined).order).toEqual(['cpu'])
    expect(planProviders(probe, ['webgpu', 'cpu'])).toEqual({ order: ['webgpu', 'cpu'], reasons: [], preferred: 'webgpu' })
  })

  it('falls back to the CPU with every reason when the asked-for provider is unavailable', () => {
    const probe: ProviderProbe = { available: ['cpu'], auto: ['cpu'], fallbacks: ['WebGPU unavailable: the Vulkan loader libvulkan.so.1 is missing'], adapter: null }
    expect(planProviders(probe, ['webgpu', 'cpu'])).toEqual({
      order: ['cpu'],
      reasons: ['webgpu not available here.', 'WebGPU unavailable: the Vulkan loader libvulkan.so.1 is missing'],
      preferred: 'webgpu'
    })
  })

  it('uses larger default batches on a GPU', () => {
    expect([defaultBatchSize(null), defaultBatchSize('cpu'), defaultBatchSize('webgpu+cpu'), defaultBatchSize('webgpu'), defaultBatchSize('cuda')]).toEqual([32, 32, 32, 128, 128])
  })
})
