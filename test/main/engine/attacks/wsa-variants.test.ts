// WSA variants (docs/attacks.md "WSA"): bench2026's linear model against an independent AdamW logistic regression,
// the label-free λ rule on a constructed case, ko2023's evaluation protocol, cross-fitting folds, score rules.
import { describe, expect, it } from 'vitest'
import { csaScores, runWsa, wsaFeatures } from '../../../../src/main/engine/attacks'
import { linearInit, linearScores, trainLinearBce } from '../../../../src/main/engine/attacks/linear-bce'
import { initMlp, predictMlp } from '../../../../src/main/engine/attacks/mlp'
import { crossFitFolds } from '../../../../src/main/engine/attacks/wsa-fit'
import { chooseLambda, ko2023EvaluationRows, nonmemberShare, tprBelowFpr } from '../../../../src/main/engine/attacks/wsa-variants'
import { createRng, seedOf } from '../../../../src/main/engine/rng'
import { syntheticRows } from './synthetic-embeddings'

/** Independent full-batch logistic regression: BCE with logits, torch.optim.AdamW semantics, written from its docs. */
function referenceLogreg(x: number[][], y: number[], init: number[], epochs: number, lr = 1e-3, wd = 0.01): number[] {
  const theta = [...init]
  const m = theta.map(() => 0)
  const v = theta.map(() => 0)
  const [b1, b2, eps] = [0.9, 0.999, 1e-8]
  for (let t = 1; t <= epochs; t++) {
    const grad = theta.map(() => 0)
    x.forEach((row, i) => {
      const z = row.reduce((s, xi, j) => s + xi * theta[j], theta[row.length])
      const r = 1 / (1 + Math.exp(-z)) - y[i]
      row.forEach((xi, j) => (grad[j] += (r * xi) / x.length))
      grad[row.length] += r / x.length
    })
    for (let j = 0; j < theta.length; j++) {
      theta[j] -= lr * wd * theta[j]
      m[j] = b1 * m[j] + (1 - b1) * grad[j]
      v[j] = b2 * v[j] + (1 - b2) * grad[j] ** 2
      theta[j] -= (lr * (m[j] / (1 - b1 ** t))) / (Math.sqrt(v[j] / (1 - b2 ** t)) + eps)
    }
  }
  return theta
}

const sigmoidOf = (theta: number[], row: ArrayLike<number>): number => 1 / (1 + Math.exp(-Array.from(row).reduce((s, xi, j) => s + xi * theta[j], theta[row.length])))

describe('bench2026 linear model', () => {
  it('equals an independent AdamW logistic regression on a saved feature set (one batch per epoch)', () => {
    const rng = createRng(11)
    const n = 300
    const dim = 9
    const x = Float32Array.from({ length: n * dim }, () => rng.normal())
    const labels = Uint8Array.from({ length: n }, (_, i) => (x[i * dim] + 0.5 * rng.normal() > 0 ? 1 : 0))
    const init = Float64Array.from({ length: dim + 1 }, () => rng.uniform(-0.3, 0.3))
    const model = trainLinearBce(x, labels, n, dim, { seed: 1, init, epochs: 5, batchSize: 1024 })
    const rows = Array.from({ length: n }, (_, i) => Array.from(x.subarray(i * dim, (i + 1) * dim)))
    const theta = referenceLogreg(rows, Array.from(labels), Array.from(init), 5)
    const ours = linearScores(model, x, n, dim)
    rows.forEach((row, i) => expect(ours[i]).toBeCloseTo(sigmoidOf(theta, row), 12))
  })

  it('runWsa --wsa-variant bench2026: 2d+1 features, no balancing, λ 0.5, scores = the independent model', async () => {
    const d = 8
    const reference = syntheticRows(120, d, 201, 0)
    const target = syntheticRows(200, d, 202, 2)
    const { scores, report } = await runWsa({ d, reference, target, seed: 3, variant: 'bench2026' })
    expect(report).toMatchObject({ variant: 'bench2026', lambda: 0.5, model: 'linear-bce', balanced: false, featureDim: 2 * d + 1, crossFitFolds: null, scoreRule: 'sigmoid-logit1' })
    const ref = csaScores(reference.image, reference.text, reference.n, d)
    const mu = ref.reduce((s, v) => s + v, 0) / ref.length
    const sigma = Math.sqrt(ref.reduce((s, v) => s + (v - mu) ** 2, 0) / ref.length)
    const tcsa = csaScores(target.image, target.text, target.n, d)
    const selected = [...tcsa.keys()].filter((i) => tcsa[i] >= mu + 0.5 * sigma)
    expect(report.nSelected).toBe(selected.length)
    expect(report.nUsedPerClass).toBe(selected.length)
    const rowsOf = (f: Float32Array, k: number): number[][] => Array.from({ length: k }, (_, i) => Array.from(f.subarray(i * (2 * d + 1), (i + 1) * (2 * d + 1))))
    const x = [...rowsOf(wsaFeatures(reference, d, { csa: true }), reference.n), ...rowsOf(wsaFeatures(target, d, { csa: true }, selected), selected.length)]
    const y = [...new Array(reference.n).fill(0), ...new Array(selected.length).fill(1)]
    const theta = referenceLogreg(x, y, Array.from(linearInit(2 * d + 1, seedOf('wsa-train', 3))), 5)
    const all = rowsOf(wsaFeatures(target, d, { csa: true }), target.n)
    all.forEach((row, i) => expect(scores[i]).toBeCloseTo(sigmoidOf(theta, row), 9))
  })
})

describe('label-free λ rule', () => {
  it('estimates π₀ and picks the smallest λ reaching the target precision (worked by hand)', () => {
    const reference = Float64Array.from({ length: 100 }, (_, i) => i)
    const pool = Float64Array.from([...reference, ...new Array(100).fill(1000)])
    // Median of D_no (index 49) is 49; 49 pool items lie below it: π̂₀ = 49 / (0.5 · 200).
    expect(nonmemberShare(reference, pool)).toBeCloseTo(0.49, 12)
    const mu = 49.5
    const sigma = Math.sqrt(reference.reduce((s, v) => s + (v - mu) ** 2, 0) / 100)
    // λ 1.25: τ 85.58, tail 14/100, 114 selected → 1 − 98·0.14/114 = 0.8796 < 0.9; λ 1.5: τ 92.8, tail 7 → 0.9359.
    const c = chooseLambda(reference, pool, mu, sigma, 0.9)
    expect(c).toMatchObject({ lambda: 1.5, met: true })
    expect(c.estimatedPrecision).toBeCloseTo(1 - (0.49 * 200 * 0.07) / 107, 12)
  })
})

describe('ko2023 protocol', () => {
  it('TPR at FPR strictly below f leaves out a point exactly at f', () => {
    // 100 non-members, 10 members. The top non-member outscores 5 members: FPR 0.01 reaches TPR 1, strictly below 0.01 only 0.5.
    const scores = [...Array.from({ length: 5 }, (_, i) => 100 + i), 50, ...Array.from({ length: 5 }, (_, i) => 40 + i), ...Array.from({ length: 99 }, (_, i) => i / 10)]
    const labels = [...new Array(5).fill(1), 0, ...new Array(5).fill(1), ...new Array(99).fill(0)]
    expect(tprBelowFpr(scores, labels, 0.01)).toBe(0.5)
  })

  it('evaluates a class-balanced set without the pseudo-members', () => {
    const truth = Int8Array.from([1, 1, 1, 1, 1, 1, 0, 0, 0, -1])
    const rows = ko2023EvaluationRows(truth, Int32Array.from([0, 1]), 4)
    expect(rows.length).toBe(6)
    expect([...rows].filter((i) => truth[i] === 1).length).toBe(3)
    expect([...rows].some((i) => i === 0 || i === 1 || i === 9)).toBe(false)
  })

  it('ko2023 runs with the last epoch and the sigmoid of the class-1 logit, and reports its evaluation', async () => {
    const d = 8
    const { report, evaluationRows } = await runWsa({
      d,
      reference: syntheticRows(150, d, 301, 0),
      target: syntheticRows(300, d, 302, 2),
      seed: 1,
      variant: 'ko2023',
      lambda: 0.5,
      mlp: { maxEpochs: 3 }
    })
    expect(report).toMatchObject({ variant: 'ko2023', scoreRule: 'sigmoid-logit1', crossFitFolds: null, trainedOnEvaluated: 0 })
    expect(report.ko2023?.removedPseudoMembers).toBe(report.nSelected)
    expect(evaluationRows?.length).toBe(report.ko2023?.evaluated)
  })
})

describe('cross-fitting', () => {
  it('keeps groups in one fold and uses every fold', () => {
    const groups = Array.from({ length: 60 }, (_, i) => `g${Math.floor(i / 2)}`)
    const folds = crossFitFolds(60, 5, 9, groups)
    for (let i = 0; i < 60; i += 2) expect(folds[i]).toBe(folds[i + 1])
    expect(new Set(folds).size).toBe(5)
    expect(() => crossFitFolds(10, 1, 0)).toThrow(/at least 2 folds/)
  })

  it('is the workbench default: K in the record, no training row evaluated', async () => {
    const d = 8
    const { report } = await runWsa({ d, reference: syntheticRows(150, d, 401, 0), target: syntheticRows(300, d, 402, 2), seed: 2, model: 'logreg', lambda: 0.5 })
    expect(report).toMatchObject({ variant: 'workbench', crossFitFolds: 5, trainedOnEvaluated: 0, poolSource: 'transductive' })
  })
})

describe('MLP score rules', () => {
  it('sigmoid-logit1 is σ(z₁); softmax is σ(z₁ − z₀)', async () => {
    const model = initMlp([3, 2], 5)
    const x = Float32Array.from([0.5, -1, 2, 1, 1, -0.5])
    const [w, b] = [model.layers[0].weight, model.layers[0].bias]
    const z = (r: number, c: number): number => b[c] + w[c * 3] * x[r * 3] + w[c * 3 + 1] * x[r * 3 + 1] + w[c * 3 + 2] * x[r * 3 + 2]
    const sig = await predictMlp(model, x, 2, 3, { score: 'sigmoid-logit1' })
    const soft = await predictMlp(model, x, 2, 3)
    for (const r of [0, 1]) {
      expect(sig[r]).toBeCloseTo(1 / (1 + Math.exp(-z(r, 1))), 6)
      expect(soft[r]).toBeCloseTo(1 / (1 + Math.exp(z(r, 0) - z(r, 1))), 6)
    }
  })
})
