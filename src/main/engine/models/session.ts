// The only onnxruntime-node importer: execution-provider choice with reasons, feed checks, fp16 I/O, dispose.
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import type * as Ort from 'onnxruntime-node'
import { WorkbenchError } from '../../../shared/contract/errors'
import type { GpuAdapter } from '../../../shared/contract/models'
import { float16ToFloat32, float32ToFloat16 } from '../float16'
import { PROBE_GRAPH } from './probe-graph'
import { planProviders, probeProviders, type ProviderName, type ProviderProbe } from './providers'

/** Session settings; every field has a sensible default. */
export interface SessionOptions {
  /** Preference order; default: `auto`, the platform table of models/providers.ts (e.g. cuda, webgpu, cpu on Linux). */
  providers?: ProviderName[]
  /** Threads inside one operator; default: the number of CPU cores. */
  intraOpNumThreads?: number
  /** Threads across independent operators; default 1 (sequential execution). */
  interOpNumThreads?: number
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all'
  /** GPU index for cuda/dml. */
  deviceId?: number
}

/** An input fed to a session: float32 for float/float16 inputs, int64 for integer ids. */
export interface Feed {
  data: Float32Array | BigInt64Array
  dims: readonly number[]
}

/** An output as returned to callers: float16 outputs are widened to float32. */
export interface Output {
  data: Float32Array | BigInt64Array | Int32Array | Uint8Array
  dims: number[]
}

/** A graph input or output as onnxruntime reports it. */
export interface SessionValue {
  name: string
  type: string
  shape: Array<number | string>
}

// Why not `require`: the ESM bundle (out/main/chunks) declares its own `require` at chunk scope; a second one stops the engine from loading.
const requireHere = createRequire(import.meta.url)
let ortModule: typeof Ort | null = null
let probeCache: Promise<ProviderProbe> | null = null

function ort(): typeof Ort {
  if (ortModule) return ortModule
  try {
    ortModule = requireHere('onnxruntime-node') as typeof Ort
    ortModule.env.logLevel = 'error'
    return ortModule
  } catch (err) {
    throw new WorkbenchError(
      {
        code: 'inference-failed',
        message: `onnxruntime-node could not be loaded: ${(err as Error).message}`,
        hint: 'Run `npm run setup` to reinstall the native inference runtime for this platform.'
      },
      { cause: err }
    )
  }
}

function ortBinDir(): string {
  const pkg = path.dirname(requireHere.resolve('onnxruntime-node/package.json'))
  return path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch)
}

/** Open and run the probe graph on WebGPU: null when it ran, else onnxruntime's message. */
async function probeWebgpu(): Promise<string | null> {
  let session: Ort.InferenceSession | null = null
  try {
    const { InferenceSession, Tensor } = ort()
    session = await InferenceSession.create(Buffer.from(PROBE_GRAPH, 'base64'), { executionProviders: ['webgpu'], logSeverityLevel: 3 })
    await session.run({ x: new Tensor('float32', new Float32Array([1, 2, 3, 4]), [1, 4]) })
    return null
  } catch (err) {
    return (err as Error).message
  } finally {
    await session?.release().catch(() => undefined)
  }
}

/** Which execution providers can be tried on this machine, with a human reason for each one that cannot (probed once). */
export function probeExecutionProviders(): Promise<ProviderProbe> {
  probeCache ??= (async () => {
    let supported: Set<string>
    try {
      supported = new Set(
        ort()
          .listSupportedBackends()
          .map((b) => b.name)
      )
    } catch (err) {
      return { available: [], auto: [], fallbacks: [(err as Error).message], adapter: null }
    }
    return probeProviders({ supported, ortBinDir: ortBinDir(), probeWebgpu })
  })()
  return probeCache
}

function providerConfig(name: ProviderName, deviceId: number | undefined): Ort.InferenceSession.ExecutionProviderConfig {
  if ((name === 'cuda' || name === 'dml') && deviceId !== undefined) return { name, deviceId }
  return name
}

function ortOptions(provider: ProviderName, o: SessionOptions): Ort.InferenceSession.SessionOptions {
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length
  const eps: Ort.InferenceSession.ExecutionProviderConfig[] = [providerConfig(provider, o.deviceId)]
  if (provider !== 'cpu') eps.push('cpu')
  return {
    executionProviders: eps,
    intraOpNumThreads: o.intraOpNumThreads ?? cores,
    interOpNumThreads: o.interOpNumThreads ?? 1,
    graphOptimizationLevel: o.graphOptimizationLevel ?? 'all',
    executionMode: 'sequential',
    // DirectML does not support memory patterns (onnxruntime DirectML EP docs).
    enableMemPattern: provider !== 'dml',
    logSeverityLevel: 3
  }
}

/** Open `file` on the first provider that works, recording why faster ones were skipped. */
export async function createSession(file: string, options: SessionOptions = {}): Promise<OnnxSession> {
  const probe = await probeExecutionProviders()
  const { order, reasons, preferred } = planProviders(probe, options.providers)
  const name = path.basename(file)
  for (const provider of order) {
    try {
      const session = await ort().InferenceSession.create(file, ortOptions(provider, options))
      const fallbackReason = provider === preferred || reasons.length === 0 ? null : reasons.join(' ')
      const reopen = provider === 'cpu' ? null : () => ort().InferenceSession.create(file, ortOptions('cpu', options))
      return new OnnxSession(file, session, { provider, fallbackReason, adapter: provider === 'webgpu' ? probe.adapter : null, reopenOnCpu: reopen })
    } catch (err) {
      const message = (err as Error).message
      if (provider === 'cpu') {
        throw new WorkbenchError(
          {
            code: 'bad-model',
            item: file,
            message: `onnxruntime could not load ${name}: ${message}`,
            hint: 'Check that the file is a complete ONNX export (opset 7 to 22) and that any external-data files sit next to it.'
          },
          { cause: err }
        )
      }
      reasons.push(`${provider.toUpperCase()} execution provider failed to start for ${name} (${firstLine(message)}); ${ADVICE[provider] ?? 'check the GPU driver'}.`)
    }
  }
  throw new WorkbenchError({ code: 'inference-failed', item: file, message: `No execution provider could open ${name}.`, hint: reasons.join(' ') })
}

const ADVICE: Partial<Record<ProviderName, string>> = {
  cuda: 'CUDA needs the CUDA 12 and cuDNN 9 runtime libraries',
  webgpu: 'the adapter lacks a feature this graph needs (e.g. float16 shaders); the CPU provider runs it'
}

function firstLine(message: string): string {
  return message.split('\n')[0]
}

/** Where a session runs and how to move it to the CPU if its first batch fails there. */
export interface Placement {
  provider: ProviderName
  /** Why a faster provider was not used; null when the preferred one runs. */
  fallbackReason: string | null
  adapter: GpuAdapter | null
  /** Opens the same graph on the CPU provider; null for CPU sessions. */
  reopenOnCpu: (() => Promise<Ort.InferenceSession>) | null
}

function shapeText(shape: ReadonlyArray<number | string>): string {
  return `[${shape.join(', ')}]`
}

/** A loaded ONNX graph: typed metadata, checked `run`, float16 conversion at the boundary. */
export class OnnxSession {
  readonly inputs: SessionValue[]
  readonly outputs: SessionValue[]
  private disposed = false
  private ran = false

  constructor(
    readonly file: string,
    private session: Ort.InferenceSession,
    private placement: Placement
  ) {
    const values = (meta: readonly Ort.InferenceSession.ValueMetadata[]): SessionValue[] =>
      meta.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] }))
    this.inputs = values(session.inputMetadata)
    this.outputs = values(session.outputMetadata)
  }

  /** The execution provider the session runs on (cpu after a first-batch fallback). */
  get provider(): ProviderName {
    return this.placement.provider
  }

  /** Why a faster provider was not used, or why the first batch moved to the CPU; null when the preferred one runs. */
  get fallbackReason(): string | null {
    return this.placement.fallbackReason
  }

  /** The GPU behind a WebGPU session; null otherwise. */
  get adapter(): GpuAdapter | null {
    return this.placement.adapter
  }

  private get name(): string {
    return path.basename(this.file)
  }

  private fail(message: string, hint?: string): never {
    throw new WorkbenchError({ code: 'inference-failed', item: this.file, message: `${this.name}: ${message}`, hint })
  }

  /** Throw 'inference-failed' naming the input and the expected vs given shape when a feed does not fit. */
  checkFeeds(feeds: Record<string, Feed>): void {
    const names = this.inputs.map((i) => i.name)
    for (const key of Object.keys(feeds)) {
      if (!names.includes(key)) this.fail(`has no input \`${key}\`; its inputs are: ${names.join(', ')}.`)
    }
    for (const input of this.inputs) {
      const feed = feeds[input.name]
      if (!feed) this.fail(`input \`${input.name}\` ${shapeText(input.shape)} was not fed.`)
      this.checkFeed(input, feed)
    }
  }

  private checkFeed(input: SessionValue, feed: Feed): void {
    const wantsFloat = input.type === 'float32' || input.type === 'float16'
    const wantsInt = input.type === 'int64' || input.type === 'int32'
    if (!wantsFloat && !wantsInt) this.fail(`input \`${input.name}\` has type ${input.type}, which the workbench cannot feed.`, 'CLIP exports take float pixel values and int64 token ids.')
    if (wantsFloat !== feed.data instanceof Float32Array) {
      this.fail(`input \`${input.name}\` is ${input.type} but was fed ${feed.data.constructor.name}.`)
    }
    const expected = shapeText(input.shape)
    const got = shapeText(feed.dims)
    if (feed.dims.length !== input.shape.length) this.fail(`input \`${input.name}\` expects rank ${input.shape.length} ${expected}, got ${got}.`)
    input.shape.forEach((dim, i) => {
      if (typeof dim === 'number' && dim !== feed.dims[i]) {
        this.fail(`input \`${input.name}\` expects shape ${expected}, got ${got}: dimension ${i} must be ${dim}.`)
      }
    })
    const count = feed.dims.reduce((a, b) => a * b, 1)
    if (count !== feed.data.length) this.fail(`input \`${input.name}\` has ${feed.data.length} values but shape ${got} needs ${count}.`)
  }

  private tensor(input: SessionValue, feed: Feed): Ort.Tensor {
    const { Tensor } = ort()
    const dims = [...feed.dims]
    if (input.type === 'float16') return new Tensor('float16', float32ToFloat16(feed.data as Float32Array), dims)
    if (input.type === 'int32') return new Tensor('int32', Int32Array.from(feed.data as BigInt64Array, Number), dims)
    return feed.data instanceof Float32Array ? new Tensor('float32', feed.data, dims) : new Tensor('int64', feed.data, dims)
  }

  /** Run after checking feeds; `fetches` limits the outputs returned. ORT errors are rewritten with the feed shapes. */
  async run(feeds: Record<string, Feed>, fetches?: string[]): Promise<Record<string, Output>> {
    if (this.disposed) this.fail('the session was disposed.', 'Open the model again.')
    this.checkFeeds(feeds)
    const outputNames = this.outputs.map((o) => o.name)
    for (const f of fetches ?? []) if (!outputNames.includes(f)) this.fail(`has no output \`${f}\`; its outputs are: ${outputNames.join(', ')}.`)
    const tensors: Record<string, Ort.Tensor> = {}
    for (const input of this.inputs) tensors[input.name] = this.tensor(input, feeds[input.name])
    let result: Ort.InferenceSession.ReturnType
    try {
      result = await this.runOnce(tensors, fetches)
    } catch (err) {
      const fed = this.inputs.map((i) => `${i.name} ${i.type}${shapeText(feeds[i.name].dims)}`).join(', ')
      throw new WorkbenchError(
        {
          code: 'inference-failed',
          item: this.file,
          message: `onnxruntime failed running ${this.name} (${this.provider}) on ${fed}: ${(err as Error).message}`,
          hint: 'A smaller batch may help if memory ran out; otherwise the model export is inconsistent with its declared inputs.'
        },
        { cause: err }
      )
    }
    const out: Record<string, Output> = {}
    for (const [name, t] of Object.entries(result)) out[name] = { data: widen(t), dims: [...t.dims] }
    return out
  }

  /**
   * A GPU provider that fails on the first batch hands the session to the CPU with the reason recorded; once a batch
   * has run, failures are errors, so a run never switches provider midway (its embeddings come from one provider).
   */
  private async runOnce(tensors: Record<string, Ort.Tensor>, fetches: string[] | undefined): Promise<Ort.InferenceSession.ReturnType> {
    const attempt = (): Promise<Ort.InferenceSession.ReturnType> => (fetches ? this.session.run(tensors, fetches) : this.session.run(tensors))
    try {
      const result = await attempt()
      this.ran = true
      return result
    } catch (err) {
      const { reopenOnCpu, provider } = this.placement
      if (this.ran || !reopenOnCpu) throw err
      const cpu = await reopenOnCpu()
      await this.session.release().catch(() => undefined)
      this.session = cpu
      const reason = `${provider.toUpperCase()} execution provider failed on the first batch of ${this.name} (${firstLine((err as Error).message)}); it runs on the CPU.`
      this.placement = { provider: 'cpu', fallbackReason: [this.placement.fallbackReason, reason].filter(Boolean).join(' '), adapter: null, reopenOnCpu: null }
      const result = await attempt()
      this.ran = true
      return result
    }
  }

  /** Release the native session; later runs fail with a clear error. */
  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    await this.session.release()
  }
}

function widen(t: Ort.Tensor): Output['data'] {
  const data = t.data as unknown
  if (t.type === 'float16') return data instanceof Uint16Array ? float16ToFloat32(data) : Float32Array.from(data as ArrayLike<number>)
  if (data instanceof Float32Array || data instanceof BigInt64Array || data instanceof Int32Array || data instanceof Uint8Array) return data
  return Float32Array.from(data as ArrayLike<number>)
}
