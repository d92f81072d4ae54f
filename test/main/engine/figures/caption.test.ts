// Provenance captions: model and dataset identities, n, attack parameters, bootstrap, app version; every experiment of a comparison.
import { beforeAll, describe, expect, it } from 'vitest'
import { attackText, provenanceCaption, rocBandText, shortHash } from '../../../../src/main/engine/figures'
import { ExperimentParamsSchema, type ExperimentView } from '../../../../src/shared/contract/experiments'
import { makeExperimentView } from '../../../helpers/experiment-view'

let csa: ExperimentView
let wsa: ExperimentView
beforeAll(async () => {
  csa = await makeExperimentView({ name: 'CSA small', seed: 4, members: 300, nonmembers: 700 })
  wsa = await makeExperimentView({ name: 'WSA large', seed: 5, attack: 'wsa', modelName: 'demo-clip-l' })
})

describe('provenanceCaption', () => {
  it('names the model with a short fingerprint, the dataset with a hash prefix, n, attack, seed, bootstrap and version', () => {
    const text = provenanceCaption([csa], { subject: 'Log-log ROC' })
    const spec = csa.record.spec
    expect(text.startsWith('Log-log ROC. CSA small: model demo-clip-s (fingerprint ')).toBe(true)
    expect(text).toContain(`fingerprint ${spec.modelFingerprint!.slice('sha256:'.length, 'sha256:'.length + 12)})`)
    expect(text).toContain(`dataset emoji-demo (hash ${spec.datasetHash.slice(7, 19)})`)
    expect(text).toContain('300 members / 700 non-members')
    expect(text).toContain('CSA, seed 4.')
    expect(text).toContain('Intervals: 95% stratified percentile bootstrap, 200 resamples.')
    expect(text.endsWith('MIA Workbench 0.1.0.')).toBe(true)
  })

  it('covers every experiment of a comparison and the paired bootstrap', () => {
    const comparison = {
      a: csa.record.id,
      b: wsa.record.id,
      nItems: 1000,
      deltaAuc: { delta: 0.1, ci: { lo: 0.05, hi: 0.15 }, pValue: 0.01 },
      deltaTprAt1: { delta: null, ci: null, pValue: null },
      resamples: 2000,
      seed: 0
    }
    const text = provenanceCaption([csa, wsa], { comparisons: [comparison] })
    expect(text).toContain('CSA small: model demo-clip-s')
    expect(text).toContain('WSA large: model demo-clip-l')
    expect(text).toContain('WSA (λ = rule (precision 0.9), MLP, ≤ 15 epochs, pool auto, cross-fitted K = 5), seed 5.')
    expect(text).toContain('Paired Δ over the 1000 common target items, paired bootstrap with 2000 resamples.')
  })

  it('says where the embeddings were computed, and says so when the experiments’ providers differ', () => {
    const adapter = {
      vendor: 'google',
      architecture: 'swiftshader',
      description: 'SwiftShader Vulkan (software GPU)',
      backend: 'vulkan' as const,
      software: true,
      driver: null,
      source: 'vulkan-manifest' as const
    }
    const onGpu = { ...wsa, record: { ...wsa.record, results: { ...wsa.record.results!, provider: 'webgpu', adapter } } }
    expect(provenanceCaption([csa])).toContain('Embeddings computed on cpu.')
    expect(provenanceCaption([onGpu])).toContain('Embeddings computed on webgpu on SwiftShader Vulkan (software GPU) (google, vulkan, software).')
    expect(provenanceCaption([csa, onGpu])).toContain(
      'Embeddings computed on different execution providers (CSA small: cpu; WSA large: webgpu on SwiftShader Vulkan (software GPU) (google, vulkan, software)).'
    )
  })
})

describe('attackText and shortHash', () => {
  it('names the calibration rule that ran: the report’s under auto, the spec’s before a run', () => {
    const calibrated = (mode: 'auto' | 'difference' | 'regression', ran?: 'difference' | 'regression'): string => {
      const spec = { ...csa.record.spec, params: { ...csa.record.spec.params, calibration: { referenceModel: 'demo-clip-ref', mode } } }
      const results = { ...csa.record.results!, attackReport: ran ? { calibration: { referenceModel: 'demo-clip-ref', mode: ran } } : {} }
      return provenanceCaption([{ ...csa, record: { ...csa.record, spec, results } }])
    }
    expect(calibrated('auto', 'regression')).toContain('CSA calibrated against reference model demo-clip-ref (regression fitted on the guaranteed non-members), seed 4.')
    expect(calibrated('auto', 'difference')).toContain('calibrated against reference model demo-clip-ref (difference), seed 4.')
    expect(calibrated('auto')).toContain('calibrated against reference model demo-clip-ref (auto), seed 4.')
    expect(calibrated('difference')).toContain('(difference), seed 4.')
  })

  it("spells out each attack's defining parameters", () => {
    const p = ExperimentParamsSchema.parse({})
    expect(attackText('csa', p)).toBe('CSA')
    expect(attackText('aea', p)).toBe('AEA (mean aggregation, default bank, K = 10)')
    const custom = ExperimentParamsSchema.parse({ aea: { bank: 'hflip, vflip', aggregation: 'drop' }, wsa: { lambda: -0.5, model: 'logreg', pool: 'separate', appendCsa: true } })
    expect(attackText('aea', custom)).toBe('AEA (drop aggregation, bank "hflip, vflip", K = 2)')
    expect(attackText('wsa', custom)).toBe('WSA (λ = -0.5, logistic regression, pool separate, +CSA feature)')
    expect(attackText('wsa', ExperimentParamsSchema.parse({ wsa: { variant: 'ko2023' } }))).toBe('WSA ko2023 (λ = 1.5, MLP, ≤ 15 epochs, pool auto)')
    expect(attackText('wsa', ExperimentParamsSchema.parse({ wsa: { variant: 'bench2026' } }))).toBe('WSA bench2026 (λ = 0.5, linear layer, pool auto)')
    expect(attackText('blind', p)).toBe('blind baseline (5-fold)')
  })
  it('cuts hashes to 12 hex digits without the algorithm prefix', () => {
    expect(shortHash('sha256:0123456789abcdef0123')).toBe('0123456789ab')
    expect(shortHash('fedcba9876543210')).toBe('fedcba987654')
    expect(shortHash(null)).toBe('unknown')
  })
})

describe('rocBandText', () => {
  it('says what the shading is: pointwise (not simultaneous), its level and resamples; nothing without a band', () => {
    expect(rocBandText([csa])).toBe('shaded: pointwise 95% bootstrap band of TPR at each FPR (200 stratified resamples; not a simultaneous band)')
    const bare: ExperimentView = { ...csa, rocBand: null, record: { ...csa.record, results: { ...csa.record.results!, metrics: { ...csa.record.results!.metrics!, rocBand: undefined } } } }
    expect(rocBandText([bare])).toBeNull()
  })
})
