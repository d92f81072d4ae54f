// Progress and run events: one tagged union streamed by every long operation over every transport.
import { z } from 'zod'

/** Phases a run moves through; the UI shows one progress row per phase. */
export const PhaseSchema = z.enum(['downloading', 'validating', 'embedding', 'augmenting', 'training', 'scoring', 'evaluating', 'exporting'])
export type Phase = z.infer<typeof PhaseSchema>

/** Progress of one phase: done/total with rate and ETA; `done` never decreases within a phase. */
export const ProgressEventSchema = z.object({
  type: z.literal('progress'),
  phase: PhaseSchema,
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  /** Units per second over the recent window (items, views, epochs …). */
  rate: z.number().nonnegative().optional(),
  /** Seconds left at the current rate. */
  etaSeconds: z.number().nonnegative().optional(),
  unit: z.string().optional(),
  message: z.string().optional()
})
export type ProgressEvent = z.infer<typeof ProgressEventSchema>

/** A non-fatal per-item problem reported while a run continues with the other items. */
export const ItemSkippedEventSchema = z.object({
  type: z.literal('item-skipped'),
  itemId: z.string(),
  code: z.string(),
  message: z.string(),
  hint: z.string().optional()
})
export type ItemSkippedEvent = z.infer<typeof ItemSkippedEventSchema>

/** Free-form log line for the run console (provider chosen, cache hits, warnings). */
export const LogEventSchema = z.object({
  type: z.literal('log'),
  level: z.enum(['info', 'warn']),
  message: z.string()
})
export type LogEvent = z.infer<typeof LogEventSchema>

/** Every event any operation may emit. */
export const WorkbenchEventSchema = z.discriminatedUnion('type', [ProgressEventSchema, ItemSkippedEventSchema, LogEventSchema])
export type WorkbenchEvent = z.infer<typeof WorkbenchEventSchema>

/** Callback that receives an operation's events. */
export type EventSink = (event: WorkbenchEvent) => void

/**
 * Wrap a sink so progress events of one phase reach it at most every `intervalMs`, except the
 * first and the final (done === total) ones; other events pass through. Keeps transports and the
 * UI from drowning in per-item updates.
 */
export function throttleProgress(sink: EventSink, intervalMs = 100, now: () => number = Date.now): EventSink {
  const last = new Map<string, number>()
  return (event) => {
    if (event.type !== 'progress') return sink(event)
    const t = now()
    const prev = last.get(event.phase)
    const final = event.done >= event.total
    if (prev !== undefined && !final && t - prev < intervalMs) return
    last.set(event.phase, t)
    sink(event)
  }
}
