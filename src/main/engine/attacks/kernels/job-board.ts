// The two-thread job protocol for the nn kernels: a control block in shared wasm memory, a worker
// thread evaluated from source, and chunked jobs that both threads claim until none is left.
import type { Worker } from 'node:worker_threads'
import { WorkbenchError } from '../../../../shared/contract/errors'
import type { SharedWasmMemory, WasmModule } from '../../wasm'
import { startWorker as startThread } from '../../worker-threads'

/** Control block (int32 slots from byte 0 of the memory); float arguments use slots 20..24 as float32. */
const C = { seq: 0, done: 1, op: 2, failed: 3, args: 4, fargs: 20, claim: 26, next: 27, chunks: 28, width: 29, total: 30 }
/** Int32 slots the control block occupies at the start of the memory. */
export const CTRL_INTS = 32
const OP_EXIT = 0
/** Job kinds the worker runs. */
export const OP_GEMM = 1
export const OP_ADAM = 2

// The worker is self-contained CommonJS evaluated from a string (a `source` script of worker-threads.ts),
// so it works unbundled (tsx, vitest) and bundled (electron-vite) alike without a separate entry file. Protocol: the main thread writes a
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

/** Hands chunked kernel jobs to an optional worker thread; without one, runs them all locally. */
export class JobBoard {
  private readonly ctrl: Int32Array
  private readonly ctrlF: Float32Array
  private seq = 0

  private constructor(
    memory: SharedWasmMemory,
    private readonly worker: Worker | undefined
  ) {
    this.ctrl = new Int32Array(memory.buffer, 0, CTRL_INTS)
    this.ctrlF = new Float32Array(memory.buffer, 0, CTRL_INTS)
  }

  /** A board on `memory`, with a worker that instantiates `module` when `withWorker` (else none). */
  static async open(module: WasmModule, memory: SharedWasmMemory, withWorker: boolean): Promise<JobBoard> {
    return new JobBoard(memory, withWorker ? await startWorker(module, memory) : undefined)
  }

  /** 2 with a worker, else 1. */
  get threads(): number {
    return this.worker ? 2 : 1
  }

  /**
   * Run `op` over [0, total) cut into chunks of `width`: the worker (if any) may claim the job and
   * take chunks; this thread runs `local` on every chunk it takes. Returns when all are done.
   */
  run(op: number, ints: number[], floats: number[], width: number, total: number, local: (lo: number, hi: number) => void): void {
    const chunks = Math.ceil(total / width)
    if (!this.worker) {
      for (let c = 0; c < chunks; c++) local(c * width, Math.min(total, (c + 1) * width))
      return
    }
    const job = this.publish(op, ints, floats, chunks, width, total)
    const ctrl = this.ctrl
    try {
      for (let c = Atomics.add(ctrl, C.next, 1); c < chunks; c = Atomics.add(ctrl, C.next, 1)) {
        local(c * width, Math.min(total, (c + 1) * width))
      }
    } finally {
      // Why: even if a local chunk threw, the worker must be finished before memory is reused.
      Atomics.store(ctrl, C.next, chunks)
      this.close(job)
    }
  }

  private publish(op: number, ints: number[], floats: number[], chunks: number, width: number, total: number): number {
    const ctrl = this.ctrl
    ctrl[C.op] = op
    ints.forEach((v, i) => (ctrl[C.args + i] = v))
    floats.forEach((v, i) => (this.ctrlF[C.fargs + i] = v))
    ctrl[C.chunks] = chunks
    ctrl[C.width] = width
    ctrl[C.total] = total
    Atomics.store(ctrl, C.next, 0)
    this.seq = (this.seq + 1) | 0
    Atomics.store(ctrl, C.seq, this.seq)
    Atomics.notify(ctrl, C.seq, 1)
    return this.seq
  }

  /** Close the job if the worker never claimed it, else wait for the worker's chunks. */
  private close(job: number): void {
    const ctrl = this.ctrl
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

  /** Stop the worker, if any. */
  async shutdown(): Promise<void> {
    if (!this.worker) return
    this.publish(OP_EXIT, [], [], 0, 0, 0)
    await this.worker.terminate()
  }
}

async function startWorker(module: WasmModule, memory: SharedWasmMemory): Promise<Worker | undefined> {
  // Why: a host that forbids threads still trains, just on one core; results are identical.
  const worker = startThread({ source: WORKER_SOURCE }, { module, memory })
  if (!worker) return undefined
  try {
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
    return undefined
  }
}
