// Terminal text of experiments: WSA's selection facts, and the Δ line's names, sign and intervals.
import { describe, expect, it, vi } from 'vitest'
import { deltaLine, printComparison, printRecord, wsaLines } from '../../src/cli/experiment-text'
import { makeExperimentView } from '../helpers/experiment-view'

describe('experiment text', () => {
  it('shows WSA τ, the pseudo-member count and the pool it came from', () => {
    const lines = wsaLines({ mu: 0.21, sigma: 0.04, tau: 0.27, lambda: 1.5, nReference: 500, nPool: 1200, poolSource: 'separate', nSelected: 87, nUsedPerClass: 87, selectionPrecision: 0.8 })
    expect(lines[0]).toBe('WSA threshold:     τ = μ + λσ = 0.2700 (μ 0.2100, σ 0.0400, λ 1.50) over 500 reference items')
    expect(lines[1]).toBe('pseudo-members:    87 of 1200 pool items (separate pool); 87 per class trained on')
    expect(lines[2]).toMatch(/^selection precision: 0\.800/)
    expect(wsaLines({ views: 1 })).toEqual([])
  })

  it('names both experiments, states A − B, and gives CIs for ΔAUC and ΔTPR@1% FPR', () => {
    const c = {
      a: 'id-a',
      b: 'id-b',
      nItems: 1000,
      deltaAuc: { delta: -0.05, ci: { lo: -0.07, hi: -0.03 }, pValue: 0.0004 },
      deltaTprAt1: { delta: 0.01, ci: { lo: -0.02, hi: 0.04 }, pValue: 0.4 },
      resamples: 1000,
      seed: 0
    }
    const names = new Map([
      ['id-a', 'ViT-B/32'],
      ['id-b', 'ViT-L/14']
    ])
    expect(deltaLine(c, names)).toBe('Δ ViT-B/32 − ViT-L/14 (1000 items): AUC -0.050 [-0.070, -0.030] p < 0.001; TPR@1% FPR +0.010 [-0.020, 0.040] p 0.400')
    const unresolvable = { ...c, deltaTprAt1: { delta: null, ci: null, pValue: null } }
    expect(deltaLine(unresolvable, names)).toMatch(/TPR@1% FPR n\/a \(not resolvable at these sizes\)$/)
  })

  it('tells two experiments of one name apart by what differs (plain vs calibrated CSA), in the rows and the Δ line', async () => {
    const plain = await makeExperimentView({ name: 'CSA run', seed: 0 })
    const base = await makeExperimentView({ name: 'CSA run', seed: 0 })
    const spec = { ...base.record.spec, params: { ...base.record.spec.params, calibration: { referenceModel: 'demo-clip-ref', mode: 'auto' as const } } }
    const calibrated = { ...base, record: { ...base.record, id: 'id-calibrated', spec } }
    const c = {
      a: plain.record.id,
      b: 'id-calibrated',
      nItems: 10,
      deltaAuc: { delta: 0, ci: { lo: 0, hi: 0 }, pValue: 1 },
      deltaTprAt1: { delta: null, ci: null, pValue: null },
      resamples: 100,
      seed: 0
    }
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      printComparison([plain, calibrated], [c], [])
      const text = out.mock.calls.map((call) => String(call[0])).join('')
      expect(text).toMatch(/^CSA run {2,}AUC/m)
      expect(text).toMatch(/^CSA run \(reference demo-clip-ref\) {2}AUC/m)
      expect(text).toContain('Δ CSA run − CSA run (reference demo-clip-ref) (10 items)')
    } finally {
      out.mockRestore()
    }
  })

  it('says how to resume an unfinished experiment, and leaves the blind warning out when the run already printed it', async () => {
    const { record } = await makeExperimentView({ id: '1a2b3c4d-0000-0000-0000-000000000000', name: 'demo' })
    const out: string[] = []
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s) => (out.push(String(s)), true))
    try {
      printRecord({ ...record, status: 'cancelled', results: null })
      expect(out.join('')).toContain('not finished: `mia resume 1a2b3c4d` continues it')
      out.length = 0
      const warning = 'Distribution shift: something.'
      const withWarning = { ...record, results: { ...record.results!, blindBaseline: { auc: 0.7, aucCI: { lo: 0.65, hi: 0.75 }, warning } } }
      printRecord(withWarning)
      expect(out.join('')).toContain(`WARNING: ${warning}`)
      out.length = 0
      printRecord(withWarning, new Set([warning]))
      expect(out.join('')).not.toContain('WARNING')
      expect(out.join('')).not.toContain('not finished')
    } finally {
      spy.mockRestore()
    }
  })
})
