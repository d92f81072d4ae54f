// IEEE 754 binary16 <-> binary32 conversion for fp16 ONNX graphs (round to nearest, ties to even).

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)
let decodeTable: Float32Array | null = null

/** The binary16 bit pattern nearest to `value` (ties to even; overflow to ±inf; NaN stays NaN). */
export function toFloat16Bits(value: number): number {
  f32[0] = value
  const x = u32[0]
  const sign = (x >>> 16) & 0x8000
  const exp = (x >>> 23) & 0xff
  let mant = x & 0x7fffff
  if (exp === 0xff) return mant === 0 ? sign | 0x7c00 : sign | 0x7e00 | (mant >>> 13)
  const e = exp - 127 + 15
  if (e >= 0x1f) return sign | 0x7c00
  if (e <= 0) {
    // Subnormal half: value = M * 2^-24 with M the 24-bit significand shifted right by 14 - e.
    if (e < -10) return sign
    mant |= 0x800000
    const shift = 14 - e
    const half = 1 << (shift - 1)
    const rem = mant & ((1 << shift) - 1)
    let bits = mant >>> shift
    if (rem > half || (rem === half && (bits & 1) === 1)) bits += 1
    return sign | bits
  }
  let bits = (e << 10) | (mant >>> 13)
  const rem = mant & 0x1fff
  // A carry out of the mantissa correctly bumps the exponent (and reaches inf at the top).
  if (rem > 0x1000 || (rem === 0x1000 && (bits & 1) === 1)) bits += 1
  return sign | bits
}

/** The value of a binary16 bit pattern. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1
  const exp = (bits >>> 10) & 0x1f
  const mant = bits & 0x3ff
  if (exp === 0) return sign * mant * 2 ** -24
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN
  return sign * (1024 + mant) * 2 ** (exp - 25)
}

/** Convert float32 values to binary16 bit patterns (the data layout onnxruntime expects for float16). */
export function float32ToFloat16(src: ArrayLike<number>): Uint16Array {
  const out = new Uint16Array(src.length)
  for (let i = 0; i < src.length; i++) out[i] = toFloat16Bits(src[i])
  return out
}

/** Convert binary16 bit patterns to float32 (exact: every half is a float). */
export function float16ToFloat32(src: Uint16Array): Float32Array {
  if (decodeTable === null) {
    decodeTable = new Float32Array(65536)
    for (let i = 0; i < 65536; i++) decodeTable[i] = fromFloat16Bits(i)
  }
  const out = new Float32Array(src.length)
  for (let i = 0; i < src.length; i++) out[i] = decodeTable[src[i]]
  return out
}
