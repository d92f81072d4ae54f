// One workspace's store: the database file in the workspace folder and every repository over it.
import path from 'node:path'
import { openWorkspaceDb, type OpenWorkspaceDbOptions, type WorkspaceDb } from './database'
import { createEmbeddingsRepo, type EmbeddingsRepo } from './embeddings'
import { createExperimentsRepo, type ExperimentsRepo } from './experiments'
import { createItemsRepo, type ItemsRepo } from './items'
import { createDatasetRegistry, createModelRegistry, type DatasetEntry, type ModelEntry, type RegistryRepo } from './registry'
import { createScoresRepo, type ScoresRepo } from './scores'

/** File name of the database inside a workspace folder. */
export const WORKSPACE_DB_FILE = 'workspace.sqlite'

/** An open workspace database with its repositories. */
export interface WorkspaceStore {
  db: WorkspaceDb
  embeddings: EmbeddingsRepo
  items: ItemsRepo
  experiments: ExperimentsRepo
  scores: ScoresRepo
  models: RegistryRepo<ModelEntry>
  datasets: RegistryRepo<DatasetEntry>
  close(): void
}

/** The database path of a workspace folder. */
export function workspaceDbPath(workspaceDir: string): string {
  return path.join(workspaceDir, WORKSPACE_DB_FILE)
}

/** Open (creating if needed) the store of a workspace folder. */
export function openWorkspaceStore(workspaceDir: string, options: OpenWorkspaceDbOptions = {}): WorkspaceStore {
  const db = openWorkspaceDb(workspaceDbPath(workspaceDir), options)
  return {
    db,
    embeddings: createEmbeddingsRepo(db),
    items: createItemsRepo(db),
    experiments: createExperimentsRepo(db),
    scores: createScoresRepo(db),
    models: createModelRegistry(db),
    datasets: createDatasetRegistry(db),
    close: () => db.close()
  }
}
