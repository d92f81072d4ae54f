// The shape of one schema migration step (PRAGMA user_version N-1 -> N).

/** What a migration step may do to the database; it runs inside the opening transaction. */
export interface MigrationDb {
  /** Run one or more SQL statements without parameters. */
  exec(sql: string): void
  /** Run one parameterised statement. */
  run(sql: string, ...params: unknown[]): void
  /** Read rows of one parameterised query (for data rewrites). */
  all<R>(sql: string, ...params: unknown[]): R[]
}

/** One step of the schema: `version` is the user_version after it ran; steps are never edited once released. */
export interface Migration {
  version: number
  name: string
  up(db: MigrationDb): void
}
