import { describe, expect, it } from 'vitest'
import { WSA_LAMBDA_GRID, balanceClasses, csaScores, runWsa, selectPseudoMembers, wsaFeatures, wsaThreshold, type EmbeddingRows } from '../../../../src/main/engine/attacks'
import { createRng } from '../../../../src/main/engine/rng'
import { rankAuc, syntheticRows } from './synthetic-embeddings'

const d = 16

describe('WSA selection math', () => {
  it('computes μ, population σ and τ = μ + λσ by hand', () => {
    const ref = Float64Array.from([0.1, 0.2, 0.3, 0.4])
    // μ = 0.25; σ² = (0.0225 + 0.0025 + 0.0025 + 0.0225) / 4 = 0.0125 (ddof 0).
    const { mu, sigma, tau } = wsaThreshold(ref, 1.5)
    expect(mu).toBeCloseTo(0.25, 15)
    expect(sigma).toBeCloseTo(Math.sqrt(0.0125), 15)
    expect(tau).toBeCloseTo(0.25 + 1.5 * Math.sqrt(0.0125), 15)
    expect(wsaThreshold(ref, -2).tau).toBeCloseTo(0.25 - 2 * Math.sqrt(0.0125), 15)
  })

  it('exposes the λ grid −2.5 … 2.5 in steps of 0.5', () => {
    expect(WSA_LAMBDA_GRID).toEqual([-2.5, -2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5])
  })

  it('selects pool items with score ≥ τ (the boundary included)', () => {
    expect(Array.from(selectPseudoMembers(Float64Array.from([0.3, 0.5, 0.42, 0.41, 0.9]), 0.42))).toEqual([1, 2, 4])
  })

  it('balances by seeded subsampling of the larger class to the smaller size', () => {
    const pos = Int32Array.from([3, 7, 9])
    const neg = Int32Array.from({ length: 10 }, (_, i) => i)
    const a = balanceClasses(pos, neg, 1)
    expect(Array.from(a.positives)).toEqual([3, 7, 9])
    expect(a.negatives.length).toBe(3)
    expect(new Set(a.negatives).size).toBe(3)
    expect(Array.from(a.negatives)).toEqual([...a.negatives].sort((x, y) => x - y))
    expect(balanceClasses(pos, neg, 1)).toEqual(a)
    const draws = new Set([1, 2, 3, 4, 5, 6].map((s) => Array.from(balanceClasses(pos, neg, s).negatives).join()))
    expect(draws.size).toBeGreaterThan(1)
    const b = balanceClasses(neg, pos, 1)
    expect(b.positives.length).toBe(3)
    expect(Array.from(b.negatives)).toEqual([3, 7, 9])
  })

  it('builds [ê_I ; ê_T (; CSA) (; AEA)] feature rows', () => {
    const rows = syntheticRows(3, 4, 1, 2)
    rows.aea = Float64Array.from([1, 2, 3, 4, 5, 6])
    const x = wsaFeatures(rows, 4, { csa: true, aea: true }, [2])
    const csa = csaScores(rows.image, rows.text, 3, 4)
    expect(Array.from(x)).toEqual([...rows.image.subarray(8, 12), ...rows.text.subarray(8, 12), Math.fround(csa[2]), 5, 6])
    expect(wsaFeatures(rows, 4).length).toBe(3 * 8)
  })
})

describe('runWsa', () => {
  const reference = syntheticRows(300, d, 101, 0)
  const target = syntheticRows(400, d, 102, 2)
  const pool = syntheticRows(600, d, 103, 3)

  it('reports the selection exactly (transductive pool, ground truth counted)', async () => {
    const { report } = await runWsa({ d, reference, target, seed: 9, model: 'logreg', lambda: 1.5, crossFit: false })
    const ref = csaScores(reference.image, reference.text, reference.n, d)
    const mu = ref.reduce((s, v) => s + v, 0) / ref.length
    const sigma = Math.sqrt(ref.reduce((s, v) => s + (v - mu) ** 2, 0) / ref.length)
    const tau = mu + 1.5 * sigma
    const targetCsa = csaScores(target.image, target.text, target.n, d)
    const selected = [...targetCsa.keys()].filter((i) => targetCsa[i] >= tau)
    const wrong = selected.filter((i) => target.truth?.[i] === 0).length
    expect(report).toMatchObject({
      poolSource: 'transductive',
      lambda: 1.5,
      nReference: 300,
      nPool: 400,
      nSelected: selected.length,
      nUsedPerClass: Math.min(selected.length, 300),
      nSelectedWithTruth: selected.length,
      nSelectedWrong: wrong,
      model: 'logreg',
      featureDim: 2 * d,
      epochsRun: null,
      crossFitFolds: null,
      trainedOnEvaluated: Math.min(selected.length, 300),
      lambdaRule: 'fixed'
    })
    expect(report.mu).toBeCloseTo(mu, 12)
    expect(report.sigma).toBeCloseTo(sigma, 12)
    expect(report.tau).toBeCloseTo(tau, 12)
    expect(report.selectionPrecision).toBeCloseTo((selected.length - wrong) / selected.length, 12)
    expect(selected.length).toBeGreaterThan(20)
  })

  it('uses a separate pool when given, and reports no precision without pool ground truth', async () => {
    const blindPool: EmbeddingRows = { ...pool, truth: undefined }
    const { report } = await runWsa({ d, reference, target, pool: blindPool, seed: 9, model: 'logreg', lambda: 1 })
    const poolCsa = csaScores(pool.image, pool.text, pool.n, d)
    expect(report.poolSource).toBe('separate')
    expect(report.nPool).toBe(600)
    expect(report.nSelected).toBe([...poolCsa].filter((s) => s >= report.tau).length)
    expect(report).toMatchObject({ nSelectedWrong: null, selectionPrecision: null, nSelectedWithTruth: 0 })
  })

  it('balances to the smaller class when pseudo-members outnumber the reference set', async () => {
    const { report } = await runWsa({ d, reference: syntheticRows(40, d, 104, 0), target, seed: 9, model: 'logreg', lambda: -2.5 })
    expect(report.nSelected).toBeGreaterThan(40)
    expect(report.nUsedPerClass).toBe(40)
  })

  it('scores members higher on separable data, with the MLP and with logistic regression', async () => {
    for (const model of ['mlp', 'logreg'] as const) {
      const { scores, report } = await runWsa({ d, reference, target, pool, seed: 4, model, lambda: 1, features: { csa: true } })
      expect(rankAuc(scores, target.truth ?? [])).toBeGreaterThan(0.9)
      expect(report.featureDim).toBe(2 * d + 1)
      if (model === 'mlp') expect(report.epochsRun).toBeGreaterThan(0)
      else expect(report.converged).toBe(true)
    }
  })

  it('is deterministic: the same spec twice gives identical scores', async () => {
    const spec = { d, reference, target, seed: 12, lambda: 1, mlp: { maxEpochs: 3 } }
    const a = await runWsa(spec)
    const b = await runWsa(spec)
    expect(Buffer.from(a.scores.buffer).equals(Buffer.from(b.scores.buffer))).toBe(true)
    expect(a.report).toEqual(b.report)
  })

  it('refuses a λ that selects nobody, saying to lower it', async () => {
    await expect(runWsa({ d, reference, target, seed: 1, lambda: 1e6 })).rejects.toMatchObject({ code: 'invalid-input', hint: expect.stringMatching(/Lower λ/) })
  })

  it('needs AEA vectors for every role when the AEA feature is on', async () => {
    await expect(runWsa({ d, reference, target, seed: 1, features: { aea: true } })).rejects.toMatchObject({ code: 'invalid-input' })
    const withAea = (rows: EmbeddingRows, seed: number): EmbeddingRows => {
      const rng = createRng(seed)
      return { ...rows, aea: Float64Array.from({ length: rows.n * 3 }, () => rng.next()) }
    }
    const { report } = await runWsa({ d, reference: withAea(reference, 1), target: withAea(target, 2), seed: 1, model: 'logreg', features: { aea: true } })
    expect(report.featureDim).toBe(2 * d + 3)
  })
})
