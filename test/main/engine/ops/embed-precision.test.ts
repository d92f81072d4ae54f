// `mia embed --out` writes float32 values that read back bit-identically (issue 17 item 7).
import { describe, expect, it } from 'vitest'
import { float32Json } from '../../../../src/main/engine/ops/embed'

/** Float32 bit patterns spread over every exponent, plus the edge cases. */
function samples(): Float32Array {
  const bits = new Uint32Array(200_000)
  let state = 0x9e3779b9
  for (let i = 0; i < bits.length; i++) {
    state ^= state << 13
    state ^= state >>> 17
    state ^= state << 5
    bits[i] = state >>> 0
  }
  const values = Array.from(new Float32Array(bits.buffer)).filter(Number.isFinite)
  const edges = [0, -0, 1, -1, 1.4e-45, -1.4e-45, 1.1754942e-38, 3.4028235e38, 0.1, 1 / 3, Math.fround(0.7071067811865476)]
  return Float32Array.from([...values, ...edges])
}

describe('float32Json', () => {
  it('round-trips every sampled float32 exactly through JSON text', () => {
    const v = samples()
    const back = Float32Array.from(JSON.parse(JSON.stringify(float32Json(v))) as number[])
    const a = new Uint32Array(v.buffer)
    const b = new Uint32Array(back.buffer)
    let mismatches = 0
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(v[i] === 0 && back[i] === 0)) mismatches++
    expect(mismatches).toBe(0)
  })

  it('8 significant digits would not (the old behaviour this replaces)', () => {
    const v = samples()
    let lost = 0
    for (const x of v) if (Math.fround(Number(x.toPrecision(8))) !== x) lost++
    expect(lost).toBeGreaterThan(v.length / 100)
  })
})
