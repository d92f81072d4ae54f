// The blind baseline off the engine thread (issue 21): the worker's scores are those of the same fit on this thread,
// bit for bit; this thread stays free while the folds are fitted; cancelling stops it at once.
import { describe, expect, it } from 'vitest'
import { blindBaseline, type BlindInput, type ImageStats } from '../../../../src/main/engine/attacks'
import { createRng } from '../../../../src/main/engine/rng'
import { blindBaselineOffThread, type BlindExecution } from '../../../../src/main/engine/runner/blind-thread'

/** 800 items whose captions and image statistics carry a weak membership signal, so every fold fits for real. */
function input(): Omit<BlindInput, 'onFold' | 'signal'> {
  const rng = createRng(5)
  const n = 800
  const labels = Uint8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0))
  const words = Array.from({ length: 400 }, (_, i) => `w${i}`)
  const captions = Array.from(labels, (l) => Array.from({ length: 10 }, () => words[rng.int(l ? 300 : 400)]).join(' '))
  const images = Array.from(labels, (l): ImageStats => {
    const histogram = Float64Array.from({ length: 64 }, () => rng.next())
    const sum = histogram.reduce((a, b) => a + b, 0)
    histogram.forEach((v, i) => (histogram[i] = v / sum))
    return {
      width: 64 + rng.int(64),
      height: 64,
      fileSize: 2000 + rng.int(500) + 200 * l,
      format: rng.next() < 0.5 ? 'png' : 'jpeg',
      meanRgb: [rng.next(), rng.next(), rng.next() * (1 + 0.2 * l)],
      histogram
    }
  })
  return { captions, images, labels, groups: captions.map((c) => c.slice(0, 6)), seed: 3, k: 5 }
}

describe('blind baseline off the engine thread', () => {
  it('gives the scores, folds and fit facts of the same fit on this thread, bit for bit', async () => {
    const data = input()
    const executions: BlindExecution[] = []
    const folds: number[] = []
    let timerFiredAt = -1
    // A timer set now fires while the worker fits fold 0; on this thread it would wait until that fold was done.
    setTimeout(() => (timerFiredAt = folds.length), 0)
    const off = await blindBaselineOffThread({ ...data, onFold: (f) => folds.push(f) }, (e) => executions.push(e))
    expect(executions).toEqual([{ worker: true, reason: null }])
    expect(folds).toEqual([0, 1, 2, 3, 4])
    expect(timerFiredAt).toBe(0)
    const here = await blindBaseline(data)
    expect(Buffer.from(off.scores.buffer).equals(Buffer.from(here.scores.buffer))).toBe(true)
    expect(off).toEqual(here)
  }, 120_000)

  it('stops at once when cancelled, with a cancelled error', async () => {
    const controller = new AbortController()
    const run = blindBaselineOffThread({ ...input(), signal: controller.signal, onFold: (f) => f === 0 && controller.abort() })
    await expect(run).rejects.toMatchObject({ code: 'cancelled' })
  }, 60_000)
})
