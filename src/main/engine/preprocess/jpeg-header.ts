// The frame header (SOFn) of a JPEG read straight from its bytes, so a photo is decoded by one sharp pipeline instead
// of a metadata() pass and then a decode (issue 19: each sharp call is a libvips pipeline and a thread-pool round trip).

/** What a JPEG's frame header says: sample precision in bits, size, and number of colour components. */
export interface JpegFrame {
  precision: number
  width: number
  height: number
  components: number
}

/** SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC), which share the range. */
const isFrameMarker = (m: number): boolean => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc

/**
 * The frame header of the JPEG `b`, or null wherever its markers do not lead plainly to one (then the caller asks
 * sharp): segments are skipped by their lengths only, so the scan is bounded by the file's length.
 */
export function jpegFrame(b: Uint8Array): JpegFrame | null {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) return null
  let p = 2
  while (p + 4 <= b.length) {
    if (b[p] !== 0xff) return null
    const marker = b[p + 1]
    if (marker === 0xff) {
      p += 1
      continue
    }
    // Standalone markers (TEM, RSTn) carry no length; EOI or SOS before a frame header means there is none to read.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      p += 2
      continue
    }
    if (marker === 0xd8 || marker === 0xd9 || marker === 0xda) return null
    const length = (b[p + 2] << 8) | b[p + 3]
    if (length < 2) return null
    if (isFrameMarker(marker)) {
      if (length < 8 || p + 10 > b.length) return null
      const frame = { precision: b[p + 4], height: (b[p + 5] << 8) | b[p + 6], width: (b[p + 7] << 8) | b[p + 8], components: b[p + 9] }
      return frame.width > 0 && frame.height > 0 ? frame : null
    }
    p += 2 + length
  }
  return null
}
