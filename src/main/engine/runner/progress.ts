// Progress of one phase: done/total with a rate over a sliding window and an ETA, emitted as contract events.
import type { EventSink, Phase } from '../../../shared/contract/events'

/** Counts work in one phase and emits monotonic progress events (the engine throttles them). */
export class PhaseProgress {
  private done = 0
  private readonly samples: Array<{ t: number; done: number }> = []

  constructor(
    private readonly emit: EventSink,
    readonly phase: Phase,
    readonly total: number,
    private readonly unit = 'items',
    private readonly now: () => number = () => performance.now()
  ) {
    this.samples.push({ t: this.now(), done: 0 })
    emit({ type: 'progress', phase, done: 0, total, unit })
  }

  /** Add `n` finished units; `message` says what is being worked on. */
  advance(n: number, message?: string): void {
    // A repeated "done" (e.g. a final callback after the last step) would print the finished phase twice.
    if (n <= 0 && this.done > 0) return
    this.done = Math.min(this.total, this.done + n)
    const t = this.now()
    this.samples.push({ t, done: this.done })
    // A 5-second window: fast enough to follow a change of pace, long enough not to jitter.
    while (this.samples.length > 2 && t - this.samples[0].t > 5000) this.samples.shift()
    const first = this.samples[0]
    const seconds = (t - first.t) / 1000
    const rate = seconds > 0 ? (this.done - first.done) / seconds : undefined
    const etaSeconds = rate && rate > 0 ? (this.total - this.done) / rate : undefined
    this.emit({ type: 'progress', phase: this.phase, done: this.done, total: this.total, unit: this.unit, rate, etaSeconds, message })
  }

  /** Mark the phase complete (e.g. when the remaining units were skipped). */
  finish(): void {
    if (this.done < this.total) this.advance(this.total - this.done)
  }
}
