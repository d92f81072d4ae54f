// Contract-shaped sample data for renderer tests: an experiment record and view, summaries.
import type { ExperimentRecord, ExperimentSummary, ExperimentView } from '../../src/shared/contract/experiments'
import { ExperimentParamsSchema } from '../../src/shared/contract/experiments'

/** A finished CSA experiment record. */
export function sampleRecord(id = 'exp-1', name = 'CSA · demo-clip-s · emoji-demo'): ExperimentRecord {
  return {
    format: 'mia-workbench/experiment@1',
    id,
    name,
    tags: [],
    status: 'done',
    createdAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    spec: {
      model: 'demo-clip-s',
      dataset: 'emoji-demo',
      attack: 'csa',
      params: ExperimentParamsSchema.parse({}),
      tags: [],
      modelName: 'demo-clip-s',
      modelFingerprint: 'f'.repeat(64),
      quantized: false,
      datasetName: 'emoji-demo',
      datasetHash: 'd'.repeat(64),
      appVersion: '0.1.0'
    } as ExperimentRecord['spec'],
    results: {
      metrics: {
        n: { members: 4, nonmembers: 4 },
        auc: 0.75,
        aucCI: { lo: 0.5, hi: 1 },
        balancedAccuracy: 0.75,
        balancedAccuracyCI: { lo: 0.5, hi: 1 },
        balancedAccuracyThreshold: 0.5,
        advantage: 0.5,
        tprAtFpr: { '0.01': { target: 0.01, tpr: null, resolvable: false, ci: null, fpr: null, threshold: null } },
        minResolvableFpr: 0.25,
        scoreGap: { delta: 0.2, ci: { lo: 0.1, hi: 0.3 }, meanMembers: 0.6, meanNonmembers: 0.4 },
        bootstrap: { resamples: 200, seed: 0, confidence: 0.95, method: 'stratified-percentile' }
      },
      blindBaseline: { auc: 0.81, aucCI: { lo: 0.7, hi: 0.9 }, warning: 'The blind baseline reaches AUC 0.81: members and non-members differ without the model.' },
      attackReport: {},
      counts: { targets: 8, members: 4, nonmembers: 4, unknown: 0, reference: 0, pool: 0 },
      skipped: [],
      provider: 'cpu',
      fallbackReason: null,
      embeddings: { computed: 16, cached: 0 },
      timings: {}
    },
    error: null
  }
}

/** The Results view of `sampleRecord`: a 4-bin histogram and a small ROC. */
export function sampleView(id = 'exp-1', name?: string): ExperimentView {
  return {
    record: sampleRecord(id, name),
    roc: { fpr: [0, 0, 0.5, 1], tpr: [0, 0.5, 1, 1], thresholds: [null, 0.8, 0.5, 0.1] },
    histogram: { edges: [0, 0.25, 0.5, 0.75, 1], members: [0, 1, 1, 2], nonmembers: [2, 1, 1, 0] },
    topMembers: [{ id: 'm1', caption: 'an emoji of grinning face', score: 0.9, membership: 'member', thumbnail: null }],
    falsePositives: [],
    slices: [
      {
        column: 'vendor',
        value: 'google',
        members: 2,
        nonmembers: 2,
        auc: 0.75,
        aucCI: { lo: 0.25, hi: 1 },
        tprAt1: null,
        tprAt1CI: null,
        warning: 'Only 2 member(s) and 2 non-member(s): below 30 per class this slice’s intervals are wide.'
      }
    ]
  }
}

/** A list row. */
export function sampleSummary(id: string, name: string, tags: string[] = []): ExperimentSummary {
  return {
    id,
    name,
    tags,
    status: 'done',
    createdAt: '2025-01-01T00:00:00.000Z',
    attack: 'csa',
    modelName: 'demo-clip-s',
    quantized: false,
    datasetName: 'emoji-demo',
    auc: 0.75,
    nTargets: 8,
    modelFingerprint: 'sha256:demo',
    datasetHash: 'sha256:emoji',
    params: ExperimentParamsSchema.parse({}),
    tprAtFpr: [
      { target: 0.001, tpr: null },
      { target: 0.01, tpr: 0.25 }
    ]
  }
}
