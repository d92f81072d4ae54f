// The WebGPU provider end to end through real `mia` processes on SwiftShader: info, a run equal to the CPU run,
// a rejected adapter falling back to the CPU with the reason, and one cache shared by both providers.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runProcess, type ProcessResult } from '../helpers/run-process'
import type { GpuAdapter } from '../../src/shared/contract/models'
import type { AppInfo } from '../../src/shared/contract/operations'
import { miniDataset } from '../helpers/mini-dataset'
import { reportSkip, swiftshaderEnv, swiftshaderMissing } from '../helpers/swiftshader'

const MIA = path.resolve('bin/mia.cjs')
const skip = reportSkip(swiftshaderMissing())
const LVP = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json'

/** The `mia run --json` keys this suite reads (src/cli/experiment-commands.ts runSummary). */
interface RunSummary {
  name: string
  metrics: { n: unknown; auc: number; tprAtFpr: unknown } | null
  provider: string | null
  adapter: GpuAdapter | null
  fallbackReason: string | null
  embeddings: { computed: number; cached: number } | null
}

/** Run `mia …args` with `env` (async, so the test's worker stays responsive). */
const mia = (args: string[], env: NodeJS.ProcessEnv): Promise<ProcessResult> => runProcess(process.execPath, [MIA, ...args], env)

async function json<T>(args: string[], env: NodeJS.ProcessEnv): Promise<T> {
  const r = await mia(args, env)
  if (r.code !== 0) throw new Error(`mia ${args.join(' ')} exited ${r.code}: ${r.stderr.slice(-2000)}`)
  return JSON.parse(r.stdout) as T
}

// Generous limits: SwiftShader is a software GPU and CI machines are shared; these check correctness, never speed.
describe.skipIf(skip)('mia on the WebGPU provider (SwiftShader)', { timeout: 600_000 }, () => {
  let root: string
  let dataset: string
  const gpuEnv = (): NodeJS.ProcessEnv => swiftshaderEnv()
  const run = (workspace: string, provider: string, env: NodeJS.ProcessEnv): Promise<RunSummary> =>
    json<RunSummary>(['--workspace', workspace, '--provider', provider, 'run', '--model', 'demo-clip-s', '--dataset', dataset, '--attack', 'csa', '--force', '--json'], env)

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-webgpu-'))
    dataset = await miniDataset(path.join(root, 'mini'), { members: 8, nonmembers: 8, reference: 0 })
  })
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

  it('mia info --json lists webgpu and names the SwiftShader adapter', async () => {
    const info = await json<AppInfo>(['--workspace', path.join(root, 'ws-info'), 'info', '--json'], gpuEnv())
    expect(info.capabilities.executionProviders).toContain('webgpu')
    expect(info.capabilities.adapter).toMatchObject({ vendor: 'google', architecture: 'swiftshader', backend: 'vulkan', software: true })
    // A software adapter is not a GPU: auto stays on the CPU and `gpu` says no.
    expect(info.capabilities.gpu).toBe(false)
  })

  it('mia info --json says why WebGPU is unavailable when the Vulkan driver manifest is missing', async () => {
    const missing = path.join(root, 'no-such-icd.json')
    const info = await json<AppInfo>(['--workspace', path.join(root, 'ws-info'), 'info', '--json'], { ...gpuEnv(), VK_ICD_FILENAMES: missing })
    expect(info.capabilities.executionProviders).not.toContain('webgpu')
    expect(info.capabilities.adapter).toBeNull()
    expect(info.capabilities.fallbacks.join('\n')).toContain(`WebGPU unavailable: VK_ICD_FILENAMES names ${missing}, which does not exist.`)
  })

  it('a --provider webgpu run gives the CPU run’s metrics and records the provider and adapter; the cache serves both', async () => {
    const wsGpu = path.join(root, 'ws-gpu')
    const gpu = await run(wsGpu, 'webgpu', gpuEnv())
    const cpu = await run(path.join(root, 'ws-cpu'), 'cpu', process.env)
    expect(gpu.provider).toBe('webgpu')
    expect(gpu.adapter).toMatchObject({ architecture: 'swiftshader' })
    expect(gpu.fallbackReason).toBeNull()
    expect(cpu.provider).toBe('cpu')
    // Names include what differs (issue 21): the provider that ran, when it is not the CPU.
    expect(gpu.name).toBe(`${cpu.name} · provider webgpu`)
    expect(cpu.name).not.toMatch(/provider/)
    expect(gpu.embeddings?.computed).toBeGreaterThan(0)
    const [g, c] = [gpu.metrics!, cpu.metrics!]
    expect(g.n).toEqual(c.n)
    expect(g.auc).toBeCloseTo(c.auc, 12)
    // Same operating points and counts; the thresholds themselves are scores, equal to float32 rounding (about 1e-7).
    expect(Object.keys(g.tprAtFpr as object)).toEqual(Object.keys(c.tprAtFpr as object))
    for (const [k, e] of Object.entries(g.tprAtFpr as Record<string, unknown>)) {
      const { threshold: tg, ...restG } = e as { threshold?: number | null }
      const { threshold: tc, ...restC } = (c.tprAtFpr as Record<string, unknown>)[k] as { threshold?: number | null }
      expect(restG).toEqual(restC)
      if (typeof tg === 'number' && typeof tc === 'number') expect(tg).toBeCloseTo(tc, 5)
      else expect(tg).toBe(tc)
    }
    // One cache entry per (model, content, view) whatever the provider: a CPU run after the WebGPU one recomputes nothing.
    const again = await run(wsGpu, 'cpu', process.env)
    expect(again.embeddings?.computed).toBe(0)
    expect(again.metrics?.auc).toBeCloseTo(g.auc, 12)
  })

  it('with an adapter Dawn rejects (Mesa llvmpipe), a --provider webgpu run completes on the CPU and records why', async () => {
    const icd = fs.existsSync(LVP) ? LVP : path.join(root, 'missing-icd.json')
    const rec = await run(path.join(root, 'ws-rejected'), 'webgpu', { ...gpuEnv(), VK_ICD_FILENAMES: icd })
    expect(rec.provider).toBe('cpu')
    expect(rec.adapter).toBeNull()
    expect(rec.fallbackReason).toMatch(/webgpu not available here\. .*WebGPU unavailable: /)
    expect(rec.fallbackReason).toContain(fs.existsSync(LVP) ? 'Dawn rejects these drivers: lvp_icd.x86_64.json' : 'which does not exist')
  })
})
