// One workspace's store: the database file in the workspace folder and every repository over it.
import fs from 'node:fs'
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'
import { openWorkspaceDb, type OpenWorkspaceDbOptions, type WorkspaceDb } from './database'
import { createEmbeddingsRepo, type EmbeddingsRepo } from './embeddings'
import { createExperimentsRepo, type ExperimentsRepo } from './experiments'
import { createItemsRepo, type ItemsRepo } from './items'
import { createDatasetRegistry, createModelRegistry, type DatasetEntry, type ModelEntry, type RegistryRepo } from './registry'
import { createRunLogsRepo, type RunLogsRepo } from './run-logs'
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
  runLogs: RunLogsRepo
  models: RegistryRepo<ModelEntry>
  datasets: RegistryRepo<DatasetEntry>
  close(): void
}

/** The database path of a workspace folder. */
export function workspaceDbPath(workspaceDir: string): string {
  return path.join(workspaceDir, WORKSPACE_DB_FILE)
}

/** A database file named by its extension, as opposed to a workspace folder. */
const DB_FILE = /\.(sqlite3?|db)$/i

/**
 * The database a merge writes to: a database file (one that exists, or a new path ending in .sqlite
 * or .db) as it is; otherwise a workspace folder, created when missing, so that `mia cache merge …
 * --into <new dir>` makes a workspace that `--workspace <new dir>` opens.
 */
export function mergeTargetDb(location: string): string {
  const stat = fs.statSync(location, { throwIfNoEntry: false })
  if (stat?.isFile() || (!stat && DB_FILE.test(location))) return location
  if (!stat) fs.mkdirSync(location, { recursive: true })
  return workspaceDbPath(location)
}

/** The database of a merge source: a workspace folder's, or a database file; a missing one is an error naming it. */
export function mergeSourceDb(location: string): string {
  const stat = fs.statSync(location, { throwIfNoEntry: false })
  const file = stat?.isDirectory() ? workspaceDbPath(location) : location
  if (!fs.existsSync(file)) {
    throw new WorkbenchError({ code: 'not-found', item: location, message: `No workspace database at ${file}.`, hint: 'Give a workspace folder (holding workspace.sqlite) or a database file.' })
  }
  return file
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
    runLogs: createRunLogsRepo(db),
    models: createModelRegistry(db),
    datasets: createDatasetRegistry(db),
    close: () => db.close()
  }
}
