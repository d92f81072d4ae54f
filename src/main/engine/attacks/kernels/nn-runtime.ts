// Runs the nn.wat kernels on a shared WebAssembly memory, optionally splitting each large call
// between this thread and one worker thread (disjoint output columns, so results are bit-identical).
import { Worker } from 'node:worker_threads'
import { availableParallelism } from 'node:os'
import { WorkbenchError } from '../../../../shared/contract/errors'
import { NN_WASM_BASE64 } from './nn-wasm'

const PAGE = 65536
const MAX_PAGES = 32768
/** Control block (int32 slots); float arguments use slots 20..24 as float32. */
const C = { seq: 0, done: 1, op: 2, failed: 3, args: 4, fargs: 20, claim: 26, next: 27, chunks: 28, width: 29, total: 30 }
const CTRL_INTS = 32
const OP_EXIT = 0
const OP_GEMM = 1
const OP_ADAM = 2
/** Below this many multiply-adds a call is not worth a thread hand-off (~20 µs). */
const SPLIT_MIN_WORK = 1 << 19
/** Each shared call is cut into about this many chunks that both threads claim until none is left. */
const CHUNKS_PER_CALL = 8

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
  gemm(a: number, sam: number, sak: number, b: number, bpan: number, brow: number, c: number, cpan: number,
    crow: number, m: number, k: number, n0: number, n1: number, acc: number): void
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
// bundled (electron-vite) alike without a separate entry file. Protocol: the main thread writes a
// job and bumps seq; whoever gets there first claims it (claim: job−1 → job). The worker only helps
// with jobs it claimed, so a worker that wakes late (busy machine) never delays the main thread.
const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads')
const { module, memory } = workerData
const ctrl = new Int32Array(memory.buffer, 0, ${CTRL_INTS})
const f = new Float32Array(memory.buffer, 0, ${CTRL_INTS})
const k = new WebAssembly.Instance(module, { env: { memory } }).exports
parentPort.postMessage('ready')
const a = ${C.args}, fa = ${C.fargs}
function run(op) {
  const chunks = ctrl[${C.chunks}], width = ctrl[${C.width}], total = ctrl[${C.total}]
  for (;;) {
    const c = Atomics.add(ctrl, ${C.next}, 1)
    if (c >= chunks) return
    const lo = c * width, hi = Math.min(total, lo + width)
    if (op === ${OP_GEMM}) k.gemm(ctrl[a], ctrl[a + 1], ctrl[a + 2], ctrl[a + 3], ctrl[a + 4], ctrl[a + 5], ctrl[a + 6], ctrl[a + 7], ctrl[a + 8], ctrl[a + 9], ctrl[a + 10], lo, hi, ctrl[a + 11])
    else k.adam(ctrl[a], ctrl[a + 1], ctrl[a + 2], ctrl[a + 3], lo, hi, f[fa], f[fa + 1], f[fa + 2], f[fa + 3], f[fa + 4])
  }
}
let seen = 0
for (;;) {
  Atomics.wait(ctrl, ${C.seq}, seen)
  const job = Atomics.load(ctrl, ${C.seq})
  seen = job
  const prev = (job - 1) | 0
  if (Atomics.compareExchange(ctrl, ${C.claim}, prev, job) !== prev) continue
  const op = ctrl[${C.op}]
  if (op === ${OP_EXIT}) break
  try { run(op) } catch (e) { Atomics.store(ctrl, ${C.failed}, 1) }
  Atomics.store(ctrl, ${C.done}, job)
  Atomics.notify(ctrl, ${C.done})
}
`

/** Where the 8-column panels of a matrix start (panel stride) and how far apart its rows are, in elements. */
export interface PanelLayout {
  panel: number
  row: number
}

/** A row-major matrix with leading dimension `ld`, seen as 8-column panels. */
export const rowMajor = (ld: number): PanelLayout => ({ panel: 8, row: ld })

/** A matrix of `rows` rows stored panel by panel (each 8-column strip contiguous, row-major inside). */
export const panelMajor = (rows: number): PanelLayout => ({ panel: 8 * rows, row: 8 })

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
  /**
   * C[m, 0:n] (+)= Σ_k A(m,k)·B(k,n) with A(m,k) at a + 4(m·sam + k·sak) and B, C in 8-column
   * panels (see nn.wat; rowMajor(ld) and panelMajor(rows) give the layouts). m % 4 == 0, n % 8 == 0.
   */
  gemm(a: number, sam: number, sak: number, b: number, bLayout: PanelLayout, c: number, cLayout: PanelLayout,
    m: number, k: number, n: number, accumulate?: boolean): void
  /** dst[j, i] = src[i, j]; rows and cols multiples of 4 (leading dimensions in elements). */
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

  /** Publish a job for the worker; the caller then claims chunks itself via `share`. */
  const publish = (op: number, ints: number[], floats: number[], chunks: number, width: number, total: number): number => {
    ctrl[C.op] = op
    ints.forEach((v, i) => (ctrl[C.args + i] = v))
    floats.forEach((v, i) => (ctrlF[C.fargs + i] = v))
    ctrl[C.chunks] = chunks
    ctrl[C.width] = width
    ctrl[C.total] = total
    Atomics.store(ctrl, C.next, 0)
    seq = (seq + 1) | 0
    Atomics.store(ctrl, C.seq, seq)
    Atomics.notify(ctrl, C.seq, 1)
    return seq
  }
  /** Work chunks of the published job on this thread, then close it or wait for the worker's part. */
  const share = (job: number, chunks: number, width: number, total: number, local: (lo: number, hi: number) => void): void => {
    for (let c = Atomics.add(ctrl, C.next, 1); c < chunks; c = Atomics.add(ctrl, C.next, 1)) {
      local(c * width, Math.min(total, (c + 1) * width))
    }
    const prev = (job - 1) | 0
    if (Atomics.compareExchange(ctrl, C.claim, prev, job) === prev) return
    const started = Date.now()
    while (Atomics.load(ctrl, C.done) !== job) {
      // Why: a kernel call takes milliseconds; a minute without an answer means the worker is gone.
      if (Date.now() - started > 60_000) {
        throw new WorkbenchError({ code: 'internal', message: 'A WSA training worker thread stopped answering.' })
      }
      Atomics.wait(ctrl, C.done, Atomics.load(ctrl, C.done), 1000)
    }
    if (Atomics.load(ctrl, C.failed) !== 0) {
      throw new WorkbenchError({ code: 'internal', message: 'A WSA training worker thread failed inside a kernel.' })
    }
  }

  return {
    threads: worker ? 2 : 1,
    alloc(floats) {
      const ptr = top
      top += Math.ceil((floats * 4) / 64) * 64
      if (top > memory.buffer.byteLength) {
        throw new WorkbenchError({ code: 'internal', message: `Kernel memory was sized too small (${top} bytes needed).` })
      }
      return { ptr, view: new Float32Array(memory.buffer, ptr, floats) }
    },
    gemm(a, sam, sak, b, bl, c, cl, m, kk, n, accumulate = false) {
      const acc = accumulate ? 1 : 0
      if (!worker || m * kk * n < SPLIT_MIN_WORK || n < 16) {
        k.gemm(a, sam, sak, b, bl.panel, bl.row, c, cl.panel, cl.row, m, kk, 0, n, acc)
        return
      }
      const width = 8 * Math.ceil(n / 8 / CHUNKS_PER_CALL)
      const chunks = Math.ceil(n / width)
      const job = publish(OP_GEMM, [a, sam, sak, b, bl.panel, bl.row, c, cl.panel, cl.row, m, kk, acc], [], chunks, width, n)
      share(job, chunks, width, n, (lo, hi) => k.gemm(a, sam, sak, b, bl.panel, bl.row, c, cl.panel, cl.row, m, kk, lo, hi, acc))
    },
    transpose: (src, dst, rows, cols, lds, ldd) => k.transpose(src, dst, rows, cols, lds, ldd),
    adam(p, g, m, v, count, stepSize, b1, b2, eps, bc2sqrt) {
      if (!worker || count < SPLIT_MIN_WORK / 4) {
        k.adam(p, g, m, v, 0, count, stepSize, b1, b2, eps, bc2sqrt)
        return
      }
      const width = 4 * Math.ceil(count / 4 / (2 * CHUNKS_PER_CALL))
      const chunks = Math.ceil(count / width)
      const job = publish(OP_ADAM, [p, g, m, v], [stepSize, b1, b2, eps, bc2sqrt], chunks, width, count)
      share(job, chunks, width, count, (lo, hi) => k.adam(p, g, m, v, lo, hi, stepSize, b1, b2, eps, bc2sqrt))
    },
    async close() {
      if (!worker) return
      publish(OP_EXIT, [], [], 0, 0, 0)
      await worker.terminate()
    }
  }
}

async function startWorker(module: WasmModule, memory: WasmMemory): Promise<Worker | undefined> {
  try {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { module, memory } })
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
