// Helpers for migration tests: copy a committed fixture database, or build one at an older schema version.
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { MIGRATIONS, openWorkspaceDb, type WorkspaceDb } from '../../../../../src/main/engine/store'

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../fixtures/store')

/** Copy test/fixtures/store/v<version>.sqlite to `file` (tests never open the committed file itself). */
export function copyFixture(version: number, file: string): string {
  fs.copyFileSync(path.join(fixtures, `v${version}.sqlite`), file)
  return file
}

/** Create `file` at schema `version` by applying only the first `version` migrations; `fill` adds data. */
export function buildAtVersion(file: string, version: number, fill?: (db: WorkspaceDb) => void): string {
  const db = openWorkspaceDb(file, { migrations: MIGRATIONS.slice(0, version) })
  fill?.(db)
  db.close()
  return file
}
