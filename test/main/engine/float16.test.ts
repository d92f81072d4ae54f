// float16 conversion: exhaustive over all 65,536 half patterns, nearest-even rounding, specials.
import { describe, expect, it } from 'vitest'
import { float16ToFloat32, float32ToFloat16, fromFloat16Bits, toFloat16Bits } from '../../../src/main/engine/float16'

describe('float16', () => {
  it('round-trips every finite and infinite half exactly, and keeps NaN', () => {
    const wrong: number[] = []
    for (let bits = 0; bits < 65536; bits++) {
      const value = fromFloat16Bits(bits)
      const isNaNPattern = ((bits >> 10) & 0x1f) === 0x1f && (bits & 0x3ff) !== 0
      const ok = isNaNPattern ? Number.isNaN(value) && Number.isNaN(fromFloat16Bits(toFloat16Bits(value))) : toFloat16Bits(value) === bits
      if (!ok) wrong.push(bits)
    }
    expect(wrong).toEqual([])
    expect(Array.from(float16ToFloat32(Uint16Array.from([0x3c00, 0x0001, 0xfc00])))).toEqual([1, 2 ** -24, -Infinity])
  })

  it('decodes known patterns, subnormals included', () => {
    expect(fromFloat16Bits(0x3c00)).toBe(1)
    expect(fromFloat16Bits(0xc000)).toBe(-2)
    expect(fromFloat16Bits(0x7bff)).toBe(65504)
    expect(fromFloat16Bits(0x0400)).toBe(2 ** -14)
    expect(fromFloat16Bits(0x0001)).toBe(2 ** -24)
    expect(fromFloat16Bits(0x03ff)).toBe(1023 * 2 ** -24)
    expect(Object.is(fromFloat16Bits(0x8000), -0)).toBe(true)
    expect(fromFloat16Bits(0x7c00)).toBe(Infinity)
    expect(fromFloat16Bits(0xfc00)).toBe(-Infinity)
  })

  it('rounds to nearest with ties to even, in normal and subnormal ranges', () => {
    const ulp1 = 2 ** -10
    expect(toFloat16Bits(1 + ulp1 / 2)).toBe(0x3c00) // tie -> even (1.0)
    expect(toFloat16Bits(1 + (3 * ulp1) / 2)).toBe(0x3c02) // tie -> even (1 + 2 ulp)
    expect(toFloat16Bits(1 + ulp1 / 2 + 2 ** -20)).toBe(0x3c01) // just above the tie
    expect(toFloat16Bits(2 ** -25)).toBe(0x0000) // half the smallest subnormal: tie -> 0
    expect(toFloat16Bits(2 ** -25 * 1.5)).toBe(0x0001)
    expect(toFloat16Bits(2 ** -24 * 1.5)).toBe(0x0002) // tie between 1 and 2 -> 2
    expect(toFloat16Bits(2 ** -24 * 2.5)).toBe(0x0002) // tie between 2 and 3 -> 2
    expect(toFloat16Bits(2 ** -14 - 2 ** -26)).toBe(0x0400) // rounds up into the normal range
    expect(toFloat16Bits(1e-10)).toBe(0x0000)
    expect(toFloat16Bits(-1e-10)).toBe(0x8000)
  })

  it('overflows to infinity exactly past the largest half', () => {
    expect(toFloat16Bits(65504)).toBe(0x7bff)
    expect(toFloat16Bits(65519)).toBe(0x7bff) // below the midpoint to 2^16
    expect(toFloat16Bits(65520)).toBe(0x7c00) // midpoint ties to even = inf
    expect(toFloat16Bits(1e6)).toBe(0x7c00)
    expect(toFloat16Bits(-Infinity)).toBe(0xfc00)
    expect(toFloat16Bits(NaN) & 0x7c00).toBe(0x7c00)
    expect(toFloat16Bits(NaN) & 0x3ff).not.toBe(0)
  })

  it('picks the nearest half for random floats (checked against both neighbours)', () => {
    let seed = 12345
    const rand = (): number => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32
    const worse: number[] = []
    for (let i = 0; i < 20000; i++) {
      const x = Math.fround((rand() - 0.5) * 2 ** Math.floor(rand() * 40 - 28))
      const bits = toFloat16Bits(x)
      const err = Math.abs(fromFloat16Bits(bits) - x)
      for (const neighbour of [bits - 1, bits + 1]) {
        if ((neighbour & 0x7fff) >= 0x7c00 || neighbour < 0 || (neighbour & 0x8000) !== (bits & 0x8000)) continue
        if (Math.abs(fromFloat16Bits(neighbour) - x) < err) worse.push(x)
      }
    }
    expect(worse).toEqual([])
  })

  it('converts arrays both ways', () => {
    const src = Float32Array.from([0, -0, 1, -1.5, 65504, 1e-7, 3.14159])
    const back = float16ToFloat32(float32ToFloat16(src))
    expect(Array.from(back.slice(0, 5))).toEqual([0, -0, 1, -1.5, 65504])
    expect(back[5]).toBe(2 ** -23) // 1e-7 is 1.68 subnormal steps: rounds to 2 steps
    expect(back[6]).toBeCloseTo(3.140625, 6)
  })
})
