// Slices: AUC by pair counting, intervals as the metrics report's own bootstrap on the slice, small-slice warnings, filters.
import { describe, expect, it } from 'vitest'
import { evaluateScores } from '../../../../src/main/engine/metrics'
import { createRng } from '../../../../src/main/engine/rng'
import { itemsOfSlice, sliceRows, type SliceInput } from '../../../../src/main/engine/runner/slices'
import { SLICE_MIN_PER_CLASS } from '../../../../src/shared/contract/experiments'
import { WorkbenchError } from '../../../../src/shared/contract/errors'

/** 1200 targets: vendor a (strong signal, 600), b (weak, 580), c (20, few members); version 1…3; id unique (not a slice). */
function targets(): SliceInput[] {
  const rng = createRng(4)
  return Array.from({ length: 1200 }, (_, i) => {
    const vendor = i < 600 ? 'a' : i < 1180 ? 'b' : 'c'
    const label = vendor === 'c' ? (i % 10 === 0 ? 1 : 0) : i % 2
    const shift = vendor === 'a' ? 1.5 : 0.3
    return { metadata: { vendor, version: String(1 + (i % 3)), id: `item-${i}` }, score: rng.normal() + shift * label, label }
  })
}

/** AUC as P(member > non-member) + ½ P(tie), by counting pairs. */
function pairAuc(xs: readonly SliceInput[]): number {
  const m = xs.filter((x) => x.label === 1).map((x) => x.score)
  const n = xs.filter((x) => x.label === 0).map((x) => x.score)
  let wins = 0
  for (const a of m) for (const b of n) wins += a > b ? 1 : a === b ? 0.5 : 0
  return wins / (m.length * n.length)
}

const BOOT = { resamples: 200, seed: 3, confidence: 0.95 }

describe('sliceRows', () => {
  it('gives each metadata value its AUC (pair counting) and the intervals of a metrics report on that slice alone', async () => {
    const all = targets()
    const rows = await sliceRows(all, BOOT)
    expect(new Set(rows.map((r) => r.column))).toEqual(new Set(['vendor', 'version']))
    for (const r of rows) {
      const xs = all.filter((x) => String(x.metadata![r.column]) === r.value)
      expect(r.members + r.nonmembers).toBe(xs.length)
      expect(r.auc).toBeCloseTo(pairAuc(xs), 12)
      const report = await evaluateScores({ scores: xs.map((x) => x.score), labels: xs.map((x) => x.label) }, { ...BOOT, fprTargets: [0.01] })
      expect(r.aucCI).toEqual(report.aucCI)
      expect(r.aucCI!.lo).toBeLessThanOrEqual(r.auc!)
      expect(r.aucCI!.hi).toBeGreaterThanOrEqual(r.auc!)
      if (report.tprAtFpr['0.01'].resolvable) {
        expect(r.tprAt1).toBe(report.tprAtFpr['0.01'].tpr)
        expect(r.tprAt1CI).toEqual(report.tprAtFpr['0.01'].ci)
      }
    }
    const a = rows.find((r) => r.column === 'vendor' && r.value === 'a')!
    const b = rows.find((r) => r.column === 'vendor' && r.value === 'b')!
    expect(a.aucCI!.lo).toBeGreaterThan(b.aucCI!.hi)
  })

  it('warns under the per-class minimum, leaves TPR@1% unresolved under 100 non-members, and has no AUC for one class', async () => {
    const rows = await sliceRows(targets(), BOOT)
    const c = rows.find((r) => r.column === 'vendor' && r.value === 'c')!
    expect([c.members, c.nonmembers]).toEqual([2, 18])
    expect(c.warning).toContain(`below ${SLICE_MIN_PER_CLASS} per class`)
    expect(c.tprAt1).toBeNull()
    expect(c.tprAt1CI).toBeNull()
    expect(rows.find((r) => r.value === 'a')!.warning).toBeNull()
    const [only] = await sliceRows(
      [
        { metadata: { kind: 'x' }, score: 1, label: 1 },
        { metadata: { kind: 'x' }, score: 2, label: 1 },
        { metadata: { kind: 'y' }, score: 0, label: 0 }
      ],
      BOOT
    )
    expect(only).toMatchObject({ value: 'x', members: 2, nonmembers: 0, auc: null, aucCI: null, tprAt1: null })
  })
})

describe('itemsOfSlice', () => {
  it('keeps the labelled targets of one value, and names a slice no target has', () => {
    const all = targets()
    expect(itemsOfSlice(all, { column: 'vendor', value: 'c' })).toHaveLength(20)
    expect(() => itemsOfSlice(all, { column: 'vendor', value: 'zz' })).toThrow(WorkbenchError)
    let error: unknown = null
    try {
      itemsOfSlice(all, { column: 'colour', value: 'red' })
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({ code: 'not-found', item: 'colour = red' })
  })
})
