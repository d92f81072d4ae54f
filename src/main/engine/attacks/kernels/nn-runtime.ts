// Runs the nn.wat kernels on a shared WebAssembly memory, optionally splitting each large call
// between this thread and one worker thread (disjoint output columns, so results are bit-identical).
import { Worker } from 'node:worker_threads'
import { availableParallelism } from 'node:os'
import { WorkbenchError } from '../../../../shared/contract/errors'
import { NN_WASM_BASE64 } from './nn-wasm'

const PAGE = 65536
const MAX_PAGES = 32768
/** Control block: [seq, done, op, failed, i32 args 4..15, f32 args 16..23]. */
const CTRL_INTS = 32
const OP_EXIT = 0
const OP_GEMM = 1
const OP_ADAM = 2
/** Below this many multiply-adds a call is not worth a thread hand-off (~20 µs). */
const SPLIT_MIN_WORK = 1 << 19

// Why: the Node typings (lib ES2023, no DOM) declare no WebAssembly values; this is the part we use.
type WasmModule = object
interface WasmMemory {
  readonly buffer: SharedArrayBuffer
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule
  Instance: new (module: WasmModule, imports: object) => { exports: unknown }
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => WasmMemory
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

interface NnExports {
  gemm(a: number, sam: number, sak: number, b: number, ldb: number, c: number, ldc: number,
    m: number, k: number, n0: number, n1: number, acc: number): void
  transpose(src: number, dst: number, rows: number, cols: number, lds: number, ldd: number): void
  adam(p: number, g: number, m: number, v: number, i0: number, i1: number,
    stepSize: number, b1: number, b2: number, eps: number, bc2sqrt: number): void
}

let compiled: WasmModule | undefined

function nnModule(): WasmModule {
  compiled ??= new wasm.Module(Buffer.from(NN_WASM_BASE64, 'base64'))
  return compiled
}

// The worker is plain CommonJS evaluated from a string, so it works unbundled (tsx, vitest) and
// bundled (electron-vite) alike without a separate entry file.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads')
const { module, memory, ctrlOffset } = workerData
const ctrl = new Int32Array(memory.buffer, ctrlOffset, ${CTRL_INTS})
const f = new Float32Array(memory.buffer, ctrlOffset, ${CTRL_INTS})
const k = new WebAssembly.Instance(module, { env: { memory } }).exports
parentPort.postMessage('ready')
let seen = 0
for (;;) {
  Atomics.wait(ctrl, 0, seen)
  seen = Atomics.load(ctrl, 0)
  const op = ctrl[2]
  if (op === ${OP_EXIT}) break
  try {
    if (op === ${OP_GEMM}) k.gemm(ctrl[4], ctrl[5], ctrl[6], ctrl[7], ctrl[8], ctrl[9], ctrl[10], ctrl[11], ctrl[12], ctrl[13], ctrl[14], ctrl[15])
    else if (op === ${OP_ADAM}) k.adam(ctrl[4], ctrl[5], ctrl[6], ctrl[7], ctrl[8], ctrl[9], f[16], f[17], f[18], f[19], f[20])
  } catch (e) { Atomics.store(ctrl, 3, 1) }
  Atomics.store(ctrl, 1, seen)
  Atomics.notify(ctrl, 1)
}
`

/** A bump allocation of float32 elements inside the runtime's memory. */
export interface NnBuffer {
  /** Byte offset in the wasm memory (64-byte aligned). */
  readonly ptr: number
  /** Float32 view of exactly this buffer. */
  readonly view: Float32Array
}

/** Kernels bound to one memory; create with createNnRuntime, release with close(). */
export interface NnRuntime {
  /** Reserve `floats` zeroed float32 elements. Call all allocations before computing. */
  alloc(floats: number): NnBuffer
  /** C[m, 0:n] (+)= Σ_k A(m,k)·B[k,n]; A(m,k) at a + 4(m·sam + k·sak). m % 4 == 0, n % 8 == 0. */
  gemm(a: number, sam: number, sak: number, b: number, ldb: number, c: number, ldc: number,
    m: number, k: number, n: number, accumulate?: boolean): void
  /** dst[j, i] = src[i, j] (leading dimensions in elements). */
  transpose(src: number, dst: number, rows: number, cols: number, lds: number, ldd: number): void
  /** One Adam step on `count` elements (count % 4 == 0) of parameters p with gradients g. */
  adam(p: number, g: number, m: number, v: number, count: number,
    stepSize: number, b1: number, b2: number, eps: number, bc2sqrt: number): void
  /** Threads actually used (1 or 2). */
  readonly threads: number
  /** Stop the worker, if any. */
  close(): Promise<void>
}

/** Options for createNnRuntime. */
export interface NnRuntimeOptions {
  /** Total float32 elements that will be allocated (sizes the memory once). */
  floats: number
  /** 1 or 2; default: 2 when the machine has at least 2 cores. */
  threads?: number
}

/** Instantiate the kernels on a fresh shared memory, starting a worker when threads = 2. */
export async function createNnRuntime(options: NnRuntimeOptions): Promise<NnRuntime> {
  const bytes = (CTRL_INTS + options.floats) * 4 + 64 * 64
  const pages = Math.ceil(bytes / PAGE)
  if (pages > MAX_PAGES) {
    throw new WorkbenchError({
      code: 'invalid-input',
      message: `The attack model needs ${Math.round(bytes / 2 ** 20)} MiB of kernel memory, over the 2 GiB limit.`,
      hint: 'Use fewer features or smaller hidden layers.'
    })
  }
  const memory = new wasm.Memory({ initial: pages, maximum: MAX_PAGES, shared: true })
  const module = nnModule()
  const k = new wasm.Instance(module, { env: { memory } }).exports as unknown as NnExports
  const ctrl = new Int32Array(memory.buffer, 0, CTRL_INTS)
  const ctrlF = new Float32Array(memory.buffer, 0, CTRL_INTS)
  const wanted = options.threads ?? Math.min(2, availableParallelism())
  const worker = wanted >= 2 ? await startWorker(module, memory) : undefined
  let top = CTRL_INTS * 4
  let seq = 0

  const dispatch = (op: number, ints: number[], floats: number[] = []): void => {
    ctrl[2] = op
    for (let i = 0; i < ints.length; i++) ctrl[4 + i] = ints[i]
    for (let i = 0; i < floats.length; i++) ctrlF[16 + i] = floats[i]
    seq = (seq + 1) | 0
    Atomics.store(ctrl, 0, seq)
    Atomics.notify(ctrl, 0)
  }
  const join = (): void => {
    const started = Date.now()
    for (;;) {
      const done = Atomics.load(ctrl, 1)
      if (done === seq) break
      // Why: a kernel call takes milliseconds; a minute without an answer means the worker is gone.
      if (Date.now() - started > 60_000) {
        throw new WorkbenchError({ code: 'internal', message: 'A WSA training worker thread stopped answering.' })
      }
      Atomics.wait(ctrl, 1, done, 1000)
    }
    if (Atomics.load(ctrl, 3) !== 0) {
      throw new WorkbenchError({ code: 'internal', message: 'A WSA training worker thread failed inside a kernel.' })
    }
  }

  return {
    threads: worker ? 2 : 1,
    alloc(floats) {
      const ptr = top
      top += Math.ceil((floats * 4) / 64) * 64
      if (top > memory.buffer.byteLength) throw new Error(`nn runtime: allocation past the sized memory (${top} bytes)`)
      return { ptr, view: new Float32Array(memory.buffer, ptr, floats) }
    },
    gemm(a, sam, sak, b, ldb, c, ldc, m, kk, n, accumulate = false) {
      const acc = accumulate ? 1 : 0
      if (!worker || m * kk * n < SPLIT_MIN_WORK || n < 16) {
        k.gemm(a, sam, sak, b, ldb, c, ldc, m, kk, 0, n, acc)
        return
      }
      const mid = 8 * Math.floor(n / 16)
      dispatch(OP_GEMM, [a, sam, sak, b, ldb, c, ldc, m, kk, mid, n, acc])
      k.gemm(a, sam, sak, b, ldb, c, ldc, m, kk, 0, mid, acc)
      join()
    },
    transpose: (src, dst, rows, cols, lds, ldd) => k.transpose(src, dst, rows, cols, lds, ldd),
    adam(p, g, m, v, count, stepSize, b1, b2, eps, bc2sqrt) {
      const floats = [stepSize, b1, b2, eps, bc2sqrt]
      if (!worker || count < SPLIT_MIN_WORK / 4) {
        k.adam(p, g, m, v, 0, count, stepSize, b1, b2, eps, bc2sqrt)
        return
      }
      const mid = 4 * Math.floor(count / 8)
      dispatch(OP_ADAM, [p, g, m, v, mid, count], floats)
      k.adam(p, g, m, v, 0, mid, stepSize, b1, b2, eps, bc2sqrt)
      join()
    },
    async close() {
      if (!worker) return
      dispatch(OP_EXIT, [])
      await worker.terminate()
    }
  }
}

async function startWorker(module: WasmModule, memory: WasmMemory): Promise<Worker | undefined> {
  try {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory, ctrlOffset: 0 } })
    worker.unref()
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve())
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`worker exited with code ${code}`)))
    })
    worker.removeAllListeners()
    worker.on('error', () => undefined)
    return worker
  } catch {
    // Why: a host that forbids threads still trains, just on one core; results are identical.
    return undefined
  }
}
