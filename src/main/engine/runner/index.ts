// Public surface of the runner: plan an experiment, embed what the cache lacks, score, evaluate, store, and view the result.
export { resolveSpec, collectItems } from './plan'
export type { RunItems } from './plan'
export { embedItems } from './embed'
export type { EmbedRequest, EmbeddedItems } from './embed'
export { runExperiment } from './run'
export { metricsData, requireRow, toRecord, toSummary } from './record'
export { experimentView } from './view'
