// Experiment facts: what each attack's parameters are, what tells experiments apart, and automatic names (issue 21).
import { describe, expect, it } from 'vitest'
import { ExperimentSpecSchema } from '../../src/shared/contract/experiments'
import { automaticName, distinguishingFacts, labelsOf, nameAfterRun, paramFacts } from '../../src/shared/experiment-facts'

const spec = (attack: 'csa' | 'aea' | 'wsa' | 'blind', params: Record<string, unknown> = {}) => ExperimentSpecSchema.parse({ dataset: 'd', attack, params })

describe('experiment facts', () => {
  it('lists the parameters each attack uses, and only those', () => {
    expect(paramFacts(spec('csa')).map((f) => f.key)).toEqual(['seed', 'resamples'])
    expect(paramFacts(spec('aea', { aea: { bank: 'hflip, rot(deg=15)', aggregation: 'drop' } }))).toEqual([
      { key: 'bank', label: 'bank', value: 'hflip, rot(deg=15)' },
      { key: 'aggregation', label: 'aggregation', value: 'drop' },
      { key: 'seed', label: 'seed', value: '0' },
      { key: 'resamples', label: 'resamples', value: '1000' }
    ])
    const wsa = paramFacts(spec('wsa', { wsa: { lambda: 2, appendAea: true } }))
    expect(wsa.map((f) => `${f.label} ${f.value}`)).toEqual(['λ 2', 'attack model mlp', 'pool auto', 'features CSA+AEA', 'bank default (K = 10)', 'seed 0', 'resamples 1000'])
    // Reference-model calibration: the reference, and the score rule when the spec names one (default auto).
    const calibrated = (mode?: string): string | undefined =>
      paramFacts(spec('csa', { calibration: { referenceModel: 'demo-clip-ref', ...(mode ? { mode } : {}) } })).find((f) => f.key === 'reference')?.value
    expect(calibrated()).toBe('demo-clip-ref')
    expect(calibrated('auto')).toBe('demo-clip-ref')
    expect(calibrated('regression')).toBe('demo-clip-ref (regression)')
    expect(calibrated('difference')).toBe('demo-clip-ref (difference)')
  })

  it('two WSA runs that differ only in λ are told apart in labels; equal facts are left out', () => {
    const a = { name: 'WSA run', spec: spec('wsa', { wsa: { lambda: 1.5 } }) }
    const b = { name: 'WSA run', spec: spec('wsa', { wsa: { lambda: 3 } }) }
    expect(distinguishingFacts([a.spec, b.spec]).map((f) => f.map((x) => x.key))).toEqual([['lambda'], ['lambda']])
    expect(labelsOf([a, b])).toEqual(['WSA run (λ 1.5)', 'WSA run (λ 3)'])
    // A name that already says it gets nothing appended; a single experiment keeps its name.
    expect(labelsOf([{ ...a, name: 'WSA · λ 1.5' }, b])).toEqual(['WSA · λ 1.5', 'WSA run (λ 3)'])
    expect(labelsOf([a])).toEqual(['WSA run'])
  })

  it('automatic names carry λ, the bank and a non-zero seed', () => {
    expect(automaticName(spec('csa'), 'demo-clip-s', 'emoji-demo')).toBe('CSA · demo-clip-s · emoji-demo')
    expect(automaticName(spec('csa', { calibration: { referenceModel: 'demo-clip-ref' } }), 'demo-clip-l', 'emoji-calibration')).toBe('CSA · demo-clip-l · emoji-calibration · reference demo-clip-ref')
    expect(automaticName(spec('wsa', { wsa: { lambda: 2 }, seed: 3 }), 'm', 'd')).toBe('WSA · m · d · λ 2 · seed 3')
    expect(automaticName(spec('aea'), 'm', 'd')).toBe('AEA · m · d · bank default (K = 10) · aggregation mean')
    expect(automaticName(spec('blind'), null, 'd')).toBe('BLIND · d')
  })

  it('automatic names carry the provider that ran when it is not the CPU; a name the user gave stays', () => {
    const wsa = { ...spec('wsa', { wsa: { lambda: 2 } }), modelName: 'm', datasetName: 'd' }
    expect(automaticName(wsa, 'm', 'd', 'cuda')).toBe('WSA · m · d · λ 2 · provider cuda')
    expect(automaticName(wsa, 'm', 'd', 'cpu')).toBe('WSA · m · d · λ 2')
    expect(nameAfterRun('WSA · m · d · λ 2', wsa, 'webgpu')).toBe('WSA · m · d · λ 2 · provider webgpu')
    expect(nameAfterRun('WSA · m · d · λ 2', wsa, 'cpu')).toBeNull()
    expect(nameAfterRun('WSA · m · d · λ 2', wsa, null)).toBeNull()
    // A resumed run: the provider it ran on now replaces the earlier one, or drops it on the CPU.
    expect(nameAfterRun('WSA · m · d · λ 2 · provider cuda', wsa, 'webgpu')).toBe('WSA · m · d · λ 2 · provider webgpu')
    expect(nameAfterRun('WSA · m · d · λ 2 · provider cuda', wsa, 'cpu')).toBe('WSA · m · d · λ 2')
    expect(nameAfterRun('WSA · m · d · λ 2 · provider cuda', wsa, 'cuda')).toBeNull()
    expect(nameAfterRun('my sweep, λ 2', wsa, 'cuda')).toBeNull()
    expect(nameAfterRun('WSA · m · d · λ 3', wsa, 'cuda')).toBeNull()
  })
})
