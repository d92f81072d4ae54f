// The lint fails on a deliberately added forbidden import: dependency-cruiser (.dependency-cruiser.cjs) over a probe tree, ESLint on src/shared.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { ESLint } from 'eslint'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../src/main/engine'
import { tempDir } from '../helpers/workspace'

interface Violation {
  rule: string
  from: string
  to: string
}

/** A probe tree with the repository's layout; `files` maps a path to its source. */
function writeTree(root: string, files: Record<string, string>): void {
  for (const name of ['tsconfig.base.json', 'tsconfig.node.json']) fs.copyFileSync(path.join(REPO_ROOT, name), path.join(root, name))
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    fs.writeFileSync(path.join(root, file), text)
  }
}

/** Run the repository's dependency-cruiser rules over `root` as `npm run lint` does (its exit status), and read the violations as JSON. */
function cruise(root: string): { status: number | null; violations: Violation[] } {
  const bin = path.join(REPO_ROOT, 'node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs')
  const args = (type: string): string[] => [bin, 'src', '--config', path.join(REPO_ROOT, '.dependency-cruiser.cjs'), '--output-type', type]
  const lint = spawnSync(process.execPath, args('err'), { cwd: root, encoding: 'utf8' })
  const json = spawnSync(process.execPath, args('json'), { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 })
  const out = JSON.parse(json.stdout) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } }
  return { status: lint.status, violations: out.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to })) }
}

const PROBES: Record<string, string> = {
  'src/shared/contract/probe.ts': "import fs from 'node:fs'\nexport const probe = fs.existsSync\n",
  'src/shared/charts/probe.ts': "import { engineProbe } from '../../main/engine/probe'\nexport const chart = engineProbe\n",
  'src/main/engine/probe.ts': "import { app } from 'electron'\nexport const engineProbe = app\n",
  'src/main/engine/attacks/probe.ts': "import * as ort from 'onnxruntime-node'\nexport const attackProbe = ort\n",
  'src/main/engine/models/session.ts': "import * as ort from 'onnxruntime-node'\nexport const session = ort\n",
  'src/main/engine/store/database.ts': "import Database from 'better-sqlite3'\nexport const db = Database\n",
  'src/main/engine/store/items.ts': "import Database from 'better-sqlite3'\nexport const items = Database\n",
  'src/main/engine/runner/run.ts': "import { op } from '../ops/op'\nexport const run = op\n",
  'src/main/engine/ops/op.ts': 'export const op = 1\n',
  'src/main/engine/datasets/a.ts': "import { b } from './b'\nexport const a = (): number => b()\n",
  'src/main/engine/datasets/b.ts': "import { a } from './a'\nexport const b = (): number => a()\n",
  'src/renderer/src/stores/probe.ts': "import { run } from '../../../main/engine/runner/run'\nexport const store = run\n",
  'src/renderer/src/stores/allowed.ts': "import { chart } from '../../../shared/charts/probe'\nexport const allowed = chart\n",
  'src/main/host/probe.ts': "import { program } from '../../cli/main'\nexport const host = program\n",
  'src/cli/main.ts': 'export const program = 1\n',
  'src/cli/probe.ts': "import { run } from '../main/engine/runner/run'\nexport const cli = run\n",
  'src/cli/allowed.ts': "import { db } from '../main/engine/ring-api'\nimport { engine } from '../main/engine/index'\nexport const allowed = [db, engine]\n",
  'src/main/engine/ring-api.ts': "export { db } from './store/database'\n",
  'src/main/engine/index.ts': 'export const engine = 1\n',
  'src/server/probe.ts': "import { items } from '../main/engine/store/items'\nexport const server = items\n"
}

describe('npm run lint: import layers (dependency-cruiser)', () => {
  const probe = tempDir('lint-probe-')
  let result: ReturnType<typeof cruise>
  beforeAll(() => {
    writeTree(probe.dir, PROBES)
    result = cruise(probe.dir)
  })
  afterAll(() => probe.cleanup())

  it('exits non-zero and names every forbidden import, by rule', () => {
    expect(result.status).not.toBe(0)
    const by = (rule: string): Array<[string, string]> => result.violations.filter((v) => v.rule === rule).map((v) => [v.from, v.to])
    expect(by('shared-no-node-builtins')).toEqual([['src/shared/contract/probe.ts', 'fs']])
    expect(by('shared-imports-only-shared')).toContainEqual(['src/shared/charts/probe.ts', 'src/main/engine/probe.ts'])
    expect(by('engine-stays-pure')).toEqual([['src/main/engine/probe.ts', 'electron']])
    expect(by('electron-only-in-electron-ring')).toEqual([['src/main/engine/probe.ts', 'electron']])
    expect(by('onnxruntime-only-in-session')).toEqual([['src/main/engine/attacks/probe.ts', 'onnxruntime-node']])
    expect(by('better-sqlite3-only-in-database')).toEqual([['src/main/engine/store/items.ts', 'better-sqlite3']])
    expect(by('runner-below-ops')).toEqual([['src/main/engine/runner/run.ts', 'src/main/engine/ops/op.ts']])
    expect(by('renderer-through-contract')).toEqual([['src/renderer/src/stores/probe.ts', 'src/main/engine/runner/run.ts']])
    expect(by('host-below-rings')).toEqual([['src/main/host/probe.ts', 'src/cli/main.ts']])
    expect(by('rings-through-engine-entries')).toEqual([
      ['src/cli/probe.ts', 'src/main/engine/runner/run.ts'],
      ['src/server/probe.ts', 'src/main/engine/store/items.ts']
    ])
    expect(by('no-circular')).toEqual([['src/main/engine/datasets/a.ts', 'src/main/engine/datasets/b.ts']])
  })

  it('lets the allowed imports through: session.ts → onnxruntime-node, database.ts → better-sqlite3, renderer → shared, CLI → engine entries', () => {
    const froms = new Set(result.violations.map((v) => v.from))
    for (const file of ['src/main/engine/models/session.ts', 'src/main/engine/store/database.ts', 'src/renderer/src/stores/allowed.ts', 'src/main/engine/ops/op.ts', 'src/cli/allowed.ts'])
      expect(froms.has(file)).toBe(false)
  })
})

describe('npm run lint: ESLint', () => {
  const eslint = new ESLint({ cwd: REPO_ROOT })

  it('refuses browser and Node globals in src/shared', async () => {
    const [res] = await eslint.lintText('export const here = () => document.title + process.pid\n', { filePath: path.join(REPO_ROOT, 'src/shared/probe.ts') })
    expect(res.messages.map((m) => [m.ruleId, m.message.split(':')[0]])).toEqual([
      ['no-restricted-globals', "Unexpected use of 'document'. src/shared runs in Node and in the browser"],
      ['no-restricted-globals', "Unexpected use of 'process'. src/shared runs in Node and in the browser"]
    ])
  })

  it('allows them on their own side', async () => {
    const [node] = await eslint.lintText('export const pid = () => process.pid\n', { filePath: path.join(REPO_ROOT, 'src/main/engine/probe.ts') })
    const [web] = await eslint.lintText('export const title = () => document.title\n', { filePath: path.join(REPO_ROOT, 'src/renderer/src/probe.ts') })
    expect([...node.messages, ...web.messages]).toEqual([])
  })
})
