// Parallel bootstrap: worker threads load from source, compute their share, and never change results.
import { describe, expect, it } from 'vitest'
import { bootstrapMetrics, sortScores } from '../../../../src/main/engine/metrics'
import { createResampleJob } from '../../../../src/main/engine/metrics/resample-share'
import { runJob, threadsFor } from '../../../../src/main/engine/metrics/resample-threads'
import { createRng } from '../../../../src/main/engine/rng'

function sortedData(n: number): ReturnType<typeof sortScores> {
  const rng = createRng(21)
  const scores = Float64Array.from({ length: n }, (_, i) => Math.round((rng.normal() + 0.5 * (i % 2)) * 100) / 100)
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 2)
  return sortScores({ scores, labels })
}

describe('parallel resamples', () => {
  const sorted = sortedData(20_000)
  const targets = [0.001, 0.01, 0.05]

  it('a worker alone computes exactly what the main thread computes', async () => {
    const single = createResampleJob(sorted, targets, 5, 24, 1)
    expect(await runJob(single, 1, {})).toEqual({ workers: 0, workerResamples: 0 })
    const shared = createResampleJob(sorted, targets, 5, 24, 2)
    const run = await runJob(shared, 2, { mainThreadShare: false })
    expect(run).toEqual({ workers: 1, workerResamples: 24 })
    expect(Array.from(shared.results)).toEqual(Array.from(single.results))
  })

  it('bootstrapMetrics gives identical intervals with 1 or 3 threads', async () => {
    const one = await bootstrapMetrics(sorted, { resamples: 60, seed: 2, threads: 1 })
    const three = await bootstrapMetrics(sorted, { resamples: 60, seed: 2, threads: 3 })
    expect(Array.from(three.distribution.auc)).toEqual(Array.from(one.distribution.auc))
    expect(three.intervals).toEqual(one.intervals)
  })

  it('cancels a job that workers are running', async () => {
    const job = createResampleJob(sortedData(200_000), targets, 1, 5000, 2)
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 300)
    await expect(runJob(job, 2, { signal: controller.signal })).rejects.toMatchObject({ code: 'cancelled' })
  })

  it('uses one thread for small jobs and validates an explicit thread count', () => {
    expect(threadsFor(1000, 1000)).toBe(1)
    expect(threadsFor(1_000_000, 1000)).toBeGreaterThanOrEqual(1)
    expect(threadsFor(10, 10, 3)).toBe(3)
    expect(() => threadsFor(10, 10, 0)).toThrow(/threads must be a positive integer/)
  })
})
