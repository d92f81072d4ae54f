// Adapter facts and the reasons WebGPU is unavailable, from Vulkan driver manifests (no GPU needed).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { adapterOfLibrary, explainNoAdapter, likelyAdapter, mayHaveAdapter, vulkanSetup, type VulkanSetup } from '../../../../src/main/engine/models/gpu-adapter'

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-icd-'))
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))
function manifest(name: string, library: string): string {
  const file = path.join(dir, name)
  fs.writeFileSync(file, JSON.stringify({ file_format_version: '1.0.0', ICD: { library_path: library, api_version: '1.3.0' } }))
  return file
}

describe('Vulkan driver manifests', () => {
  it('names the drivers a VK_ICD_FILENAMES list points at, relative library paths beside the manifest', () => {
    const swift = manifest('swiftshader.json', './libvk_swiftshader.so')
    const nvidia = manifest('nvidia_icd.json', 'libGLX_nvidia.so.0')
    const setup = vulkanSetup({ VK_ICD_FILENAMES: `${swift}:${nvidia}`, LD_LIBRARY_PATH: '' })
    expect(setup.override).toEqual({ name: 'VK_ICD_FILENAMES', files: [swift, nvidia] })
    expect(setup.drivers.map((d) => [d.library, d.adapter.vendor, d.adapter.software])).toEqual([
      [path.join(dir, 'libvk_swiftshader.so'), 'google', true],
      ['libGLX_nvidia.so.0', 'nvidia', false]
    ])
    // Dawn's high-performance preference: the hardware adapter before the software one.
    expect(likelyAdapter(setup)?.vendor).toBe('nvidia')
  })

  it('prefers VK_DRIVER_FILES over VK_ICD_FILENAMES and lists named manifests that do not exist', () => {
    const missing = path.join(dir, 'gone.json')
    const setup = vulkanSetup({ VK_DRIVER_FILES: missing, VK_ICD_FILENAMES: manifest('x.json', 'libvk_swiftshader.so') })
    expect(setup.override?.name).toBe('VK_DRIVER_FILES')
    expect(setup.missingManifests).toEqual([missing])
    expect(setup.drivers).toEqual([])
  })

  it('marks Mesa llvmpipe as rejected (Dawn refuses it) and never probes when it is the only driver', () => {
    expect(adapterOfLibrary('/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so')).toMatchObject({ rejected: true, adapter: { architecture: 'llvmpipe', software: true } })
    const setup = vulkanSetup({ VK_ICD_FILENAMES: manifest('lvp.json', 'libvulkan_lvp.so') })
    expect(mayHaveAdapter({ ...setup, loader: '/usr/lib/libvulkan.so.1' })).toBe(false)
    expect(mayHaveAdapter({ ...setup, loader: '/usr/lib/libvulkan.so.1', drivers: vulkanSetup({ VK_ICD_FILENAMES: manifest('s.json', 'libvk_swiftshader.so') }).drivers })).toBe(true)
  })
})

describe('why WebGPU is unavailable', () => {
  const base: VulkanSetup = { loader: '/usr/lib/x86_64-linux-gnu/libvulkan.so.1', override: null, drivers: [], missingManifests: [] }
  const ort = 'webgpu_context.cc:136 ... Failed to get a WebGPU adapter: No supported adapters'

  it('names the missing Vulkan loader and how to get it', () => {
    expect(explainNoAdapter({ ...base, loader: null }, ort)).toMatch(/^WebGPU unavailable: the Vulkan loader libvulkan\.so\.1 is missing \(Debian\/Ubuntu: apt install libvulkan1;.*nvidia_icd\.json/)
  })
  it('names a manifest the override points at that does not exist', () => {
    const text = explainNoAdapter({ ...base, override: { name: 'VK_DRIVER_FILES', files: ['/nope.json'] }, missingManifests: ['/nope.json'] }, ort)
    expect(text).toContain('WebGPU unavailable: VK_DRIVER_FILES names /nope.json, which does not exist.')
  })
  it('says no driver manifest was found, pointing NVIDIA users at nvidia_icd.json', () => {
    expect(explainNoAdapter(base, ort)).toMatch(/no Vulkan driver manifest was found in .*icd\.d.*VK_DRIVER_FILES \(or VK_ICD_FILENAMES\) at its nvidia_icd\.json/)
  })
  it('says Dawn rejects llvmpipe, and passes on onnxruntime’s reason for other drivers', () => {
    const lvp = { manifest: '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json', library: 'libvulkan_lvp.so', ...adapterOfLibrary('libvulkan_lvp.so') }
    expect(explainNoAdapter({ ...base, drivers: [lvp] }, ort)).toContain('Dawn rejects these drivers: lvp_icd.x86_64.json (Mesa llvmpipe (software Vulkan))')
    const radv = { manifest: '/usr/share/vulkan/icd.d/radeon_icd.x86_64.json', library: 'libvulkan_radeon.so', ...adapterOfLibrary('libvulkan_radeon.so') }
    expect(explainNoAdapter({ ...base, drivers: [radv] }, ort)).toContain('Dawn found no usable GPU through these drivers: radeon_icd.x86_64.json (AMD GPU (Mesa RADV)) — No supported adapters.')
  })
})
