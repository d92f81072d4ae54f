// New-experiment form: contract defaults, one spec or two (compare models), and problems in words before any call.
import { describe, expect, it } from 'vitest'
import { defaultForm, fieldErrors, formFromRecord, paramsOf, specsOf } from '../../../src/renderer/src/composables/useExperimentForm'
import { ExperimentSpecSchema, type Attack } from '../../../src/shared/contract/experiments'
import { sampleRecord } from '../fixtures'

describe('experiment form', () => {
  it('starts from the contract defaults', () => {
    const form = defaultForm()
    expect(form.attacks).toEqual(['csa'])
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
    const blind = specsOf({ ...defaultForm(), attacks: ['blind'], dataset: 'emoji-demo', compareModel: 'x' })
    expect('specs' in blind && blind.specs.map((s) => s.model)).toEqual([undefined])
    expect(specsOf({ ...defaultForm(), dataset: 'emoji-demo' })).toEqual({ problem: 'The CSA attack needs a model.', field: 'model' })
  })

  it('an embedding-only dataset sends no model and refuses AEA (also as WSA features) with the reason', () => {
    const form = { ...defaultForm(), model: 'demo-clip-s', compareModel: 'demo-clip-l', dataset: 'laion-emb' }
    const csa = specsOf(form, undefined, true)
    expect('specs' in csa && csa.specs.map((s) => s.model)).toEqual([undefined])
    expect(specsOf({ ...form, attacks: ['aea'] }, undefined, true)).toEqual({
      problem: 'AEA needs the model and the images to embed augmented views; this dataset holds precomputed embeddings only.',
      field: 'attacks'
    })
    expect(specsOf({ ...form, attacks: ['wsa'], wsa: { ...form.wsa, appendAea: true } }, undefined, true)).toHaveProperty('problem', expect.stringContaining('turn "append AEA" off'))
    expect('specs' in specsOf({ ...form, attacks: ['wsa'], wsa: { ...form.wsa, appendAea: false } }, undefined, true)).toBe(true)
  })

  it('reports bad FPR targets and out-of-range parameters', () => {
    const base = { ...defaultForm(), model: 'm', dataset: 'd' }
    expect(specsOf({ ...base, evaluation: { ...base.evaluation, fprTargets: '0.01, 2' } })).toHaveProperty('problem')
    expect(specsOf({ ...base, wsa: { ...base.wsa, lambda: 50 } })).toEqual({ problem: 'λ must be at most 10.', field: 'wsa.lambda' })
  })

  it('refuses exactly what the contract refuses, field by field (λ = −5, resamples = 0, confidence 1, seed −1)', () => {
    const base = { ...defaultForm(), model: 'm', dataset: 'd' }
    const bad = { ...base, seed: -1, wsa: { ...base.wsa, lambda: -5 }, evaluation: { ...base.evaluation, resamples: 0, confidence: 1, fprTargets: '0.01, x' } }
    expect(Object.keys(fieldErrors(bad)).sort()).toEqual(['evaluation.confidence', 'evaluation.fprTargets', 'evaluation.resamples', 'seed', 'wsa.lambda'])
    expect(fieldErrors(bad)['wsa.lambda']).toMatch(/at least −2\.5/)
    expect(fieldErrors(bad)['evaluation.resamples']).toMatch(/at least 1/)
    // The same parameters are refused by the engine's own schema: the form adds no rule of its own.
    for (const [field, message] of Object.entries(fieldErrors(bad))) {
      const one = {
        ...base,
        ...(field === 'seed' ? { seed: -1 } : {}),
        wsa: field === 'wsa.lambda' ? bad.wsa : base.wsa,
        evaluation: { ...base.evaluation, ...(field.startsWith('evaluation.') ? { [field.slice(11)]: bad.evaluation[field.slice(11) as 'resamples'] } : {}) }
      }
      const out = ExperimentSpecSchema.safeParse({ dataset: 'd', attack: 'wsa', params: paramsOf(one) })
      expect(out.success, field).toBe(false)
      expect(out.error!.issues[0].message).toBe(message)
    }
    expect(fieldErrors(base)).toEqual({})
  })

  it('queues every chosen attack over one or two models as one study; fills the form back from a record', () => {
    const form = { ...defaultForm(), model: 'a', compareModel: 'b', dataset: 'd', attacks: ['csa', 'wsa', 'blind'] as Array<'csa' | 'wsa' | 'blind'>, name: 'study' }
    const out = specsOf(form)
    if (!('specs' in out)) throw new Error(out.problem)
    expect(out.specs.map((s) => [s.attack, s.model ?? null, s.name])).toEqual([
      ['csa', 'a', 'study · CSA · a'],
      ['csa', 'b', 'study · CSA · b'],
      ['wsa', 'a', 'study · WSA · a'],
      ['wsa', 'b', 'study · WSA · b'],
      ['blind', null, 'study · BLIND']
    ])
    const record = { ...sampleRecord('x'), tags: ['t'] }
    record.spec = { ...record.spec, attack: 'wsa', params: { ...record.spec.params, wsa: { ...record.spec.params.wsa, lambda: 2.5 }, seed: 4 } }
    const back = formFromRecord(record)
    expect(back).toMatchObject({ attacks: ['wsa'], seed: 4, dataset: record.spec.dataset, tags: 't' })
    expect(back.wsa.lambda).toBe(2.5)
  })

  it('runs one experiment per seed of the Seeds field, parsed as `mia run --seeds` parses it, tagged and named by seed', () => {
    const form = { ...defaultForm(), model: 'a', dataset: 'd', attacks: ['csa', 'aea'] as Array<'csa' | 'aea'>, name: 'study', seeds: '0-2, 7' }
    const out = specsOf(form)
    if (!('specs' in out)) throw new Error(out.problem)
    expect(out.specs.map((s) => [s.attack, s.params?.seed, s.name])).toEqual([
      ['csa', 0, 'study · CSA · seed 0'],
      ['csa', 1, 'study · CSA · seed 1'],
      ['csa', 2, 'study · CSA · seed 2'],
      ['csa', 7, 'study · CSA · seed 7'],
      ['aea', 0, 'study · AEA · seed 0'],
      ['aea', 1, 'study · AEA · seed 1'],
      ['aea', 2, 'study · AEA · seed 2'],
      ['aea', 7, 'study · AEA · seed 7']
    ])
    expect(out.specs.every((s) => s.tags?.includes('seeds:0-2,7'))).toBe(true)
    // Empty: the single seed, no tag.
    const single = specsOf({ ...form, seeds: '  ', seed: 5, attacks: ['csa'] })
    expect('specs' in single && single.specs.map((s) => [s.params?.seed, s.tags])).toEqual([[5, []]])
  })

  it('refuses a seeds list the CLI refuses, beside the field', () => {
    const base = { ...defaultForm(), model: 'm', dataset: 'd' }
    expect(fieldErrors({ ...base, seeds: '4-0' }).seeds).toMatch(/not a list of seeds/)
    expect(fieldErrors({ ...base, seeds: '3' }).seeds).toMatch(/at least 2/)
    expect(fieldErrors({ ...base, seeds: '0-20' }).seeds).toMatch(/at most 16 seeds/)
    expect(specsOf({ ...base, seeds: 'x' })).toMatchObject({ field: 'seeds', problem: expect.stringMatching(/^"x" is not a list of seeds.*\.$/) })
  })

  it('records the chosen provider in every spec and fills it back from a record (auto when the record has none)', () => {
    const form = { ...defaultForm(), model: 'a', compareModel: 'b', dataset: 'd', provider: 'webgpu' as const }
    const out = specsOf(form)
    if (!('specs' in out)) throw new Error(out.problem)
    expect(out.specs.map((s) => ExperimentSpecSchema.parse(s).provider)).toEqual(['webgpu', 'webgpu'])
    const record = sampleRecord('x')
    expect(formFromRecord(record).provider).toBe('auto')
    expect(formFromRecord({ ...record, spec: { ...record.spec, provider: 'cpu' } }).provider).toBe('cpu')
  })

  it('calibrates CSA and AEA against the chosen reference model and leaves the other attacks plain; fills it back from a record', () => {
    const form = { ...defaultForm(), model: 'demo-clip-l', dataset: 'emoji-calibration', attacks: ['csa', 'aea', 'wsa'] as Attack[] }
    expect(form.calibration).toEqual({ referenceModel: '', mode: 'auto' })
    const plain = specsOf(form)
    if (!('specs' in plain)) throw new Error(plain.problem)
    expect(plain.specs.map((s) => ExperimentSpecSchema.parse(s).params.calibration)).toEqual([{ mode: 'auto' }, { mode: 'auto' }, { mode: 'auto' }])
    const out = specsOf({ ...form, calibration: { referenceModel: 'demo-clip-ref', mode: 'regression' } })
    if (!('specs' in out)) throw new Error(out.problem)
    expect(out.specs.map((s) => ExperimentSpecSchema.parse(s).params.calibration)).toEqual([
      { referenceModel: 'demo-clip-ref', mode: 'regression' },
      { referenceModel: 'demo-clip-ref', mode: 'regression' },
      { mode: 'auto' }
    ])
    // An embedding-only dataset queries no model, so no reference either.
    const precomputed = specsOf({ ...form, attacks: ['csa'], calibration: { referenceModel: 'demo-clip-ref', mode: 'auto' } }, undefined, true)
    if (!('specs' in precomputed)) throw new Error(precomputed.problem)
    expect(ExperimentSpecSchema.parse(precomputed.specs[0]).params.calibration).toEqual({ mode: 'auto' })
    const record = sampleRecord('x')
    const calibrated = { ...record, spec: { ...record.spec, params: { ...record.spec.params, calibration: { referenceModel: 'demo-clip-ref', mode: 'difference' as const } } } }
    expect(formFromRecord(calibrated).calibration).toEqual({ referenceModel: 'demo-clip-ref', mode: 'difference' })
    expect(formFromRecord(record).calibration).toEqual({ referenceModel: '', mode: 'auto' })
  })
})
