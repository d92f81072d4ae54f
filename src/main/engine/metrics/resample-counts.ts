// Exact multinomial resample counts: Poisson(1) tables and streams for the kernels, and the fix-up to n.
import { WorkbenchError } from '../../../shared/contract/errors'
import { createRng, seedOf } from '../rng'

/*
 * Why not draw n indices: 10⁹ scattered increments (1000 resamples × 10⁶ items) take ~20 s in Node.
 * Instead: X_i ~ Poisson(1) iid with total S; given S = s the X are Multinomial(s, uniform). Removing a
 * uniform random subset of s − n of those balls (or adding n − s uniform balls) leaves n iid uniform
 * draws, i.e. exactly Multinomial(n, uniform): the bootstrap counts, at ~|s − n| ≈ √n extra draws.
 */

const TWO_32 = 4294967296
/** Pair-table entry meaning "search the slice ends" (never a code: values are ≤ 12, codes ≤ 204). */
export const SLOW = 255
/** Cells per block of the block prefix sums that locate a ball without a full prefix array. */
const BLOCK = 64

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

/** Single Poisson(1) value of a 32-bit draw (odd last cell, and table buckets a threshold splits). */
function poissonSlow(u: number): number {
  let x = 0
  while (x < POISSON_THRESHOLDS.length && u >= POISSON_THRESHOLDS[x]) x++
  return x
}

/** Poisson(1) probabilities P(X = k) for the values the single-draw thresholds allow. */
const POISSON_PMF: number[] = Array.from(POISSON_THRESHOLDS, (_, k) => {
  let p = Math.exp(-1)
  for (let i = 1; i <= k; i++) p /= i
  return p
})

/**
 * Two iid Poisson(1) values from one 32-bit draw: pairs (x₁, x₂), coded 16·x₁ + x₂, get consecutive
 * slices of [0, 2³²) of size P(x₁)P(x₂) — the same 2⁻³² resolution per value as one draw per cell,
 * at half the generator work. PAIR_THRESHOLDS[m] ends the slice of PAIR_CODES[m].
 */
export const PAIR_CODES: Uint8Array = Uint8Array.from(POISSON_PMF.flatMap((_, x1) => POISSON_PMF.map((__, x2) => 16 * x1 + x2)))
const PAIR_THRESHOLDS: Float64Array = (() => {
  const out = new Float64Array(PAIR_CODES.length)
  let cdf = 0
  PAIR_CODES.forEach((code, m) => {
    cdf += POISSON_PMF[code >>> 4] * POISSON_PMF[code & 15]
    out[m] = Math.min(TWO_32, Math.floor(cdf * TWO_32))
  })
  out[out.length - 1] = TWO_32
  return out
})()

function pairSlow(u: number): number {
  let lo = 0
  let hi = PAIR_THRESHOLDS.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (u < PAIR_THRESHOLDS[mid]) hi = mid
    else lo = mid + 1
  }
  return PAIR_CODES[lo]
}

/** Slice ends as unsigned 32-bit values for the kernel (the last, 2³², never compared, is clamped). */
export const PAIR_SLICE_ENDS: Uint32Array = Uint32Array.from(PAIR_THRESHOLDS, (t) => Math.min(t, TWO_32 - 1))

/** Pair code for each value of the top 16 bits of u, or SLOW where a slice boundary splits the bucket. */
export const PAIR_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(65536)
  for (let h = 0; h < 65536; h++) {
    const lo = pairSlow(h * 65536)
    table[h] = lo === pairSlow(h * 65536 + 65535) ? lo : SLOW
  }
  return table
})()

/** sfc32 state (the generator of rng.ts) as 4 words a, b, c, d, shared by the kernel and the fix-up. */
export type StreamState = Int32Array

/** A 4-word sfc32 state seeded from `createRng(seedOf(...parts))`: one independent stream per resample. */
export function streamState(...parts: Array<string | number>): StreamState {
  const rng = createRng(seedOf(...parts))
  const state = new Int32Array(4)
  for (let i = 0; i < 4; i++) state[i] = Math.floor(rng.next() * TWO_32) | 0
  return state
}

/** One sfc32 draw. */
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

/** Number of block prefix sums a draw over n cells needs. */
export function blockCount(n: number): number {
  return Math.ceil(n / BLOCK) + 1
}

/** The cell holding ball number `ball` (balls numbered in cell order), found via the block sums. */
function cellOfBall(counts: Uint8Array, blocks: Int32Array, ball: number): number {
  let lo = 0
  let hi = Math.ceil(counts.length / BLOCK) - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1
    if (blocks[mid] <= ball) lo = mid
    else hi = mid - 1
  }
  let cell = lo * BLOCK
  let before = blocks[lo]
  while (before + counts[cell] <= ball) before += counts[cell++]
  return cell
}

/**
 * A uniform random k-subset of [0, total), ascending: draw the missing number of values uniformly, sort,
 * drop repeats, until k distinct remain. Every step treats all values alike, so every k-subset is equally
 * likely; with k ≈ √total repeats are rare, and sorting a typed array beats a Set per draw.
 */
function randomSubset(total: number, k: number, state: StreamState): Float64Array {
  let chosen = new Float64Array(0)
  while (chosen.length < k) {
    const draws = new Float64Array(k)
    draws.set(chosen)
    for (let r = chosen.length; r < k; r++) draws[r] = nextBelow(state, total)
    draws.sort()
    let distinct = 0
    for (let r = 0; r < k; r++) if (r === 0 || draws[r] !== draws[r - 1]) draws[distinct++] = draws[r]
    chosen = draws.slice(0, distinct)
  }
  return chosen
}

/** Cells the kernel's fill fills for n cells: whole pairs (one 32-bit draw each). */
export function kernelCells(n: number): number {
  return n & ~1
}

/**
 * Finish a multinomial draw after the kernel gave iid Poisson(1) counts to the first kernelCells(n) cells
 * (their total `filledTotal`, complete block sums): draw the odd last cell, close the block sums, then
 * remove a uniform random subset of surplus balls or add missing balls uniformly, so that `counts` is
 * exactly Multinomial(n, uniform), n = counts.length.
 */
export function completeCounts(counts: Uint8Array, blocks: Int32Array, filledTotal: number, state: StreamState): void {
  const n = counts.length
  let total = filledTotal
  for (let cell = kernelCells(n); cell < n; cell++) {
    const x = poissonSlow(nextU32(state))
    counts[cell] = x
    total += x
  }
  blocks[Math.ceil(n / BLOCK)] = total
  if (total > n) {
    // Locate every removed ball on the unmodified counts first, then remove them.
    const cells = Array.from(randomSubset(total, total - n, state), (ball) => cellOfBall(counts, blocks, ball))
    for (const cell of cells) counts[cell]--
    return
  }
  for (let r = total; r < n; r++) {
    const cell = nextBelow(state, n)
    // Unreachable in practice (a cell would need > 240 of ~√n extra draws); stay exact if it happens.
    if (counts[cell] === 255) throw new WorkbenchError({ code: 'internal', message: 'A bootstrap resample count exceeded 255.', hint: 'Rerun with another seed.' })
    counts[cell]++
  }
}
