// Machine-state notices (provider fallbacks) are shown in full once per workspace, then shortened to a pointer.
import { afterAll, describe, expect, it } from 'vitest'
import { rememberNotices, shortenNotices, shownNotices } from '../../src/cli/notices'
import { progressPrinter } from '../../src/cli/progress-bar'
import { tempDir } from '../helpers/workspace'

const tmp = tempDir('mia-notices-')
afterAll(() => tmp.cleanup())

const CUDA = 'CUDA execution provider not installed (onnxruntime-node ships it separately).'

/** A stand-in stderr that keeps what is written. */
function sink(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = ''
  const stream = { isTTY: false, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream
  return { stream, text: () => text }
}

describe('notices', () => {
  it('prints a fallback sentence in full the first time, then points to `mia info` until the state changes', () => {
    const line = `Model demo runs on cpu (${CUDA}).`
    expect(shortenNotices(line, shownNotices(tmp.dir))).toBe(line)
    rememberNotices(tmp.dir, [CUDA])
    expect(shortenNotices(line, shownNotices(tmp.dir))).toBe('Model demo runs on cpu (see `mia info` for why).')
    const other = 'Model demo runs on cpu (No GPU execution provider is wired up for sunos; using the CPU.).'
    expect(shortenNotices(other, shownNotices(tmp.dir))).toBe(other)
  })

  it('prints each warning once however often the engine sends it', () => {
    const out = sink()
    const shown = new Set<string>()
    const print = progressPrinter(false, out.stream, shown)
    for (let i = 0; i < 3; i++) print({ type: 'log', level: 'warn', message: 'Distribution shift: something.' })
    expect(out.text()).toBe('warning: Distribution shift: something.\n')
    expect(shown.has('Distribution shift: something.')).toBe(true)
  })
})
