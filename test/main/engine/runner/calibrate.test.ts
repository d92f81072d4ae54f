// Reference-model calibration checks (docs/attacks.md "Reference-model calibration"): the target as its own
// reference, a copy of it, and a reference that saw the members are each warned about.
import { describe, expect, it } from 'vitest'
import { calibrationReport } from '../../../../src/main/engine/runner/calibrate'
import type { Item } from '../../../../src/main/engine/datasets'

const items = Array.from({ length: 20 }, (_, i) => ({ id: `i${i}`, membership: i < 10 ? 'member' : 'nonmember' }) as Item)
const target = items.map((_, i) => (i < 10 ? 0.8 : 0.4) + i / 1000)

describe('calibrationReport', () => {
  it('warns when the reference is the target itself', () => {
    const r = calibrationReport('demo-clip-l', 'fp1', 'fp1', items, target, target)
    expect(r.sameFingerprintAsTarget).toBe(true)
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toMatch(/is the target model itself/)
  })
  it('warns when a different file scores exactly like the target', () => {
    expect(calibrationReport('copy', 'fp2', 'fp1', items, target, target).warnings.join()).toMatch(/copy of it/)
  })
  it('warns when the reference separates members itself, and not when it does not', () => {
    const saw = calibrationReport(
      'saw',
      'fp2',
      'fp1',
      items,
      target,
      target.map((v) => v - 0.1)
    )
    expect(saw.referenceAuc).toBe(1)
    expect(saw.warnings.join()).toMatch(/probably saw the evaluation items/)
    const clean = calibrationReport(
      'clean',
      'fp3',
      'fp1',
      items,
      target,
      items.map((_, i) => i % 2)
    )
    expect(clean.referenceAuc).toBe(0.5)
    expect(clean.warnings).toEqual([])
    expect(clean.maxAbsDifference).toBeGreaterThan(0)
  })
})
