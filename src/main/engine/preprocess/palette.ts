// The colour table of a palette image (PNG PLTE, GIF first frame's local or global table), read from the file's
// bytes: OpenCLIP pads palette images with palette entry fill_color before convert('RGB') (image.ts padColour).

/** RGB triples of the file's palette, or undefined when the bytes hold none. */
export function paletteOf(b: Uint8Array, format: string): Uint8Array | undefined {
  if (format === 'png') return pngPalette(b)
  if (format === 'gif') return gifPalette(b)
  return undefined
}

function pngPalette(b: Uint8Array): Uint8Array | undefined {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  for (let p = 8; p + 8 <= b.length;) {
    const length = view.getUint32(p)
    const type = String.fromCharCode(b[p + 4], b[p + 5], b[p + 6], b[p + 7])
    if (type === 'PLTE') return p + 8 + length <= b.length ? b.slice(p + 8, p + 8 + length) : undefined
    if (type === 'IDAT' || type === 'IEND') return undefined
    p += 12 + length
  }
  return undefined
}

function gifPalette(b: Uint8Array): Uint8Array | undefined {
  const tableSize = (packed: number): number => (packed & 0x80 ? 3 * (2 << (packed & 7)) : 0)
  const global = tableSize(b[10])
  let p = 13 + global
  while (p < b.length) {
    if (b[p] === 0x2c) {
      const local = tableSize(b[p + 9])
      if (local) return b.slice(p + 10, p + 10 + local)
      break
    }
    if (b[p] !== 0x21) break
    p += 2
    while (p < b.length && b[p] !== 0) p += b[p] + 1
    p += 1
  }
  return global ? b.slice(13, 13 + global) : undefined
}
