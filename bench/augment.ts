// Time of each augmentation (one seeded view) at 224² and 500×375, and of a 64-px preview of the bank.
// Reports process CPU time per view (user + system), which a busy shared machine distorts less than wall time.
import { applyView, parseBank, previewViews, type RgbImage } from '../src/main/engine/augment'

function photo(width: number, height: number): RgbImage {
  const data = new Uint8Array(width * height * 3)
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24 // mixed, noise-like
  return { data, width, height }
}

/** Machine yardstick: two passes of a bare 5-tap filter over the bytes of a 500×375 RGB image. */
function yardstick(): number {
  const a = photo(500, 375).data
  const k = [0.1, 0.2, 0.4, 0.2, 0.1]
  const out = new Float64Array(a.length)
  const c0 = process.cpuUsage()
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 6; i < a.length - 6; i++) out[i] = a[i - 6] * k[0] + a[i - 3] * k[1] + a[i] * k[2] + a[i + 3] * k[3] + a[i + 6] * k[4]
  }
  const c = process.cpuUsage(c0)
  return (c.user + c.system) / 1000
}

const specs = ['rrc', 'rrc(size=224)', 'rot', 'rot(interp=bilinear)', 'translate', 'jitter', 'blur', 'hflip', 'vflip', 'autocontrast', 'sharpness', 'posterize']
const reps = 40
const yard = Array.from({ length: 15 }, yardstick).sort((a, b) => a - b)[7]
console.log(`yardstick (bare 5-tap filter, 2 passes over 500×375×3 bytes): ${yard.toFixed(2)} CPU ms`)
for (const [w, h] of [
  [224, 224],
  [500, 375]
]) {
  const image = photo(w, h)
  console.log(`\n${w}×${h}: median CPU ms per view over ${reps} views (different k/seed)`)
  for (const spec of specs) {
    const bank = parseBank(spec)
    const times: number[] = []
    for (let r = 0; r < reps + 20; r++) {
      const c0 = process.cpuUsage()
      applyView(image, bank, 1, `item-${r}`, 7)
      const c = process.cpuUsage(c0)
      if (r >= 20) times.push((c.user + c.system) / 1000)
    }
    times.sort((a, b) => a - b)
    console.log(`  ${spec.padEnd(22)} ${times[reps >> 1].toFixed(2)}`)
  }
}
const t0 = performance.now()
await previewViews(photo(500, 375), parseBank('default'), 'item-1', 7, { size: 64 })
console.log(`\npreview of the default bank (11 tiles, 64 px) from 500×375: ${(performance.now() - t0).toFixed(0)} ms`)
