// Port of Pillow's Image.resize for 8-bit RGB (libImaging/Resample.c ImagingResample, and the affine nearest path of
// _imaging.c _resize), so resized pixels are bit-identical to the PIL pipelines CLIP used: the fixed-point taps here,
// the passes that apply them in pil-resample.wat (run by pil-resample-kernel.ts).

/** Pillow's Image.Resampling numbers, as stored in preprocessor_config.json `resample`. */
export const PIL_RESAMPLE = { nearest: 0, lanczos: 1, bilinear: 2, bicubic: 3, box: 4, hamming: 5 } as const

interface Filter {
  support: number
  weight(x: number): number
}

function sinc(x: number): number {
  if (x === 0) return 1
  const px = x * Math.PI
  return Math.sin(px) / px
}

// Kernels exactly as in Resample.c (bicubic a = -0.5, the Keys kernel PIL uses).
const FILTERS: Record<number, Filter> = {
  1: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
  2: { support: 1, weight: (x) => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0) },
  3: {
    support: 2,
    weight: (v) => {
      const x = Math.abs(v)
      if (x < 1) return (1.5 * x - 2.5) * x * x + 1
      if (x < 2) return (((x - 5) * x + 8) * x - 4) * -0.5
      return 0
    }
  },
  4: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  5: {
    support: 1,
    weight: (v) => {
      const x = Math.abs(v)
      if (x === 0) return 1
      if (x >= 1) return 0
      const px = x * Math.PI
      return (Math.sin(px) / px) * (0.54 + 0.46 * Math.cos(px))
    }
  }
}

const PRECISION_BITS = 32 - 8 - 2
const SCALE = 1 << PRECISION_BITS

/** Fixed-point taps for a run of output positions along one axis (Resample.c precompute_coeffs). */
export interface AxisPlan {
  /** Taps per output position. */
  ksize: number
  /** Per output position: first input index, number of taps. */
  bounds: Int32Array
  /** ksize fixed-point coefficients per output position (normalize_coeffs_8bpc). */
  coeffs: Int32Array
}

/** True when `resample` is a Pillow filter number this port implements. */
export function isSupportedResample(resample: number): boolean {
  return resample === 0 || resample in FILTERS
}

/** Plans of recent resizes: photos of a dataset often share a size, and a plan costs as much as the pass it drives. */
const recentPlans = new Map<string, AxisPlan>()
const RECENT_PLANS = 64

/**
 * Taps for output positions [first, first + count) of an inSize → outSize resize with a Pillow filter
 * (1–5). Same double arithmetic and truncating casts as the C code, so the integers match PIL's.
 * The plan may be shared with other callers: read it, never write it.
 */
export function planAxis(inSize: number, outSize: number, resample: number, first: number, count: number): AxisPlan {
  const key = `${inSize} ${outSize} ${resample} ${first} ${count}`
  let plan = recentPlans.get(key)
  if (!plan) {
    if (recentPlans.size >= RECENT_PLANS) recentPlans.clear()
    recentPlans.set(key, (plan = computePlan(inSize, outSize, resample, first, count)))
  }
  return plan
}

function computePlan(inSize: number, outSize: number, resample: number, first: number, count: number): AxisPlan {
  const filter = FILTERS[resample]
  const scale = inSize / outSize
  const filterscale = scale < 1 ? 1 : scale
  const support = filter.support * filterscale
  const ksize = Math.ceil(support) * 2 + 1
  const bounds = new Int32Array(count * 2)
  const coeffs = new Int32Array(count * ksize)
  const k = new Float64Array(ksize)
  const ss = 1 / filterscale
  for (let i = 0; i < count; i++) {
    const center = (first + i + 0.5) * scale
    const xmin = Math.max(0, Math.trunc(center - support + 0.5))
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin
    let ww = 0
    for (let x = 0; x < xmax; x++) {
      k[x] = filter.weight((x + xmin - center + 0.5) * ss)
      ww += k[x]
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x] / ww : k[x]
      coeffs[i * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * SCALE) : Math.trunc(0.5 + w * SCALE)
    }
    bounds[i * 2] = xmin
    bounds[i * 2 + 1] = xmax
  }
  return { ksize, bounds, coeffs }
}

/**
 * Source indices for nearest-neighbour output positions [first, first + count): Pillow resizes with
 * NEAREST through ImagingScaleAffine, which accumulates `xo += scale` in doubles; this repeats it.
 */
export function nearestIndices(inSize: number, outSize: number, first: number, count: number): Int32Array {
  const a = inSize / outSize
  const out = new Int32Array(count)
  let xo = a * 0.5
  for (let x = 0; x < first + count; x++) {
    if (x >= first) out[x - first] = Math.min(inSize - 1, xo < 0 ? 0 : Math.trunc(xo))
    xo += a
  }
  return out
}
