// The ordered list of schema migrations; the last entry's version is the schema this code writes.
import type { Migration } from './migration'
import { migration0001 } from './0001-initial'
import { migration0002 } from './0002-run-logs'

export type { Migration, MigrationDb } from './migration'

/** Every migration in order; entry i has version i + 1. Append new steps, never edit released ones. */
export const MIGRATIONS: readonly Migration[] = [migration0001, migration0002]

/** The schema version (PRAGMA user_version) this code reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS.length
