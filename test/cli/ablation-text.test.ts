// `mia experiments ablation`: its list options and the terminal table (one line per |D_no| × λ, CSA first, failures named).
import { describe, expect, it } from 'vitest'
import { ablationOf } from '../helpers/ablation'
import { ablationText, listOf } from '../../src/cli/ablation-command'

const base = { seed: 0, lambdaRule: 'fixed' as const, usedPerClass: 50, precision: 0.9, tpr1: 0.1, error: null }
const ablation = ablationOf(
  [
    { ...base, size: 100, all: false, requested: 'rule', lambda: 1.25, lambdaRule: 'precision', nSelected: 120, auc: 0.75 },
    { ...base, size: 400, all: true, requested: 0, lambda: 0, nSelected: 250, auc: 0.81 },
    { ...base, size: 400, all: true, requested: 1, lambda: null, lambdaRule: null, nSelected: null, usedPerClass: null, precision: null, auc: null, tpr1: null, error: 'No pool item reaches τ.' }
  ],
  ['Pool size 1000 reaches the 400 reference items: fitted once, as all of them.']
)

describe('mia experiments ablation', () => {
  it('parses lists with their word, leaving anything else for the schema to refuse', () => {
    expect(listOf('all')('100, 250,all')).toEqual([100, 250, 'all'])
    expect(listOf('rule')('rule,0,-0.5')).toEqual(['rule', 0, -0.5])
    expect(listOf('all')('100,lots')).toEqual([100, 'lots'])
  })

  it('prints CSA, then a line per cell with the rule’s λ, and failures with their reason', () => {
    const lines = ablationText(ablation)
    expect(lines[1]).toBe('CSA on the same targets: AUC 0.800, TPR@1% FPR 0.050.')
    const row = (text: string): string => lines.find((l) => l.includes(text))!
    expect(row('rule → 1.25')).toMatch(/^\s+100\s+rule → 1\.25\s+1\s+120\s+50\s+0\.900\s+0\.750\s+0\.100$/)
    expect(row('400*  0 ')).toMatch(/0\.810/)
    expect(row('no fit')).toContain('No pool item reaches τ.')
    expect(lines).toContain(ablation.notes[0])
  })
})
