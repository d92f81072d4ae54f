// startedEarly (runner/preprocess-pool.ts): embedItems starts the image pool before the caption batches, so the first
// step must run at once, a failure of it must wait for the consumer (never an unhandled rejection), and cancelling
// must run the generator's `finally` (which stops the pool's workers).
import { describe, expect, it } from 'vitest'
import { startedEarly } from '../../../../src/main/engine/runner/preprocess-pool'

function recorder(fail = false) {
  const log: string[] = []
  async function* gen(): AsyncGenerator<number> {
    log.push('started')
    try {
      await new Promise((r) => setTimeout(r, 5))
      if (fail) throw new Error('decode failed')
      for (let i = 0; i < 3; i++) yield i
    } finally {
      log.push('finally')
    }
  }
  return { log, gen }
}

describe('startedEarly', () => {
  it('runs the first step before anyone iterates, then yields every value once, in order', async () => {
    const { log, gen } = recorder()
    const it = startedEarly(gen())
    expect(log).toEqual(['started'])
    await new Promise((r) => setTimeout(r, 20)) // the consumer is busy elsewhere (caption batches)
    const got: number[] = []
    for await (const v of it) got.push(v)
    expect(got).toEqual([0, 1, 2])
    expect(log).toEqual(['started', 'finally'])
  })

  it('keeps an early failure until the iteration is consumed', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (e: unknown): void => void unhandled.push(e)
    process.on('unhandledRejection', onUnhandled)
    try {
      const { gen } = recorder(true)
      const it = startedEarly(gen())
      await new Promise((r) => setTimeout(r, 30))
      await expect(
        (async () => {
          for await (const _ of it) void _
        })()
      ).rejects.toThrow('decode failed')
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('cancel stops the generator (its finally runs) without consuming it', async () => {
    const { log, gen } = recorder()
    const it = startedEarly(gen())
    await it.cancel()
    expect(log).toEqual(['started', 'finally'])
  })

  it('breaking out of the loop stops the generator too', async () => {
    const { log, gen } = recorder()
    for await (const v of startedEarly(gen())) if (v === 0) break
    expect(log).toEqual(['started', 'finally'])
  })
})
