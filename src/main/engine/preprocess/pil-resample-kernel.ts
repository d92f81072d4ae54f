// Runs pil-resample.wat (Pillow's 8-bit resampling passes and the CHW lookup, WebAssembly SIMD) on a memory private
// to this thread: lays out one resize per call, copies the pixels in, and the result out.
import { WorkbenchError } from '../../../shared/contract/errors'
import { compileWasm, instantiate, privateMemory, type PrivateWasmMemory } from '../wasm'
import type { AxisPlan } from './pil-resample'
import { PIL_RESAMPLE_WASM_BASE64 } from './pil-resample-wasm'

interface ResampleExports {
  hpass(src: number, stride: number, rows: number, bounds: number, coeffs: number, ksize: number, outCols: number, dst: number): void
  vpass(src: number, stride: number, row0: number, bounds: number, coeffs: number, ksize: number, outRows: number, dst: number): void
  chw(src: number, cols: number, rows: number, table: number, dst: number, outWidth: number, plane: number, dy: number, dx: number): void
}

/** One resize of 8-bit RGB pixels: which input rows and columns it reads and which of Pillow's passes it runs. */
export interface ResizeJob {
  /** Input pixels, row-major HWC RGB, `width` pixels per row. */
  src: Uint8Array
  width: number
  /** Input rows read: [row0, row0 + rows). */
  row0: number
  rows: number
  /** Input columns kept where there is no horizontal pass: [x0, x0 + cols). */
  x0: number
  cols: number
  /** Horizontal taps (planAxis over the input width), or null to keep the columns as they are. */
  horizontal: AxisPlan | null
  /** Vertical taps over absolute input rows, or null to keep rows [row0, row0 + rows). */
  vertical: AxisPlan | null
}

/** Where a resized window lands in a CHW tensor of outHeight × outWidth planes (offsets as image.ts cropWindow). */
export interface ChwPlacement {
  outWidth: number
  outHeight: number
  dy: number
  dx: number
  /** RGB bytes of the padding where the window is smaller than the output (default 0: transformers' zeros). */
  fill?: readonly [number, number, number]
}

/** Bytes of input copied into the kernel's memory at a time (input rows are streamed, never copied whole). */
const STRIP_BYTES = 1 << 20
/** A memory grown past this for one large image is dropped after the call rather than kept for the next. */
const RETAIN_BYTES = 64 << 20
/** Vector loads and stores run up to 16 bytes past a buffer (pil-resample.wat). */
const PAD = 16

const outCols = (job: ResizeJob): number => (job.horizontal ? job.horizontal.bounds.length / 2 : job.cols)
const outRows = (job: ResizeJob): number => (job.vertical ? job.vertical.bounds.length / 2 : job.rows)

class ResampleKernel {
  private readonly memory: PrivateWasmMemory = privateMemory(4 << 20)
  private readonly fns = instantiate<ResampleExports>(compileWasm(PIL_RESAMPLE_WASM_BASE64), this.memory)
  private top = 0

  get bytes(): number {
    return this.memory.buffer.byteLength
  }

  /** Offsets of regions of the given sizes (16-byte aligned, each padded), the memory grown to hold them all. */
  layout(sizes: number[]): number[] {
    this.top = 0
    const at = sizes.map((size) => {
      const p = this.top
      this.top += Math.ceil((size + PAD) / 16) * 16
      return p
    })
    const missing = this.top - this.memory.buffer.byteLength
    if (missing > 0) this.grow(missing)
    return at
  }

  private grow(bytes: number): void {
    try {
      this.memory.grow(Math.ceil(bytes / 65536))
    } catch (err) {
      throw new WorkbenchError(
        { code: 'bad-item', message: `Resizing this image needs ${Math.ceil(this.top / 2 ** 20)} MiB of working memory, which cannot be had.`, hint: 'Downscale the image.' },
        { cause: err }
      )
    }
  }

  u8(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.memory.buffer, ptr, length)
  }

  i32(ptr: number, source: Int32Array): void {
    new Int32Array(this.memory.buffer, ptr, source.length).set(source)
  }

  /** Runs the job's passes; returns where its rows × cols × 3 result bytes are. */
  resize(job: ResizeJob, extra: number[]): { result: number; extra: number[] } {
    const cols = outCols(job)
    const rows = outRows(job)
    const h = job.horizontal
    const v = job.vertical
    const stride = job.width * 3
    const stripRows = h ? Math.max(1, Math.min(job.rows, Math.floor(STRIP_BYTES / stride))) : 0
    const [hb, hc, vb, vc, strip, passH, passV, ...rest] = this.layout([
      h ? h.bounds.byteLength : 0,
      h ? h.coeffs.byteLength : 0,
      v ? v.bounds.byteLength : 0,
      v ? v.coeffs.byteLength : 0,
      stripRows * stride,
      job.rows * cols * 3,
      v ? rows * cols * 3 : 0,
      ...extra
    ])
    if (h) {
      this.i32(hb, h.bounds)
      this.i32(hc, h.coeffs)
      for (let y = 0; y < job.rows; y += stripRows) {
        const n = Math.min(stripRows, job.rows - y)
        const from = (job.row0 + y) * stride
        this.u8(strip, n * stride).set(job.src.subarray(from, from + n * stride))
        this.fns.hpass(strip, stride, n, hb, hc, h.ksize, cols, passH + y * cols * 3)
      }
    } else if (job.x0 === 0 && job.cols === job.width) {
      this.u8(passH, job.rows * stride).set(job.src.subarray(job.row0 * stride, (job.row0 + job.rows) * stride))
    } else {
      const into = this.u8(passH, job.rows * cols * 3)
      for (let y = 0; y < job.rows; y++) {
        const from = (job.row0 + y) * stride + job.x0 * 3
        into.set(job.src.subarray(from, from + cols * 3), y * cols * 3)
      }
    }
    if (!v) return { result: passH, extra: rest }
    this.i32(vb, v.bounds)
    this.i32(vc, v.coeffs)
    this.fns.vpass(passH, cols * 3, job.row0, vb, vc, v.ksize, rows, passV)
    return { result: passV, extra: rest }
  }

  /** The job's result as CHW float32 through `table` (3 × 256 values), written into `out` at `offset`. */
  toChw(job: ResizeJob, table: Float32Array, place: ChwPlacement, out: Float32Array, offset: number): void {
    const plane = place.outWidth * place.outHeight
    const { result, extra } = this.resize(job, [table.byteLength, 3 * plane * 4])
    const [tablePtr, floats] = extra
    new Float32Array(this.memory.buffer, tablePtr, table.length).set(table)
    const tensor = new Float32Array(this.memory.buffer, floats, 3 * plane)
    const cols = outCols(job)
    const rows = outRows(job)
    // Padding (crop larger than the image) is the fill bytes through the table: padded before normalising, as transformers and OpenCLIP do.
    if (rows !== place.outHeight || cols !== place.outWidth) for (let c = 0; c < 3; c++) tensor.fill(table[c * 256 + (place.fill?.[c] ?? 0)], c * plane, (c + 1) * plane)
    this.fns.chw(result, cols, rows, tablePtr, floats, place.outWidth, plane, place.dy, place.dx)
    out.set(tensor, offset)
  }
}

let kernel: ResampleKernel | null = null

function withKernel<T>(run: (k: ResampleKernel) => T): T {
  kernel ??= new ResampleKernel()
  const k = kernel
  try {
    return run(k)
  } finally {
    if (k.bytes > RETAIN_BYTES) kernel = null
  }
}

/** The resized pixels of `job` (rows × cols × 3 bytes, as Pillow's Image.resize gives them). */
export function resizePixels(job: ResizeJob): Uint8Array {
  return withKernel((k) => {
    const { result } = k.resize(job, [])
    return k.u8(result, outRows(job) * outCols(job) * 3).slice()
  })
}

/** Resize `job` and write it as a CHW float32 tensor (byte u of channel c → table[256c + u]) into `out` at `offset`. */
export function resizeToChw(job: ResizeJob, table: Float32Array, place: ChwPlacement, out: Float32Array, offset: number): void {
  withKernel((k) => k.toChw(job, table, place, out, offset))
}
