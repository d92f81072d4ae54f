// The CLI as a researcher uses it (issue 22): figure units and formats, other tools' scores as experiments,
// id prefixes, named compare lines, resume hints and a quiet exit on a closed pipe — real `mia` processes.
import { spawn, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../helpers/workspace'

const MIA = path.resolve('bin/mia.cjs')
const tmp = tempDir('mia-researcher-')
const ws = path.join(tmp.dir, 'ws')

interface Done {
  code: number | null
  stdout: string
  stderr: string
}

function mia(args: string[]): Done {
  const r = spawnSync(process.execPath, [MIA, '--workspace', ws, ...args], { encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function ok(args: string[]): Done {
  const r = mia(args)
  if (r.code !== 0) throw new Error(`mia ${args.join(' ')} exited ${r.code}:\n${r.stderr}`)
  return r
}

/** A scores file in another tool's columns, labels as pandas writes booleans; members score higher by `shift`. */
function toolCsv(file: string, shift: number, seed: number): void {
  let s = seed
  const rand = (): number => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
  const rows = ['sample_id,mia_score,is_member']
  for (let i = 0; i < 300; i++) {
    const member = i % 2 === 0
    rows.push(`item-${i},${(rand() + (member ? shift : 0)).toFixed(6)},${member ? 'True' : 'False'}`)
  }
  fs.writeFileSync(file, rows.join('\n') + '\n')
}

const importArgs = (file: string, name: string): string[] => [
  'metrics',
  '--scores',
  file,
  '--score-col',
  'mia_score',
  '--label-col',
  'is_member',
  '--id-col',
  'sample_id',
  '--save',
  '--name',
  name,
  '--resamples',
  '200',
  '--json'
]

let idA = ''
let idB = ''
beforeAll(() => {
  toolCsv(path.join(tmp.dir, 'weak.csv'), 0.2, 1)
  toolCsv(path.join(tmp.dir, 'strong.csv'), 0.6, 2)
  idA = (JSON.parse(ok(importArgs(path.join(tmp.dir, 'weak.csv'), 'weak tool')).stdout) as { experiment: { id: string } }).experiment.id
  idB = (JSON.parse(ok(importArgs(path.join(tmp.dir, 'strong.csv'), 'strong tool')).stdout) as { experiment: { id: string } }).experiment.id
}, 300_000)
afterAll(() => tmp.cleanup())

describe("other tools' scores", () => {
  it('imports sample_id,mia_score,is_member with True/False as an experiment with its provenance', () => {
    const record = JSON.parse(ok(['experiments', 'show', idA, '--json']).stdout)
    expect(record.spec.attack).toBe('imported')
    expect(record.spec.imported.columns).toEqual({ score: 'mia_score', label: 'is_member', id: 'sample_id' })
    expect(record.spec.imported.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(record.results.metrics.n).toEqual({ members: 150, nonmembers: 150 })
  })

  it('warns that the direction may be flipped when a loss-like score gives AUC below 0.5', () => {
    const r = ok(['metrics', '--scores', path.join(tmp.dir, 'strong.csv'), '--score-col', 'mia_score', '--label-col', 'is_member', '--lower-is-member', '--resamples', '50'])
    expect(r.stderr).toMatch(/direction may be flipped — drop --lower-is-member/)
  })
})

describe('experiments by prefix and name; compare in words', () => {
  it('shows an experiment by its 8-character id prefix', () => {
    const r = ok(['experiments', 'show', idA.slice(0, 8)])
    expect(r.stdout).toContain(`weak tool (${idA})`)
  })

  it('lists with a header and the model, attack and parameter columns', () => {
    const [header, ...rows] = ok(['experiments', 'list']).stdout.trim().split('\n')
    expect(header.split(/\s{2,}/)).toEqual(['ID', 'STATUS', 'AUC', 'MODEL', 'ATTACK', 'PARAMETERS', 'NAME'])
    expect(rows.some((r) => r.startsWith(idB.slice(0, 8)) && r.includes('IMPORTED') && r.endsWith('strong tool'))).toBe(true)
  })

  it('prints named Δ lines (A − B) with CIs for ΔAUC and ΔTPR@1% FPR', () => {
    const r = ok(['experiments', 'compare', 'weak tool', idB.slice(0, 8), '--resamples', '200'])
    const delta = r.stdout.split('\n').find((l) => l.startsWith('Δ '))
    expect(delta).toMatch(/^Δ weak tool − strong tool \(300 items\): AUC -0\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\] p [<\d][^;]*; TPR@1% FPR [-+]?\d\.\d{3} \[-?\d\.\d{3}, -?\d\.\d{3}\] p /)
    expect(r.stdout).toMatch(/^weak tool\s+AUC 0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]\s+TPR@1% FPR /m)
  })
})

describe('exports', () => {
  it('--width 8.5cm gives an 8.5 cm wide PDF, the format taken from --out', () => {
    const out = path.join(tmp.dir, 'roc.pdf')
    ok(['export', '--experiment', idA.slice(0, 8), '--compare', idB.slice(0, 8), '--figure', 'roc', '--width', '8.5cm', '--out', out])
    const pdf = fs.readFileSync(out).toString('latin1')
    expect(pdf.startsWith('%PDF-')).toBe(true)
    // 8.5 cm = 8.5 / 2.54 × 72 pt = 240.94 pt.
    const box = /\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/.exec(pdf)
    expect(Number(box?.[1])).toBeCloseTo(240.945, 1)
  })

  it('refuses an unknown unit, a format that contradicts the file name, and an out-of-range width in sentences', () => {
    const bad = (args: string[], pattern: RegExp): void => {
      const r = mia(['export', '--experiment', idA.slice(0, 8), '--figure', 'roc', ...args])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(pattern)
      expect(r.stderr).not.toMatch(/Too big|expected number/)
    }
    bad(['--width', '3px', '--out', path.join(tmp.dir, 'a.svg')], /has the unit "px", which is not in, cm, mm or pt/)
    bad(['--width', '85mm', '--format', 'svg', '--out', path.join(tmp.dir, 'a.pdf')], /ends in \.pdf but the figure format asked for is svg/)
    bad(['--width', '60cm', '--out', path.join(tmp.dir, 'a.svg')], /outside 1–20 in/)
  })

  it('writes an SVG of 240pt and a LaTeX table with chosen columns, one-column float and the A − B sign', () => {
    const svg = path.join(tmp.dir, 'roc.svg')
    ok(['export', '--experiment', idA, '--figure', 'roc', '--width', '240pt', '--out', svg])
    expect(fs.readFileSync(svg, 'utf8')).toMatch(/^<svg[^>]* width="3\.3333in"/)
    const tex = path.join(tmp.dir, 'table.tex')
    ok(['export', '--experiment', idA, '--compare', idB, '--table', 'latex', '--columns', 'auc,tpr@1%,ba,delta', '--float', 'table', '--out', tex])
    const text = fs.readFileSync(tex, 'utf8')
    expect(text).toContain('\\begin{table}[t]')
    expect(text).toContain('Experiment & AUC & TPR@1\\% FPR & Bal.\\ acc. & $\\Delta$AUC (A $-$ B) & $p$ \\\\')
  })
})

describe('models and datasets', () => {
  it('adds, inspects and removes a model folder by name', () => {
    const folder = path.resolve('resources/models/demo-clip-s')
    // A bundled model's name is refused (--model would find the bundled one); --name gives the folder its own.
    expect(mia(['models', 'add', folder]).stderr).toMatch(/is the bundled model "demo-clip-s"/)
    const added = JSON.parse(ok(['models', 'add', folder, '--name', 'my-demo', '--json']).stdout) as { name: string; path: string; fingerprint: string }
    expect(added).toMatchObject({ path: folder, name: 'my-demo' })
    const inspected = ok(['models', 'inspect', added.name]).stdout
    expect(inspected.split('\n')[0]).toBe(`${added.name}  (${folder})`)
    expect(inspected).toMatch(new RegExp(`^fingerprint +${added.fingerprint}$`, 'm'))
    expect(inspected).toMatch(/^embedding +\d+ · image \d+ px/m)
    expect(ok(['models', 'remove', added.name]).stdout).toBe(`removed ${added.name} (${folder})\n`)
    const listed = JSON.parse(ok(['models', 'list', '--json']).stdout) as { models: Array<{ source: string }> }
    expect(listed.models.filter((m) => m.source === 'user')).toEqual([])
    const gone = mia(['models', 'inspect', 'no-such-model'])
    expect(gone.code).toBe(1)
    expect(gone.stderr).toMatch(/no-such-model/)
    expect(mia(['models', 'remove', 'demo-clip-l']).stderr).toMatch(/"demo-clip-l" is a bundled model; only added models can be removed/)
  }, 120_000)
})

describe('plumbing', () => {
  it('exits quietly when stdout is closed early (`mia … --json | head`)', async () => {
    const child = spawn(process.execPath, [MIA, '--workspace', ws, 'experiments', 'list', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] })
    child.stdout.destroy()
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(stderr).not.toMatch(/EPIPE|Error:|at /)
    expect(code).toBe(0)
  })

  it('refuses to repeat a finished experiment unless --force, and deletes by prefix', () => {
    const args = ['run', '--dataset', 'emoji-demo', '--attack', 'blind', '--resamples', '50', '--name', 'blind once']
    ok(args)
    const again = mia(args)
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(/Experiment "blind once" \([0-9a-f]{8}\) already ran this spec/)
    expect(again.stderr).toMatch(/pass --force to run a new experiment anyway/)
    const listed = JSON.parse(ok(['experiments', 'list', '--json']).stdout) as { experiments: Array<{ id: string; name: string }> }
    const blind = listed.experiments.filter((e) => e.name === 'blind once')
    expect(blind).toHaveLength(1)
    expect(ok(['experiments', 'delete', blind[0].id.slice(0, 8)]).stdout).toBe(`deleted ${blind[0].id.slice(0, 8)} blind once\n`)
    expect(mia(['experiments', 'show', 'blind once']).stderr).toMatch(/No experiment with id, id prefix or name "blind once"/)
  }, 300_000)

  it('prints how to resume a cancelled run', async () => {
    const child = spawn(process.execPath, [MIA, '--workspace', ws, 'run', '--model', 'demo-clip-s', '--dataset', 'emoji-demo', '--attack', 'csa'], { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    let sent = false
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString()
      if (!sent && /validating|embedding/.test(stderr)) {
        sent = true
        child.kill('SIGINT')
      }
    })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code).toBe(130)
    expect(stderr).toMatch(new RegExp(`hint: .*Resume it with \`mia --workspace ${ws.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} resume [0-9a-f]{8}\``))
  }, 180_000)
})
