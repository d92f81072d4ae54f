// The execution-provider table: what can run here, what `auto` tries in which order, and why each skipped one is skipped.
// onnxruntime itself is reached through `ProbeDeps` so that models/session.ts stays its only importer.
import path from 'node:path'
import fs from 'node:fs'
import type { GpuAdapter, ProviderChoice } from '../../../shared/contract/models'
import { explainNoAdapter, likelyAdapter, mayHaveAdapter, nativeAdapter, NO_DEVICE, vulkanSetup } from './gpu-adapter'

/** Execution providers the workbench knows how to ask onnxruntime-node for. */
export type ProviderName = Exclude<ProviderChoice, 'auto'>

/** What can be tried on this machine, in preference order (cpu last), and why the others cannot. */
export interface ProviderProbe {
  /** Every provider that opened a probe here (`mia info` lists these). */
  available: ProviderName[]
  /** What `auto` tries, in order: `available` without software GPUs, which are slower than the CPU provider. */
  auto: ProviderName[]
  fallbacks: string[]
  /** The adapter behind `webgpu` when it answered; null otherwise. */
  adapter: GpuAdapter | null
}

/** The onnxruntime facts a probe needs. */
export interface ProbeDeps {
  /** Backend names from `listSupportedBackends()`. */
  supported: Set<string>
  /** Folder of onnxruntime-node's native libraries (the CUDA add-on lands there). */
  ortBinDir: string
  /** Open and run a tiny graph on WebGPU; resolves to null on success, else onnxruntime's message. */
  probeWebgpu(): Promise<string | null>
}

/** `auto`'s order per platform: a vendor GPU runtime, then WebGPU (Vulkan / Metal / D3D12 through Dawn), then the CPU. */
const AUTO_ORDER: Record<string, ProviderName[]> = {
  linux: ['cuda', 'webgpu', 'cpu'],
  win32: ['dml', 'webgpu', 'cpu'],
  darwin: ['coreml', 'webgpu', 'cpu']
}
const CUDA_LIB = 'libonnxruntime_providers_cuda.so'

/** The providers `auto` considers on `platform`, best first. */
export function autoOrder(platform: NodeJS.Platform = process.platform): ProviderName[] {
  return AUTO_ORDER[platform] ?? ['webgpu', 'cpu']
}

function cudaReason(deps: ProbeDeps): string | null {
  if (!fs.existsSync(path.join(deps.ortBinDir, CUDA_LIB))) {
    return 'CUDA execution provider not installed: onnxruntime-node was installed without its CUDA add-on (offline install); run `npm run setup` online on Linux x64 with an NVIDIA driver.'
  }
  if (!fs.existsSync('/proc/driver/nvidia/version')) return 'CUDA execution provider installed but no NVIDIA driver is loaded (/proc/driver/nvidia/version is missing).'
  return null
}

async function webgpuFacts(deps: ProbeDeps): Promise<{ adapter: GpuAdapter | null; reason: string | null }> {
  if (process.platform !== 'linux') {
    const failure = await deps.probeWebgpu()
    return failure ? { adapter: null, reason: `WebGPU unavailable: ${failure.split('\n')[0]}` } : { adapter: nativeAdapter(process.platform), reason: null }
  }
  const setup = vulkanSetup()
  const failure = mayHaveAdapter(setup) ? await deps.probeWebgpu() : NO_DEVICE
  if (failure) return { adapter: null, reason: explainNoAdapter(setup, failure) }
  return { adapter: likelyAdapter(setup), reason: null }
}

/** Probe every provider of the platform's table (the WebGPU one by running a tiny graph, a few ms). */
export async function probeProviders(deps: ProbeDeps): Promise<ProviderProbe> {
  const where = `${process.platform}/${process.arch}`
  const available: ProviderName[] = []
  const fallbacks: string[] = []
  let adapter: GpuAdapter | null = null
  for (const provider of autoOrder().filter((p) => p !== 'cpu')) {
    if (!deps.supported.has(provider)) {
      fallbacks.push(`No ${provider.toUpperCase()} execution provider in onnxruntime-node for ${where}.`)
      continue
    }
    let reason: string | null = null
    if (provider === 'cuda') reason = cudaReason(deps)
    if (provider === 'webgpu') ({ adapter, reason } = await webgpuFacts(deps))
    if (reason) fallbacks.push(reason)
    else available.push(provider)
  }
  available.push('cpu')
  const software = adapter?.software === true
  if (adapter && software) fallbacks.push(`WebGPU runs on ${adapter.description}, slower than the CPU provider: \`auto\` skips it; ask for it with --provider webgpu.`)
  return { available, auto: available.filter((p) => !(p === 'webgpu' && software)), fallbacks, adapter }
}

/** The order to try for a request, with the reasons the requested provider may not be the one that runs. */
export function planProviders(probe: ProviderProbe, requested: ProviderName[] | undefined): { order: ProviderName[]; reasons: string[]; preferred: ProviderName } {
  if (!requested || requested.length === 0) return { order: [...probe.auto], reasons: [...probe.fallbacks], preferred: autoOrder()[0] }
  const order = requested.filter((p) => probe.available.includes(p))
  const missing = requested.filter((p) => !order.includes(p))
  const reasons = missing.length === 0 ? [] : [`${missing.join(', ')} not available here.`, ...probe.fallbacks]
  if (!order.includes('cpu')) order.push('cpu')
  return { order, reasons, preferred: requested[0] }
}

/** Images per inference batch when none is set: GPUs want larger batches than the CPU provider. */
export function defaultBatchSize(provider: string | null): number {
  return provider === null || provider.includes('cpu') ? 32 : 128
}
