// The README's CLI examples, run as written (issue 22): the tour block line by line in a fresh folder, and every
// command and option of the reference block checked against that command's --help, so the README cannot drift.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/workspace'

const REPO = path.resolve('.')
const MIA = path.join(REPO, 'bin/mia.cjs')
const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8')
const tmp = tempDir('mia-readme-')
afterAll(() => tmp.cleanup())

/** The ```sh block after `<!-- docs-test: name -->`. */
function block(name: string): string {
  const at = README.indexOf(`<!-- docs-test: ${name} -->`)
  if (at < 0) throw new Error(`README.md has no <!-- docs-test: ${name} --> block`)
  const m = /```sh\n([\s\S]*?)```/.exec(README.slice(at))
  if (!m) throw new Error(`no sh code block after the ${name} marker`)
  return m[1]
}

/** Subcommand words and --options of each `npx mia …` line. */
function synopses(text: string): Array<{ line: string; command: string[]; options: string[] }> {
  return text
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('npx mia '))
    .map((line) => {
      const words = line.split(/\s+/).slice(2)
      const command: string[] = []
      for (const w of words) {
        if (!/^[a-z][a-z-]*$/.test(w)) break
        command.push(w)
      }
      return { line, command, options: [...new Set(words.filter((w) => w.startsWith('--')).map((w) => w.split('=')[0]))] }
    })
}

describe('README', () => {
  it('names only commands and options that `--help` lists', () => {
    const byCommand = new Map<string, Set<string>>()
    for (const s of synopses(block('synopsis'))) {
      expect(s.command.length, s.line).toBeGreaterThan(0)
      const key = s.command.join(' ')
      byCommand.set(key, new Set([...(byCommand.get(key) ?? []), ...s.options]))
    }
    for (const [command, options] of byCommand) {
      const help = execFileSync(process.execPath, [MIA, ...command.split(' '), '--help'], { encoding: 'utf8' })
      expect(help, `mia ${command} --help`).toMatch(/^Usage: mia /)
      for (const o of options) expect(help, `mia ${command} --help lists ${o}`).toMatch(new RegExp(`(^|[\\s,])${o}\\b`, 'm'))
    }
  }, 300_000)

  it('runs the tour as written, in a fresh folder', () => {
    // `npx mia` resolves to this checkout's bin (as it does in the repository root); every line is otherwise verbatim.
    const script = `set -euo pipefail\nnpx() { if [ "$1" = mia ]; then shift; node ${JSON.stringify(MIA)} "$@"; else command npx "$@"; fi; }\n${block('tour')}`
    const r = spawnSync('bash', ['-c', script], { cwd: tmp.dir, encoding: 'utf8', env: { ...process.env, MIA_WORKSPACE: '' }, timeout: 1_200_000 })
    if (r.status !== 0) throw new Error(`the README tour failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`)
    expect(fs.readFileSync(path.join(tmp.dir, 'roc.pdf')).subarray(0, 5).toString()).toBe('%PDF-')
    expect(fs.readFileSync(path.join(tmp.dir, 'table.tex'), 'utf8')).toContain('\\begin{table}[t]')
    expect(r.stdout).toMatch(/^Δ CSA small − CSA large \(\d+ items\): AUC -0\.\d{3} \[/m)
    // The re-imported scores are the same numbers: Δ is exactly zero.
    expect(r.stdout).toMatch(/^Δ CSA small − CSA small, re-imported \(\d+ items\): AUC 0\.000 \[0\.000, 0\.000\]/m)
    expect(r.stdout).toContain("reproduced: every metric equals the record's")
  }, 1_500_000)
})
