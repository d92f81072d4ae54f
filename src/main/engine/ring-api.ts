// The engine's light public entry for the rings that run it in a worker (CLI, server): configuration, the offline cache
// merge, the scores-file reader and the soak's kill points. It loads no ONNX runtime: `mia` starts fast, the engine itself
// runs behind src/main/host. `.dependency-cruiser.cjs` (cli-through-engine-entries) keeps the rings to this file and index.ts.
export { sourceConfig, defaultWorkspaceDir, REPO_ROOT } from './config'
export type { EngineConfig } from './config'
export { mergeDatabases, mergeSourceDb, mergeTargetDb, workspaceDbPath } from './store'
export type { MergeReport } from './store'
export { parseScoresCsv } from './metrics/scores-csv'
export type { ScoresCsv } from './metrics/scores-csv'
export { crashPoint } from './crash-point'
