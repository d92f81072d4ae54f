// Exact multinomial resample counts in one sequential pass: Poisson(1) per cell, then a fix-up to n.
import { createRng, seedOf } from '../rng'

/*
 * Why not draw n indices: 10⁹ scattered increments (1000 resamples × 10⁶ items) take ~20 s in Node.
 * Instead: X_i ~ Poisson(1) iid with total S; given S = s the X are Multinomial(s, uniform). Removing a
 * uniform random subset of s − n of those balls (or adding n − s uniform balls) leaves n iid uniform
 * draws, i.e. exactly Multinomial(n, uniform): the bootstrap counts, at ~|s − n| ≈ √n extra draws.
 */

const TWO_32 = 4294967296
const SLOW = 255

/** Poisson(1) CDF thresholds scaled to 2³²: X = #{k : u ≥ T_k} for a uniform 32-bit u. */
const POISSON_THRESHOLDS: Float64Array = (() => {
  const out: number[] = []
  let term = Math.exp(-1)
  let cdf = term
  // Stop once the remaining tail is below 2⁻³² (the resolution of one draw).
  for (let k = 1; out.length === 0 || out[out.length - 1] < TWO_32 - 1; k++) {
    out.push(Math.min(TWO_32 - 1, Math.floor(cdf * TWO_32)))
    term /= k
    cdf += term
  }
  return Float64Array.from(out)
})()

function poissonSlow(u: number): number {
  let x = 0
  while (x < POISSON_THRESHOLDS.length && u >= POISSON_THRESHOLDS[x]) x++
  return x
}

/** Poisson(1) value for each value of the top 16 bits of u, or SLOW where a threshold splits the bucket. */
const POISSON_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(65536)
  for (let h = 0; h < 65536; h++) {
    const lo = poissonSlow(h * 65536)
    table[h] = lo === poissonSlow(h * 65536 + 65535) ? lo : SLOW
  }
  return table
})()

/** sfc32 state (the generator of rng.ts), kept in a typed array so hot loops can inline it. */
export type StreamState = Int32Array

/** A 4-word sfc32 state seeded from `createRng(seedOf(...parts))`: one independent stream per resample. */
export function streamState(...parts: Array<string | number>): StreamState {
  const rng = createRng(seedOf(...parts))
  const state = new Int32Array(4)
  for (let i = 0; i < 4; i++) state[i] = Math.floor(rng.next() * TWO_32) | 0
  return state
}

function nextU32(state: StreamState): number {
  const a = state[0]
  const b = state[1]
  const c = state[2]
  const t = (((a + b) | 0) + state[3]) | 0
  state[3] = (state[3] + 1) | 0
  state[0] = b ^ (b >>> 9)
  state[1] = (c + (c << 3)) | 0
  state[2] = (((c << 21) | (c >>> 11)) + t) | 0
  return t >>> 0
}

/** Uniform integer in [0, range) from 53 random bits (no modulo bias worth naming). */
function nextBelow(state: StreamState, range: number): number {
  const hi = nextU32(state) >>> 5
  const lo = nextU32(state) >>> 6
  return Math.floor(((hi * 67108864 + lo) / 9007199254740992) * range)
}

/** Fill counts with iid Poisson(1) and cum with their prefix sums (cum[0] = 0); returns the total. */
function poissonFill(counts: Int32Array, cum: Int32Array, state: StreamState): number {
  let a = state[0]
  let b = state[1]
  let c = state[2]
  let d = state[3]
  let total = 0
  cum[0] = 0
  for (let i = 0; i < counts.length; i++) {
    // sfc32 step, inlined: a closure call per draw costs more than the rest of the loop.
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (((c << 21) | (c >>> 11)) + t) | 0
    const u = t >>> 0
    let x = POISSON_TABLE[u >>> 16]
    if (x === SLOW) x = poissonSlow(u)
    counts[i] = x
    total += x
    cum[i + 1] = total
  }
  state[0] = a
  state[1] = b
  state[2] = c
  state[3] = d
  return total
}

/** The cell holding ball number `ball` (0-based), i.e. the largest i with cum[i] ≤ ball. */
function cellOf(cum: Int32Array, cells: number, ball: number): number {
  let lo = 0
  let hi = cells - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (cum[mid] <= ball) lo = mid
    else hi = mid - 1
  }
  return lo
}

/**
 * Multinomial(n, uniform over n cells) counts into `counts` (n = counts.length): how often each item is
 * drawn by a bootstrap resample with replacement. `cum` is scratch of length n + 1.
 */
export function multinomialCounts(counts: Int32Array, cum: Int32Array, state: StreamState): void {
  const n = counts.length
  const total = poissonFill(counts, cum, state)
  if (total > n) {
    // Floyd's algorithm: a uniform random (total − n)-subset of the balls, numbered in cell order.
    const chosen = new Set<number>()
    for (let j = n; j < total; j++) {
      const t = nextBelow(state, j + 1)
      const ball = chosen.has(t) ? j : t
      chosen.add(ball)
      counts[cellOf(cum, n, ball)]--
    }
  } else {
    for (let r = total; r < n; r++) counts[nextBelow(state, n)]++
  }
}
