// The WebAssembly resampling passes against a scalar transcription of Pillow's Resample.c written here (the PIL
// fixtures of image-reference.test.ts check both against Pillow itself): every byte and every float equal, for every
// filter, up- and downscaling, crop windows, odd strides, streamed strips and sums that clip at both ends.
import { describe, expect, it } from 'vitest'
import { PIL_RESAMPLE, planAxis, type AxisPlan } from '../../../../src/main/engine/preprocess/pil-resample'
import { resizePixels, resizeToChw, type ResizeJob } from '../../../../src/main/engine/preprocess/pil-resample-kernel'
import { createRng, seedOf } from '../../../../src/main/engine/rng'

const stream = (name: string): (() => number) => createRng(seedOf(name)).next

// Resample.c, ImagingResampleHorizontal_8bpc / ImagingResampleVertical_8bpc with clip8, one channel at a time.
const clip8 = (v: number): number => (v >= 1 << 30 ? 255 : v <= 0 ? 0 : v >> 22)

function horizontal(src: Uint8Array, width: number, row0: number, rows: number, plan: AxisPlan): Uint8Array {
  const cols = plan.bounds.length / 2
  const out = new Uint8Array(rows * cols * 3)
  for (let y = 0; y < rows; y++)
    for (let xx = 0; xx < cols; xx++)
      for (let c = 0; c < 3; c++) {
        let ss = 1 << 21
        for (let x = 0; x < plan.bounds[xx * 2 + 1]; x++) {
          const px = src[((row0 + y) * width + plan.bounds[xx * 2] + x) * 3 + c]
          ss = (ss + Math.imul(px, plan.coeffs[xx * plan.ksize + x])) | 0
        }
        out[(y * cols + xx) * 3 + c] = clip8(ss)
      }
  return out
}

function vertical(src: Uint8Array, width: number, row0: number, plan: AxisPlan): Uint8Array {
  const rows = plan.bounds.length / 2
  const out = new Uint8Array(rows * width * 3)
  for (let yy = 0; yy < rows; yy++)
    for (let i = 0; i < width * 3; i++) {
      let ss = 1 << 21
      for (let y = 0; y < plan.bounds[yy * 2 + 1]; y++) ss = (ss + Math.imul(src[(plan.bounds[yy * 2] - row0 + y) * width * 3 + i], plan.coeffs[yy * plan.ksize + y])) | 0
      out[yy * width * 3 + i] = clip8(ss)
    }
  return out
}

/** What the job should give, pass by pass, as Pillow would compute it. */
function reference(job: ResizeJob): Uint8Array {
  let data: Uint8Array
  let width: number
  if (job.horizontal) {
    data = horizontal(job.src, job.width, job.row0, job.rows, job.horizontal)
    width = job.horizontal.bounds.length / 2
  } else {
    data = new Uint8Array(job.rows * job.cols * 3)
    for (let y = 0; y < job.rows; y++) data.set(job.src.subarray(((job.row0 + y) * job.width + job.x0) * 3, ((job.row0 + y) * job.width + job.x0 + job.cols) * 3), y * job.cols * 3)
    width = job.cols
  }
  return job.vertical ? vertical(data, width, job.row0, job.vertical) : data
}

function rowSpan(plan: AxisPlan): [number, number] {
  let lo = Infinity
  let hi = 0
  for (let i = 0; i < plan.bounds.length; i += 2) {
    lo = Math.min(lo, plan.bounds[i])
    hi = Math.max(hi, plan.bounds[i] + plan.bounds[i + 1])
  }
  return [lo, hi - lo]
}

/** A job resizing a w × h image to outW × outH with `filter`, keeping output columns/rows from x0/y0 on. */
function jobFor(src: Uint8Array, w: number, h: number, outW: number, outH: number, filter: number, win: { x0: number; cols: number; y0: number; rows: number }): ResizeJob {
  const horizontal = outW !== w ? planAxis(w, outW, filter, win.x0, win.cols) : null
  const vertical = outH !== h ? planAxis(h, outH, filter, win.y0, win.rows) : null
  const [row0, rows] = vertical ? rowSpan(vertical) : [win.y0, win.rows]
  return { src, width: w, row0, rows, x0: win.x0, cols: win.cols, horizontal, vertical }
}

/** Noise with hard edges (0 next to 255), so lanczos and bicubic overshoot and clip8 clips at both ends. */
function image(next: () => number, w: number, h: number): Uint8Array {
  const data = new Uint8Array(w * h * 3)
  for (let i = 0; i < data.length; i++) data[i] = next() < 0.3 ? (next() < 0.5 ? 0 : 255) : Math.floor(next() * 256)
  return data
}

const FILTERS = [PIL_RESAMPLE.lanczos, PIL_RESAMPLE.bilinear, PIL_RESAMPLE.bicubic, PIL_RESAMPLE.box, PIL_RESAMPLE.hamming]

describe('pil-resample.wat equals Resample.c', () => {
  it('for every filter, random sizes up and down, random windows', () => {
    const next = stream('pil-resample-kernel')
    const int = (lo: number, hi: number): number => lo + Math.floor(next() * (hi - lo + 1))
    let clipped = 0
    for (let t = 0; t < 150; t++) {
      const w = int(1, 90)
      const h = int(1, 90)
      const outW = int(1, 120)
      const outH = int(1, 120)
      const x0 = int(0, outW - 1)
      const y0 = int(0, outH - 1)
      const win = { x0, cols: int(1, outW - x0), y0, rows: int(1, outH - y0) }
      const src = image(next, w, h)
      const job = jobFor(src, w, h, outW, outH, FILTERS[t % FILTERS.length], win)
      const want = reference(job)
      expect(Buffer.from(resizePixels(job)).equals(Buffer.from(want)), `${w}×${h} → ${outW}×${outH}, filter ${FILTERS[t % FILTERS.length]}`).toBe(true)
      clipped += want.filter((v) => v === 0 || v === 255).length
    }
    expect(clipped).toBeGreaterThan(1000)
  })

  it('streams inputs larger than one strip (1 MiB) and keeps rows in place', () => {
    const next = stream('pil-resample-strips')
    const src = image(next, 1201, 700)
    const job = jobFor(src, 1201, 700, 298, 224, PIL_RESAMPLE.bicubic, { x0: 37, cols: 224, y0: 0, rows: 224 })
    expect(job.rows * job.width * 3).toBeGreaterThan(2 << 20)
    expect(Buffer.from(resizePixels(job)).equals(Buffer.from(reference(job)))).toBe(true)
    const wide = jobFor(image(next, 40000, 3), 40000, 3, 7, 5, PIL_RESAMPLE.lanczos, { x0: 0, cols: 7, y0: 0, rows: 5 })
    expect(Buffer.from(resizePixels(wide)).equals(Buffer.from(reference(wide)))).toBe(true)
  })

  it('writes the CHW lookup at its place in the batch, padding with byte 0 where the crop is larger', () => {
    const next = stream('pil-resample-chw')
    const table = Float32Array.from({ length: 768 }, () => next() * 4 - 2)
    const src = image(next, 50, 40)
    const job = jobFor(src, 50, 40, 30, 24, PIL_RESAMPLE.bicubic, { x0: 0, cols: 30, y0: 0, rows: 24 })
    const place = { outWidth: 32, outHeight: 28, dy: 3, dx: 1 }
    const plane = place.outWidth * place.outHeight
    const out = new Float32Array(5 + 3 * plane + 5).fill(-7)
    resizeToChw(job, table, place, out, 5)
    const bytes = reference(job)
    const want = new Float32Array(3 * plane)
    for (let c = 0; c < 3; c++) want.fill(table[c * 256], c * plane, (c + 1) * plane)
    for (let y = 0; y < 24; y++) for (let x = 0; x < 30; x++) for (let c = 0; c < 3; c++) want[c * plane + (y + 3) * 32 + x + 1] = table[c * 256 + bytes[(y * 30 + x) * 3 + c]]
    expect(Array.from(out.subarray(5, 5 + 3 * plane))).toEqual(Array.from(want))
    expect([...out.subarray(0, 5), ...out.subarray(5 + 3 * plane)]).toEqual(Array(10).fill(-7))
  })
})
