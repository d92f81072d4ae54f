// Control characters from datasets and score files are printed escaped (issue 16): no id can retitle or clear a terminal.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { escapeControls } from '../../src/cli/terminal-text'
import { tempDir } from '../helpers/workspace'

const HOSTILE = '\x1b]0;pwned\x07\x1b[2J\x9b31m\r\u202eevil\u2028x'
// eslint-disable-next-line no-control-regex -- the test looks for raw control characters
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/

describe('escapeControls', () => {
  it('escapes C0, DEL, C1, separators and bidi overrides; keeps text, tabs and newlines', () => {
    expect(escapeControls(HOSTILE)).toBe('\\u001b]0;pwned\\u0007\\u001b[2J\\u009b31m\\u000d\\u202eevil\\u2028x')
    expect(escapeControls('plain café 猫\tcol\nline')).toBe('plain café 猫\tcol\nline')
  })

  it('uses the JSON escape, so escaped JSON text parses back to the original value', () => {
    const json = JSON.stringify({ id: HOSTILE, caption: 'ok' })
    expect(JSON.parse(escapeControls(json))).toEqual({ id: HOSTILE, caption: 'ok' })
  })
})

describe('mia prints dataset text escaped', () => {
  const MIA = path.resolve('bin/mia.cjs')
  it('datasets validate (stdout) and metrics errors (stderr) carry no raw control character', () => {
    const ws = tempDir('mia-escape-')
    try {
      const manifest = path.join(ws.dir, 'manifest.csv')
      fs.writeFileSync(manifest, `id,image,caption\n${HOSTILE.replace('\r', '')},missing.png,a caption\n`)
      const validate = spawnSync(process.execPath, [MIA, '--workspace', path.join(ws.dir, 'ws'), 'datasets', 'validate', manifest], { encoding: 'utf8', timeout: 60_000 })
      expect(validate.stdout).toMatch(/\\u001b\]0;pwned\\u0007/)
      expect(validate.stdout).not.toMatch(RAW_CONTROL)
      const scores = path.join(ws.dir, 'scores.csv')
      fs.writeFileSync(scores, `\x1b[2Jscore,label\n0.5,1\n`)
      const metrics = spawnSync(process.execPath, [MIA, '--workspace', path.join(ws.dir, 'ws'), 'metrics', '--scores', scores], { encoding: 'utf8', timeout: 60_000 })
      expect(metrics.status).not.toBe(0)
      expect(metrics.stderr).toMatch(/error/)
      expect(metrics.stderr).not.toMatch(RAW_CONTROL)
    } finally {
      ws.cleanup()
    }
  }, 60_000)
})
