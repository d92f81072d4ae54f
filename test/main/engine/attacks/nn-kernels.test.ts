// nn.wat kernels against float64 references, on one thread and split across two (test/main/engine/wasm/runtime.test.ts checks the committed binary).
import { describe, expect, it } from 'vitest'
import { createNnRuntime, panelMajor, rowMajor } from '../../../../src/main/engine/attacks/kernels/nn-runtime'
import { createRng } from '../../../../src/main/engine/rng'

describe('nn.wat kernels', () => {
  it('gemm matches a float64 reference for A, Aᵀ, accumulation and a two-thread split', async () => {
    for (const threads of [1, 2]) {
      const rt = await createNnRuntime({ floats: 600_000, threads })
      const rng = createRng(threads)
      const [M, K, N] = [36, 150, 264] // m % 4 == 0, n % 8 == 0, odd k; big enough to split
      const a = rt.alloc(M * K)
      const at = rt.alloc(K * M)
      const b = rt.alloc(K * N)
      const c = rt.alloc(M * N)
      a.view.forEach((_, i) => (a.view[i] = rng.normal()))
      b.view.forEach((_, i) => (b.view[i] = rng.normal()))
      for (let m = 0; m < M; m++) for (let k = 0; k < K; k++) at.view[k * M + m] = a.view[m * K + k]
      const ref = (m: number, n: number): number => {
        let s = 0
        for (let k = 0; k < K; k++) s += a.view[m * K + k] * b.view[k * N + n]
        return s
      }
      rt.gemm(a.ptr, K, 1, b.ptr, rowMajor(N), c.ptr, rowMajor(N), M, K, N)
      const first = c.view.slice()
      let maxError = 0
      for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) maxError = Math.max(maxError, Math.abs(c.view[m * N + n] - ref(m, n)))
      expect(maxError).toBeLessThan(1e-4)
      rt.gemm(at.ptr, 1, M, b.ptr, rowMajor(N), c.ptr, rowMajor(N), M, K, N)
      expect(c.view).toEqual(first) // Aᵀ addressing gives the very same sums
      rt.gemm(a.ptr, K, 1, b.ptr, rowMajor(N), c.ptr, rowMajor(N), M, K, N, true)
      expect(c.view).toEqual(first.map((x) => Math.fround(x + x)))
      // Panel-major B and C: element (r, n) at ((n >> 3)·rows + r)·8 + (n & 7).
      const bp = rt.alloc(K * N)
      const cp = rt.alloc(M * N)
      for (let kk = 0; kk < K; kk++) for (let n = 0; n < N; n++) bp.view[((n >> 3) * K + kk) * 8 + (n & 7)] = b.view[kk * N + n]
      rt.gemm(a.ptr, K, 1, bp.ptr, panelMajor(K), cp.ptr, panelMajor(M), M, K, N)
      for (let m = 0; m < M; m++) for (let n = 0; n < N; n++) expect(cp.view[((n >> 3) * M + m) * 8 + (n & 7)]).toBe(first[m * N + n])
      await rt.close()
    }
  })

  it('transpose and adam match plain references', async () => {
    const rt = await createNnRuntime({ floats: 700_000, threads: 2 })
    const rng = createRng(7)
    // 8 × 12 block inside a 16-wide source, written into a 10-wide destination.
    const src = rt.alloc(8 * 16)
    const dst = rt.alloc(12 * 10)
    src.view.forEach((_, i) => (src.view[i] = i))
    dst.view.fill(-1)
    rt.transpose(src.ptr, dst.ptr, 8, 12, 16, 10)
    for (let j = 0; j < 12; j++) {
      for (let i = 0; i < 10; i++) expect(dst.view[j * 10 + i]).toBe(i < 8 ? i * 16 + j : -1)
    }
    const n = 160_000 // above the split threshold
    const [p, g, m, v] = [0, 1, 2, 3].map(() => rt.alloc(n))
    p.view.forEach((_, i) => (p.view[i] = rng.normal()))
    g.view.forEach((_, i) => (g.view[i] = rng.normal() * 0.01))
    m.view.fill(0.001)
    v.view.fill(0.0002)
    const [p0, g0] = [p.view.slice(), g.view.slice()]
    const t = 3
    const stepSize = 1e-3 / (1 - 0.9 ** t)
    const bc2 = Math.sqrt(1 - 0.999 ** t)
    rt.adam(p.ptr, g.ptr, m.ptr, v.ptr, n, stepSize, 0.9, 0.999, 1e-8, bc2)
    for (let i = 0; i < n; i += 997) {
      const mi = 0.9 * 0.001 + 0.1 * g0[i]
      const vi = 0.999 * 0.0002 + 0.001 * g0[i] * g0[i]
      expect(m.view[i]).toBeCloseTo(mi, 7)
      expect(v.view[i]).toBeCloseTo(vi, 9)
      expect(p.view[i]).toBeCloseTo(p0[i] - (stepSize * mi) / (Math.sqrt(vi) / bc2 + 1e-8), 6)
    }
    await rt.close()
  })
})
