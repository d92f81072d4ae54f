// embed --out (issue 16): browser mode writes only inside the workspace, symlinks resolved first; nothing overwrites a non-file.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../../../src/main/engine'
import { resolveOutPath } from '../../../../src/main/engine/ops/out-path'
import { tempDir, testConfig } from '../../../helpers/workspace'

const ws = tempDir('mia-out-')
const workspace = path.join(ws.dir, 'workspace')
fs.mkdirSync(workspace)
afterAll(() => ws.cleanup())

describe('output paths', () => {
  const browser = testConfig(workspace, { registeredOnly: true })

  it('in browser mode, puts relative names in the workspace exports folder and refuses anything outside', () => {
    expect(resolveOutPath(browser, 'vectors.jsonl')).toBe(path.join(workspace, 'exports', 'vectors.jsonl'))
    expect(resolveOutPath(browser, path.join(workspace, 'sub', 'v.jsonl'))).toBe(path.join(workspace, 'sub', 'v.jsonl'))
    for (const out of [path.join(ws.dir, 'elsewhere.jsonl'), '../../escape.jsonl', '/etc/cron.d/x']) {
      expect(() => resolveOutPath(browser, out), out).toThrow(expect.objectContaining({ code: 'forbidden', item: out }))
    }
  })

  it('in browser mode, resolves symlinked folders before the check', () => {
    fs.mkdirSync(path.join(ws.dir, 'outside'))
    fs.symlinkSync(path.join(ws.dir, 'outside'), path.join(workspace, 'link'))
    expect(() => resolveOutPath(browser, path.join(workspace, 'link', 'v.jsonl'))).toThrow(expect.objectContaining({ code: 'forbidden' }))
  })

  it('never replaces a folder, a device or a symlink; the CLI may write where its user says', () => {
    const cli = testConfig(workspace)
    expect(resolveOutPath(cli, path.join(ws.dir, 'anywhere.jsonl'))).toBe(path.join(ws.dir, 'anywhere.jsonl'))
    expect(() => resolveOutPath(cli, '/dev/null')).toThrow(expect.objectContaining({ code: 'invalid-input', message: expect.stringMatching(/not a regular file/) }))
    expect(() => resolveOutPath(cli, ws.dir)).toThrow(expect.objectContaining({ code: 'invalid-input' }))
    expect(() => resolveOutPath(cli, path.join(workspace, 'link'))).toThrow(expect.objectContaining({ code: 'invalid-input' }))
  })

  it('the embed operation refuses an out-of-workspace path in browser mode before any work', async () => {
    const engine = createEngine(browser)
    try {
      // The model does not exist: the path is refused first, so nothing was opened or computed.
      await expect(engine.invoke('embed', { model: 'no-such-model', dataset: 'emoji-demo', out: path.join(ws.dir, 'x.jsonl') })).rejects.toMatchObject({ code: 'forbidden' })
      expect(fs.existsSync(path.join(ws.dir, 'x.jsonl'))).toBe(false)
    } finally {
      await engine.dispose()
    }
  })
})
