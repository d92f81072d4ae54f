// Seeded, platform-independent pseudo-random numbers: every stochastic step of the engine
// (augmentation draws, bootstrap resamples, WSA balancing and training) is reproducible from a seed.

/** A deterministic random source; all draws come from one 32-bit state stream (sfc32). */
export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number
  /** Uniform integer in [0, n). */
  int(n: number): number
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number
  /** Standard normal (Box–Muller, no caching so the stream position stays simple). */
  normal(): number
}

/** FNV-1a over a string: turns structured seed parts into a 32-bit integer. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/**
 * Derive a 32-bit seed from parts, e.g. seedOf(itemId, k, experimentSeed): the same parts always
 * give the same seed, so a view (item, k, seed) is the same pixels on every run and machine.
 */
export function seedOf(...parts: Array<string | number>): number {
  return fnv1a(parts.map(String).join('\u241f'))
}

/** sfc32 generator seeded through splitmix32 so nearby seeds give unrelated streams. */
export function createRng(seed: number): Rng {
  let s = seed >>> 0
  const split = (): number => {
    s = (s + 0x9e3779b9) >>> 0
    let z = s
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  let a = split(),
    b = split(),
    c = split(),
    d = split()
  const u32 = (): number => {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 12; i++) u32()
  const next = (): number => u32() / 4294967296
  return {
    next,
    int: (n) => Math.floor(next() * n),
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal: () => {
      const u = 1 - next()
      const v = next()
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
    }
  }
}

/** Fisher–Yates shuffle in place with the given generator; returns the array. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(arr: T, rng: Rng): T {
  for (let i = arr.length - 1; i > 0; i--) {
    const j = rng.int(i + 1)
    const tmp = arr[i]
    arr[i] = arr[j]
    arr[j] = tmp
  }
  return arr
}
