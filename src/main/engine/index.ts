// Public surface of the engine: what CLI, server, hosts and tests may import.
export { createEngine } from './engine'
export type { Engine, CallContext } from './engine'
export { sourceConfig, defaultWorkspaceDir, REPO_ROOT } from './config'
export type { EngineConfig } from './config'
