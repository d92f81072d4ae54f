// Schema version 2: each experiment's last run log (phases, log lines, skipped items), so a restarted engine shows a
// finished or failed run as it was (issue 21). One row per experiment, replaced by its next run, gone with it.
import type { Migration } from './migration'

const SQL = `
CREATE TABLE run_logs (
  experiment_id TEXT PRIMARY KEY REFERENCES experiments (id) ON DELETE CASCADE,
  started_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  events TEXT NOT NULL CHECK (json_valid(events))
);
`

/** Version 2: the run_logs table. */
export const migration0002: Migration = {
  version: 2,
  name: 'run-logs',
  up(db) {
    db.exec(SQL)
  }
}
