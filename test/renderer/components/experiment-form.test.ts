// New-experiment form: contract defaults, one spec or two (compare models), and problems in words before any call.
import { describe, expect, it } from 'vitest'
import { defaultForm, specsOf } from '../../../src/renderer/src/composables/useExperimentForm'

describe('experiment form', () => {
  it('starts from the contract defaults', () => {
    const form = defaultForm()
    expect(form.attack).toBe('csa')
    expect(form.wsa.lambda).toBeUndefined() // the workbench variant's label-free λ rule
    expect(form.wsa.variant).toBe('workbench')
    expect(form.evaluation.fprTargets).toBe('0.001, 0.01, 0.05')
    expect(form.evaluation.resamples).toBe(1000)
  })

  it('builds one spec, or two with the compare-models shortcut', () => {
    const form = { ...defaultForm(), model: 'demo-clip-s', dataset: 'emoji-demo', tags: 'paper, , fig-3' }
    const one = specsOf(form)
    expect('specs' in one && one.specs).toHaveLength(1)
    if (!('specs' in one)) return
    expect(one.specs[0]).toMatchObject({ model: 'demo-clip-s', dataset: 'emoji-demo', attack: 'csa', tags: ['paper', 'fig-3'] })
    expect(one.specs[0].params?.evaluation?.fprTargets).toEqual([0.001, 0.01, 0.05])
    const two = specsOf({ ...form, name: 'ViT risk', compareModel: 'demo-clip-l' })
    if (!('specs' in two)) throw new Error(two.problem)
    expect(two.specs.map((s) => [s.model, s.name])).toEqual([
      ['demo-clip-s', 'ViT risk · demo-clip-s'],
      ['demo-clip-l', 'ViT risk · demo-clip-l']
    ])
  })

  it('the blind baseline needs no model; other attacks do', () => {
    const blind = specsOf({ ...defaultForm(), attack: 'blind', dataset: 'emoji-demo', compareModel: 'x' })
    expect('specs' in blind && blind.specs.map((s) => s.model)).toEqual([undefined])
    expect(specsOf({ ...defaultForm(), dataset: 'emoji-demo' })).toEqual({ problem: 'The CSA attack needs a model.' })
  })

  it('an embedding-only dataset sends no model and refuses AEA (also as WSA features) with the reason', () => {
    const form = { ...defaultForm(), model: 'demo-clip-s', compareModel: 'demo-clip-l', dataset: 'laion-emb' }
    const csa = specsOf(form, undefined, true)
    expect('specs' in csa && csa.specs.map((s) => s.model)).toEqual([undefined])
    expect(specsOf({ ...form, attack: 'aea' }, undefined, true)).toEqual({ problem: 'AEA needs the model and the images to embed augmented views; this dataset holds precomputed embeddings only.' })
    expect(specsOf({ ...form, attack: 'wsa', wsa: { ...form.wsa, appendAea: true } }, undefined, true)).toHaveProperty('problem', expect.stringContaining('turn "append AEA" off'))
    expect('specs' in specsOf({ ...form, attack: 'wsa', wsa: { ...form.wsa, appendAea: false } }, undefined, true)).toBe(true)
  })

  it('reports bad FPR targets and out-of-range parameters', () => {
    const base = { ...defaultForm(), model: 'm', dataset: 'd' }
    expect(specsOf({ ...base, evaluation: { ...base.evaluation, fprTargets: '0.01, 2' } })).toHaveProperty('problem')
    const lambda = specsOf({ ...base, wsa: { ...base.wsa, lambda: 50 } })
    expect('problem' in lambda && lambda.problem).toMatch(/^params\.wsa\.lambda:/)
  })
})
