// Renders contract progress events on a terminal: one redrawn line per phase; plain lines when stderr is not a TTY.
import type { WorkbenchEvent } from '../shared/contract/events'
import { escapeControls } from './terminal-text'

const fmtEta = (s: number | undefined): string => {
  if (s === undefined || !Number.isFinite(s)) return ''
  const m = Math.floor(s / 60)
  return m > 0 ? ` ETA ${m}m${String(Math.round(s % 60)).padStart(2, '0')}s` : ` ETA ${Math.round(s)}s`
}

const fmtBytes = (n: number): string => (n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(0)} kB`)

/**
 * An event sink for CLI commands; `quiet` (e.g. --json) keeps stdout and stderr free of progress.
 * Each warning and info line is printed once; `shown` collects them, so the final summary can leave out what was already said.
 */
export function progressPrinter(
  quiet: boolean,
  stream: NodeJS.WriteStream = process.stderr,
  shown: Set<string> = new Set(),
  rewrite: (message: string) => string = (m) => m
): (e: WorkbenchEvent) => void {
  let current = ''
  let lastPlain = 0
  const tty = stream.isTTY
  const endLine = (): void => {
    if (tty && current) stream.write('\n')
    current = ''
  }
  return (e) => {
    if (quiet) return
    if (e.type === 'log') {
      if (shown.has(e.message)) return
      shown.add(e.message)
      endLine()
      stream.write(`${e.level === 'warn' ? 'warning: ' : ''}${escapeControls(rewrite(e.message))}\n`)
      return
    }
    if (e.type === 'item-skipped') {
      endLine()
      stream.write(`skipped ${escapeControls(e.itemId)} (${e.code}): ${escapeControls(e.message)}\n`)
      return
    }
    const pct = e.total ? Math.floor((100 * e.done) / e.total) : 100
    const width = 24
    const filled = Math.round((width * pct) / 100)
    const bytes = e.unit === 'bytes'
    const rate = e.rate ? (bytes ? ` ${fmtBytes(e.rate)}/s` : ` ${e.rate.toFixed(e.rate < 10 ? 1 : 0)} ${e.unit ?? 'items'}/s`) : ''
    const count = bytes ? `${fmtBytes(e.done)} / ${fmtBytes(e.total)}` : `${e.done}/${e.total}`
    const line = `${e.phase.padEnd(11)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${count}${rate}${fmtEta(e.etaSeconds)}`
    if (tty) {
      if (current && current !== e.phase) stream.write('\n')
      current = e.phase
      stream.write(`\r${line}\x1b[K`)
      if (e.done >= e.total) endLine()
    } else if (e.done >= e.total || Date.now() - lastPlain > 5000) {
      lastPlain = Date.now()
      stream.write(`${line}\n`)
    }
  }
}
