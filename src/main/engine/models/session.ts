// The only onnxruntime-node importer: execution-provider choice with reasons, feed checks, fp16 I/O, dispose.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import type * as Ort from 'onnxruntime-node'
import { WorkbenchError } from '../../../shared/contract/errors'
import { float16ToFloat32, float32ToFloat16 } from '../float16'

/** Execution providers the workbench knows how to ask onnxruntime-node for. */
export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'cpu'

/** Which providers can be tried here, in preference order (cpu last), and why faster ones cannot. */
export interface ProviderProbe {
  available: ProviderName[]
  fallbacks: string[]
}

/** Session settings; every field has a sensible default. */
export interface SessionOptions {
  /** Preference order; default: the platform table (cuda on Linux, dml on Windows, coreml on macOS) then cpu. */
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

const PLATFORM_TABLE: Record<string, ProviderName> = { linux: 'cuda', win32: 'dml', darwin: 'coreml' }
const CUDA_LIB = 'libonnxruntime_providers_cuda.so'
// Why not `require`: the ESM bundle (out/main/chunks) declares its own `require` at chunk scope; a second one stops the engine from loading.
const requireHere = createRequire(import.meta.url)
let ortModule: typeof Ort | null = null
let probeCache: ProviderProbe | null = null

function ort(): typeof Ort {
  if (ortModule) return ortModule
  try {
    ortModule = requireHere('onnxruntime-node') as typeof Ort
    ortModule.env.logLevel = 'error'
    return ortModule
  } catch (err) {
    throw new WorkbenchError(
      { code: 'inference-failed', message: `onnxruntime-node could not be loaded: ${(err as Error).message}`, hint: 'Run `npm run setup` to reinstall the native inference runtime for this platform.' },
      { cause: err }
    )
  }
}

function ortBinDir(): string {
  const pkg = path.dirname(requireHere.resolve('onnxruntime-node/package.json'))
  return path.join(pkg, 'bin', 'napi-v6', process.platform, process.arch)
}

function probeGpu(provider: ProviderName, supported: Set<string>): string | null {
  const where = `${process.platform}/${process.arch}`
  if (!supported.has(provider)) return `No ${provider.toUpperCase()} execution provider in onnxruntime-node for ${where}; using the CPU.`
  if (provider !== 'cuda') return null
  if (!fs.existsSync(path.join(ortBinDir(), CUDA_LIB))) {
    return 'CUDA execution provider not installed: onnxruntime-node was installed without its CUDA add-on (offline install); run `npm run setup` online on Linux x64 with an NVIDIA driver.'
  }
  if (!fs.existsSync('/proc/driver/nvidia/version')) {
    return 'CUDA execution provider installed but no NVIDIA driver is loaded (/proc/driver/nvidia/version is missing); using the CPU.'
  }
  return null
}

/** Which execution providers can be tried on this machine, with a human reason for each one that cannot. */
export function probeExecutionProviders(): ProviderProbe {
  if (probeCache) return probeCache
  const fallbacks: string[] = []
  const available: ProviderName[] = []
  const preferred = PLATFORM_TABLE[process.platform]
  let supported: Set<string>
  try {
    supported = new Set(ort().listSupportedBackends().map((b) => b.name))
  } catch (err) {
    return { available: [], fallbacks: [(err as Error).message] }
  }
  if (preferred) {
    const reason = probeGpu(preferred, supported)
    if (reason) fallbacks.push(reason)
    else available.push(preferred)
  } else {
    fallbacks.push(`No GPU execution provider is wired up for ${process.platform}; using the CPU.`)
  }
  available.push('cpu')
  probeCache = { available, fallbacks }
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

function plan(o: SessionOptions): { order: ProviderName[]; reasons: string[] } {
  const probe = probeExecutionProviders()
  if (!o.providers) return { order: probe.available, reasons: [...probe.fallbacks] }
  const order = o.providers.filter((p) => probe.available.includes(p))
  const missing = o.providers.filter((p) => !order.includes(p))
  const reasons = missing.length === 0 ? [] : [`${missing.join(', ')} not available here.`, ...probe.fallbacks]
  if (!order.includes('cpu')) order.push('cpu')
  return { order, reasons }
}

/** Open `file` on the first provider that works, recording why faster ones were skipped. */
export async function createSession(file: string, options: SessionOptions = {}): Promise<OnnxSession> {
  const { order, reasons } = plan(options)
  const requested = options.providers?.[0] ?? PLATFORM_TABLE[process.platform] ?? 'cpu'
  const name = path.basename(file)
  for (const provider of order) {
    try {
      const session = await ort().InferenceSession.create(file, ortOptions(provider, options))
      const fallbackReason = provider === requested || reasons.length === 0 ? null : reasons.join(' ')
      return new OnnxSession(file, session, provider, fallbackReason)
    } catch (err) {
      const message = (err as Error).message
      if (provider === 'cpu') {
        throw new WorkbenchError(
          { code: 'bad-model', item: file, message: `onnxruntime could not load ${name}: ${message}`, hint: 'Check that the file is a complete ONNX export (opset 7 to 22) and that any external-data files sit next to it.' },
          { cause: err }
        )
      }
      const advice = provider === 'cuda' ? 'CUDA needs the CUDA 12 and cuDNN 9 runtime libraries' : 'check the GPU driver'
      reasons.push(`${provider.toUpperCase()} execution provider failed to start for ${name} (${message.split('\n')[0]}); ${advice}.`)
    }
  }
  throw new WorkbenchError({ code: 'inference-failed', item: file, message: `No execution provider could open ${name}.`, hint: reasons.join(' ') })
}

function shapeText(shape: ReadonlyArray<number | string>): string {
  return `[${shape.join(', ')}]`
}

/** A loaded ONNX graph: typed metadata, checked `run`, float16 conversion at the boundary. */
export class OnnxSession {
  readonly inputs: SessionValue[]
  readonly outputs: SessionValue[]
  private disposed = false

  constructor(
    readonly file: string,
    private readonly session: Ort.InferenceSession,
    /** The execution provider the session was created on. */
    readonly provider: ProviderName,
    /** Why a faster provider was not used; null when the preferred one runs. */
    readonly fallbackReason: string | null
  ) {
    const values = (meta: readonly Ort.InferenceSession.ValueMetadata[]): SessionValue[] =>
      meta.map((m) => (m.isTensor ? { name: m.name, type: m.type, shape: [...m.shape] } : { name: m.name, type: 'non-tensor', shape: [] }))
    this.inputs = values(session.inputMetadata)
    this.outputs = values(session.outputMetadata)
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
      result = fetches ? await this.session.run(tensors, fetches) : await this.session.run(tensors)
    } catch (err) {
      const fed = this.inputs.map((i) => `${i.name} ${i.type}${shapeText(feeds[i.name].dims)}`).join(', ')
      throw new WorkbenchError(
        { code: 'inference-failed', item: this.file, message: `onnxruntime failed running ${this.name} (${this.provider}) on ${fed}: ${(err as Error).message}`, hint: 'A smaller batch may help if memory ran out; otherwise the model export is inconsistent with its declared inputs.' },
        { cause: err }
      )
    }
    const out: Record<string, Output> = {}
    for (const [name, t] of Object.entries(result)) out[name] = { data: widen(t), dims: [...t.dims] }
    return out
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
