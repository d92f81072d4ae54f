// The minimum-per-class warning (attacks.md, "Minimum sample size"; issue 16): tiny classes must not look certain.
import { describe, expect, it, vi } from 'vitest'
import { printMetrics } from '../../../../src/cli/metrics-text'
import { evaluateScores } from '../../../../src/main/engine/metrics'
import { MIN_PER_CLASS } from '../../../../src/main/engine/metrics/evaluate'
import { metricsData } from '../../../../src/main/engine/runner/record'

/** n members scoring above n non-members (perfect separation), deterministic. */
const separated = (members: number, nonmembers: number) => ({
  scores: [...Array.from({ length: members }, (_, i) => 1 + i), ...Array.from({ length: nonmembers }, (_, i) => -1 - i)],
  labels: [...Array<0 | 1>(members).fill(1), ...Array<0 | 1>(nonmembers).fill(0)]
})

describe('minimum items per class', () => {
  it('1 member and 1 non-member: AUC 1 with a degenerate interval, and a warning that says why', async () => {
    const report = await evaluateScores(separated(1, 1), { resamples: 200, seed: 0 })
    expect(report.auc).toBe(1)
    expect(report.aucCI).toMatchObject({ lo: 1, hi: 1 })
    expect(report.warnings).toEqual([expect.stringMatching(/^Only 1 member\(s\) and 1 non-member\(s\): below 20 per class/)])
  })

  it('warns below the minimum in either class, not at it', async () => {
    expect(MIN_PER_CLASS).toBe(20)
    expect((await evaluateScores(separated(19, 50), { resamples: 20, seed: 0 })).warnings).toHaveLength(1)
    expect((await evaluateScores(separated(50, 19), { resamples: 20, seed: 0 })).warnings).toHaveLength(1)
    expect((await evaluateScores(separated(20, 20), { resamples: 20, seed: 0 })).warnings).toEqual([])
  })

  it('the CLI prints the warning under the metrics', async () => {
    const out: string[] = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true))
    try {
      printMetrics(metricsData(await evaluateScores(separated(1, 1), { resamples: 50, seed: 0 })))
    } finally {
      spy.mockRestore()
    }
    expect(out.join('')).toMatch(/\nWARNING: Only 1 member\(s\) and 1 non-member\(s\)/)
  })
})
