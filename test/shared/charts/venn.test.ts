// The Venn option: every region of 2 or 3 sets labelled with the exact count of its combination, computed here from the
// per-record flags (not from the intersections the option reads), and label points inside exactly their circles.
import { describe, expect, it } from 'vitest'
import { vennOption, vennRegions } from '../../../src/shared/charts/venn'
import { paperStyle, SCREEN_STYLE } from '../../../src/shared/charts/style'
import type { Agreement } from '../../../src/shared/contract/evidence'

/** An agreement of `n` experiments from explicit per-record flags; intersections built the way the engine builds them. */
function agreementOf(flags: boolean[][], members: boolean[]): Agreement {
  const n = flags[0].length
  const combos = new Map<string, { sets: number[]; count: number; members: number }>()
  flags.forEach((f, r) => {
    const sets = f.flatMap((x, i) => (x ? [i] : []))
    if (sets.length === 0) return
    const e = combos.get(sets.join()) ?? { sets, count: 0, members: 0 }
    e.count++
    if (members[r]) e.members++
    combos.set(sets.join(), e)
  })
  return {
    fpr: 0.01,
    nItems: flags.length,
    experiments: Array.from({ length: n }, (_, i) => ({ id: `e${i}`, name: `exp ${i}`, threshold: 0.5, flagged: flags.filter((f) => f[i]).length })),
    jaccard: [],
    intersections: [...combos.values()],
    records: flags.flatMap((f, r) => (f.some(Boolean) ? [{ id: `r${r}`, caption: '', membership: members[r] ? 'member' : 'nonmember', flags: f, exposure: 0.5 }] : [])),
    notes: []
  }
}

type Element = { type: string; name?: string; x?: number; y?: number; shape?: { cx: number; cy: number; r: number }; style: { text?: string } }

describe('vennOption', () => {
  for (const n of [2, 3]) {
    it(`labels all ${2 ** n - 1} regions of ${n} sets with their counts and members, at points inside exactly those circles`, () => {
      // Records 0..(2^n·3): every combination several times, membership alternating.
      const flags = Array.from({ length: 2 ** n * 3 + 1 }, (_, r) => Array.from({ length: n }, (_, i) => Boolean((r % 2 ** n) & (1 << i)) && r % 7 !== 3))
      const members = flags.map((_, r) => r % 2 === 0)
      const a = agreementOf(flags, members)
      const els = (vennOption(a, paperStyle(3.3)).graphic as { elements: Element[] }).elements
      const circles = els.filter((e) => e.type === 'circle')
      expect(circles.map((c) => c.name)).toEqual(a.experiments.map((e) => e.name))
      const texts = els.filter((e) => e.type === 'text')
      for (let mask = 1; mask < 2 ** n; mask++) {
        const inSet = (i: number): boolean => Boolean(mask & (1 << i))
        const expected = flags.filter((f) => f.every((x, i) => x === inSet(i)))
        const expectedMembers = flags.filter((f, r) => members[r] && f.every((x, i) => x === inSet(i))).length
        const region = vennRegions(a).find((g) => g.sets.join() === a.experiments.flatMap((_, i) => (inSet(i) ? [i] : [])).join())!
        expect([region.count, region.members]).toEqual([expected.length, expectedMembers])
        // The count label sits inside the circles of its sets and outside the others.
        const countIdx = texts.findIndex(
          (t, k) =>
            t.style.text === String(region.count) &&
            texts[k + 1]?.style.text === `${region.members} m.` &&
            circles.every((c, i) => Math.hypot(t.x! - c.shape!.cx, t.y! - c.shape!.cy) < c.shape!.r === inSet(i))
        )
        expect(countIdx, `region ${mask}`).toBeGreaterThanOrEqual(0)
      }
      const foot = texts[texts.length - 1].style.text!
      expect(foot).toContain(`${flags.filter((f) => !f.some(Boolean)).length} of ${flags.length} items flagged by none`)
    })
  }

  it('refuses one or four experiments (the UpSet figure draws those)', () => {
    const four = agreementOf([[true, false, true, false]], [true])
    expect(() => vennOption(four, SCREEN_STYLE)).toThrow(/2 or 3 experiments/)
  })
})
