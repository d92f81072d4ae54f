// Runs the nn.wat kernels on a shared WebAssembly memory, optionally splitting each large call
// between this thread and one worker thread (disjoint output columns, so results are bit-identical).
import { availableParallelism } from 'node:os'
import { WorkbenchError } from '../../../../shared/contract/errors'
import { compileWasm, instantiate, sharedMemory } from '../../wasm'
import { CTRL_INTS, JobBoard, OP_ADAM, OP_GEMM } from './job-board'
import { NN_WASM_BASE64 } from './nn-wasm'

/** Most kernel memory an attack model may take: 2 GiB. */
const MAX_PAGES = 32768
/** Below this many multiply-adds a call is not worth a thread hand-off (~20 µs). */
const SPLIT_MIN_WORK = 1 << 19
/** Each shared call is cut into about this many chunks. */
const CHUNKS_PER_CALL = 8

interface NnExports {
  gemm(a: number, sam: number, sak: number, b: number, bpan: number, brow: number, c: number, cpan: number, crow: number, m: number, k: number, n0: number, n1: number, acc: number): void
  transpose(src: number, dst: number, rows: number, cols: number, lds: number, ldd: number): void
  adam(p: number, g: number, m: number, v: number, i0: number, i1: number, stepSize: number, b1: number, b2: number, eps: number, bc2sqrt: number): void
}

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
  gemm(a: number, sam: number, sak: number, b: number, bLayout: PanelLayout, c: number, cLayout: PanelLayout, m: number, k: number, n: number, accumulate?: boolean): void
  /** dst[j, i] = src[i, j]; rows and cols multiples of 4 (leading dimensions in elements). */
  transpose(src: number, dst: number, rows: number, cols: number, lds: number, ldd: number): void
  /** One Adam step on `count` elements (count % 4 == 0) of parameters p with gradients g. */
  adam(p: number, g: number, m: number, v: number, count: number, stepSize: number, b1: number, b2: number, eps: number, bc2sqrt: number): void
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
  const memory = sharedMemory({
    bytes,
    maximumPages: MAX_PAGES,
    tooLarge: () =>
      new WorkbenchError({
        code: 'invalid-input',
        message: `The attack model needs ${Math.round(bytes / 2 ** 20)} MiB of kernel memory, over the 2 GiB limit.`,
        hint: 'Use fewer features or smaller hidden layers.'
      })
  })
  const module = compileWasm(NN_WASM_BASE64)
  const k = instantiate<NnExports>(module, memory)
  const wanted = options.threads ?? Math.min(2, availableParallelism())
  const board = await JobBoard.open(module, memory, wanted >= 2)
  let top = CTRL_INTS * 4
  return {
    threads: board.threads,
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
      const gemm = (lo: number, hi: number): void => k.gemm(a, sam, sak, b, bl.panel, bl.row, c, cl.panel, cl.row, m, kk, lo, hi, acc)
      if (board.threads === 1 || m * kk * n < SPLIT_MIN_WORK || n < 16) return gemm(0, n)
      const width = 8 * Math.ceil(n / 8 / CHUNKS_PER_CALL)
      board.run(OP_GEMM, [a, sam, sak, b, bl.panel, bl.row, c, cl.panel, cl.row, m, kk, acc], [], width, n, gemm)
    },
    transpose: (src, dst, rows, cols, lds, ldd) => k.transpose(src, dst, rows, cols, lds, ldd),
    adam(p, g, m, v, count, stepSize, b1, b2, eps, bc2sqrt) {
      const adam = (lo: number, hi: number): void => k.adam(p, g, m, v, lo, hi, stepSize, b1, b2, eps, bc2sqrt)
      if (board.threads === 1 || count < SPLIT_MIN_WORK / 4) return adam(0, count)
      const width = 4 * Math.ceil(count / 4 / (2 * CHUNKS_PER_CALL))
      board.run(OP_ADAM, [p, g, m, v], [stepSize, b1, b2, eps, bc2sqrt], width, count, adam)
    },
    close: () => board.shutdown()
  }
}
