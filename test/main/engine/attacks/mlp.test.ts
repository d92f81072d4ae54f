import { describe, expect, it } from 'vitest'
import { initMlp, predictMlp, trainMlp, type MlpModel, type MlpProgress } from '../../../../src/main/engine/attacks'
import { mlpLossAndGradients } from '../../../../src/main/engine/attacks/mlp'
import { createRng } from '../../../../src/main/engine/rng'
import { WorkbenchError } from '../../../../src/shared/contract/errors'
import { rankAuc } from './synthetic-embeddings'

/** Independent float64 forward pass + mean cross-entropy (the reference for finite differences). */
function referenceLoss(model: MlpModel, x: Float32Array, labels: Uint8Array, n: number): number {
  let total = 0
  for (let r = 0; r < n; r++) {
    let act = Array.from(x.subarray(r * model.layers[0].inputs, (r + 1) * model.layers[0].inputs))
    model.layers.forEach((layer, l) => {
      const out = Array.from({ length: layer.outputs }, (_, o) => {
        let s = layer.bias[o]
        for (let i = 0; i < layer.inputs; i++) s += layer.weight[o * layer.inputs + i] * act[i]
        return l < model.layers.length - 1 ? Math.max(0, s) : s
      })
      act = out
    })
    const max = Math.max(...act)
    total += Math.log(act.reduce((s, z) => s + Math.exp(z - max), 0)) + max - act[labels[r]]
  }
  return total / n
}

/** Two Gaussian classes in `dim` dimensions, class 1 shifted along every axis. */
function blobs(n: number, dim: number, seed: number, shift = 0.6): { x: Float32Array; labels: Uint8Array } {
  const rng = createRng(seed)
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 2)
  const x = Float32Array.from({ length: n * dim }, (_, k) => rng.normal() + (labels[Math.floor(k / dim)] ? shift : 0))
  return { x, labels }
}

describe('MLP gradients', () => {
  it('match central finite differences of an independent float64 forward pass', async () => {
    const dims = [9, 20, 12, 2] // several 8-column panels and padding in every layer
    const model = initMlp(dims, 11)
    const { x, labels } = blobs(7, 9, 12)
    const { loss, gradients } = await mlpLossAndGradients(model, { x, labels, n: 7, dim: 9 })
    expect(loss).toBeCloseTo(referenceLoss(model, x, labels, 7), 5)
    const h = 1e-3
    let checked = 0
    model.layers.forEach((layer, l) => {
      for (const [name, values] of [
        ['weight', layer.weight],
        ['bias', layer.bias]
      ] as const) {
        for (let i = 0; i < values.length; i++) {
          const copy = (v: number): MlpModel => ({
            layers: model.layers.map((ly, m) => {
              if (m !== l) return ly
              const arr = (name === 'weight' ? ly.weight : ly.bias).slice()
              arr[i] = values[i] + v
              return name === 'weight' ? { ...ly, weight: arr } : { ...ly, bias: arr }
            })
          })
          const numeric = (referenceLoss(copy(h), x, labels, 7) - referenceLoss(copy(-h), x, labels, 7)) / (2 * h)
          const analytic = (name === 'weight' ? gradients.layers[l].weight : gradients.layers[l].bias)[i]
          expect(Math.abs(analytic - numeric)).toBeLessThan(2e-4 + 1e-2 * Math.abs(numeric))
          checked++
        }
      }
    })
    expect(checked).toBe(9 * 20 + 20 + 20 * 12 + 12 + 12 * 2 + 2)
  })
})

describe('MLP initialisation', () => {
  it('draws weights and biases from U(±1/√fan_in) like nn.Linear, reproducibly', () => {
    const a = initMlp([64, 32, 2], 3)
    expect(a.layers.map((l) => [l.inputs, l.outputs])).toEqual([
      [64, 32],
      [32, 2]
    ])
    for (const layer of a.layers) {
      const bound = 1 / Math.sqrt(layer.inputs)
      for (const v of [...layer.weight, ...layer.bias]) expect(Math.abs(v)).toBeLessThanOrEqual(bound)
      expect(Math.max(...layer.weight)).toBeGreaterThan(0.9 * bound)
    }
    expect(initMlp([64, 32, 2], 3)).toEqual(a)
    expect(initMlp([64, 32, 2], 4).layers[0].weight).not.toEqual(a.layers[0].weight)
  })
})

describe('MLP training', () => {
  const dim = 24
  const train = blobs(400, dim, 21)
  const test = blobs(200, dim, 22)

  it('separates shifted classes (AUC > 0.9) and reports epochs and early stopping', async () => {
    const progress: MlpProgress[] = []
    const { model, summary } = await trainMlp({ ...train, n: 400, dim }, { seed: 1, onProgress: (p) => progress.push(p), progressEvery: 4 })
    const scores = await predictMlp(model, test.x, 200, dim)
    expect(rankAuc(scores, test.labels)).toBeGreaterThan(0.9)
    expect(summary.nValidation).toBe(40)
    expect(summary.nTrain).toBe(360)
    expect(summary.epochsRun).toBeGreaterThanOrEqual(1)
    expect(summary.epochsRun).toBeLessThanOrEqual(15)
    expect(summary.validationLoss.length).toBe(summary.epochsRun)
    expect(summary.bestValidationLoss).toBe(Math.min(...summary.validationLoss))
    expect(summary.earlyStopped).toBe(summary.epochsRun < 15)
    if (summary.earlyStopped) expect(summary.epochsRun - summary.bestEpoch).toBe(3)
    // Progress is monotonic: (epoch, batch) never goes back, and every epoch ends on its last batch.
    for (let i = 1; i < progress.length; i++) {
      const a = progress[i - 1]
      const b = progress[i]
      expect(b.epoch * 1000 + b.batch).toBeGreaterThan(a.epoch * 1000 + a.batch)
    }
    expect(progress.filter((p) => p.batch === p.batches).length).toBe(summary.epochsRun)
    expect(progress[0].batches).toBe(Math.ceil(360 / 32))
  })

  it('is bit-identical for one seed, with one or two threads', async () => {
    const run = async (seed: number, threads: number): Promise<Float64Array> => {
      const { model } = await trainMlp({ ...train, n: 400, dim }, { seed, threads, maxEpochs: 3 })
      return predictMlp(model, test.x, 200, dim, { threads })
    }
    const a = await run(5, 1)
    const b = await run(5, 2)
    const c = await run(5, 1)
    expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true)
    expect(Buffer.from(c.buffer).equals(Buffer.from(a.buffer))).toBe(true)
    const other = await run(6, 1)
    expect(Buffer.from(other.buffer).equals(Buffer.from(a.buffer))).toBe(false)
  })

  it('trains all epochs on all rows when early stopping is off', async () => {
    const { summary } = await trainMlp({ ...train, n: 400, dim }, { seed: 2, earlyStopping: false, maxEpochs: 4 })
    expect(summary).toMatchObject({ epochsRun: 4, bestValidationLoss: null, earlyStopped: false, nTrain: 400, nValidation: 0 })
  })

  it('stops with a cancelled WorkbenchError when the signal fires', async () => {
    const controller = new AbortController()
    const seen: MlpProgress[] = []
    const run = trainMlp(
      { ...train, n: 400, dim },
      {
        seed: 3,
        signal: controller.signal,
        progressEvery: 1,
        onProgress: (p) => {
          seen.push(p)
          if (p.epoch === 2 && p.batch === 3) controller.abort()
        }
      }
    )
    await expect(run).rejects.toMatchObject({ name: 'WorkbenchError', code: 'cancelled' })
    expect(seen.at(-1)).toMatchObject({ epoch: 2, batch: 3 })
    const pre = new AbortController()
    pre.abort()
    await expect(trainMlp({ ...train, n: 400, dim }, { seed: 3, signal: pre.signal })).rejects.toBeInstanceOf(WorkbenchError)
  })

  it('can be cancelled from a timer while it trains (training yields to the event loop)', async () => {
    const big = blobs(4000, 64, 9)
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 50)
    const started = performance.now()
    await expect(trainMlp({ ...big, n: 4000, dim: 64 }, { seed: 4, signal: controller.signal, earlyStopping: false })).rejects.toMatchObject({ code: 'cancelled' })
    expect(performance.now() - started).toBeLessThan(5000)
  })

  it('rejects features that do not match the model', async () => {
    const model = initMlp([dim, 8, 2], 1)
    await expect(predictMlp(model, new Float32Array(10), 1, 10)).rejects.toMatchObject({ code: 'invalid-input' })
  })
})
