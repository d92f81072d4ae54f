// Rewrites SQLite failures into 'store-failed' WorkbenchErrors that say what failed and what to do (design rule 6).
import { WorkbenchError } from '../../../shared/contract/errors'

/** Where a failure happened: the database file and the labelled query or step (e.g. 'embeddings.putMany'). */
export interface StoreErrorContext {
  file: string
  label: string
}

interface Diagnosis {
  what: string
  hint: string
}

const CORRUPT: Diagnosis = {
  what: 'the database file is damaged or is not a MIA Workbench database',
  hint: 'Move the file aside (keep a copy) and reopen the workspace to start a fresh cache; finished experiments in it would need recomputing.'
}

/** Diagnoses keyed by SQLite's primary result code (the part before any '_' extension such as _RECOVERY). */
const DIAGNOSES: Record<string, Diagnosis> = {
  SQLITE_FULL: {
    what: 'disk full: free space, nothing was written',
    hint: 'Free disk space (or move the workspace to a disk with room) and run again; everything committed earlier is kept.'
  },
  SQLITE_READONLY: {
    what: 'workspace is read-only: choose a writable workspace folder',
    hint: 'Pick a workspace folder you can write to (--workspace or the app settings), or make this one writable.'
  },
  SQLITE_BUSY: {
    what: 'another process kept the workspace database busy past the retry budget',
    hint: 'Another MIA Workbench (CLI or app) is writing to this workspace; wait for it to finish and run again.'
  },
  SQLITE_LOCKED: {
    what: 'the workspace database was locked by another statement',
    hint: 'Wait for the other operation on this workspace to finish and run again.'
  },
  SQLITE_CORRUPT: CORRUPT,
  SQLITE_NOTADB: CORRUPT,
  SQLITE_CANTOPEN: {
    what: 'the database file cannot be opened',
    hint: 'Check that the workspace folder exists and that you may read and write it.'
  },
  SQLITE_IOERR: {
    what: 'the operating system reported an I/O error',
    hint: 'Check the disk holding the workspace (space, permissions, network drive) and run again.'
  },
  SQLITE_CONSTRAINT: {
    what: 'a row broke a database constraint (a reference to a missing row or an invalid value)',
    hint: 'This is a bug in MIA Workbench; please report it with the steps that led here.'
  }
}

/** SQLite's extended result code of an error (or of its cause), e.g. 'SQLITE_BUSY_SNAPSHOT'; undefined otherwise. */
export function sqliteCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code
    if (typeof code === 'string' && code.startsWith('SQLITE_')) return code
  }
  return undefined
}

/** True when SQLite reported contention (SQLITE_BUSY*, SQLITE_LOCKED*): the statement may be retried. */
export function isBusyError(err: unknown): boolean {
  const code = sqliteCode(err)
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
}

/** The primary code: 'SQLITE_READONLY_DBMOVED' -> 'SQLITE_READONLY'. */
function primaryCode(code: string): string {
  const parts = code.split('_')
  return parts.slice(0, 2).join('_')
}

/**
 * Turn anything thrown by SQLite into a 'store-failed' WorkbenchError naming the file and query; a
 * WorkbenchError (e.g. 'cancelled' or 'invalid-input' from inside a transaction) passes through unchanged.
 */
export function storeError(err: unknown, ctx: StoreErrorContext): WorkbenchError {
  if (err instanceof WorkbenchError) return err
  const code = sqliteCode(err)
  const detail = err instanceof Error ? err.message : String(err)
  if (code === undefined) {
    return new WorkbenchError({ code: 'store-failed', message: `Workspace database: ${ctx.label} failed: ${detail}`, item: ctx.file, hint: DIAGNOSES.SQLITE_CONSTRAINT.hint }, { cause: err })
  }
  const diagnosis = DIAGNOSES[primaryCode(code)]
  // SQLite's own words are kept for context, except "database is locked": issue 9 wants users never to see it.
  const what = !diagnosis ? `${detail} (${code})` : isBusyError(err) ? `${diagnosis.what} (${code})` : `${diagnosis.what} (${code}: ${detail})`
  return new WorkbenchError(
    {
      code: 'store-failed',
      message: `Workspace database: ${ctx.label} failed: ${what}`,
      item: ctx.file,
      hint: diagnosis?.hint ?? 'Check the workspace folder and disk, then run again; if it persists, report it.'
    },
    { cause: err }
  )
}

/** The error for writing to a workspace that is read-only (file or folder not writable, or opened read-only). */
export function readOnlyWorkspaceError(file: string, label: string, why: string): WorkbenchError {
  return new WorkbenchError({
    code: 'store-failed',
    message: `Workspace database: ${label} failed: ${DIAGNOSES.SQLITE_READONLY.what} (${why})`,
    item: file,
    hint: DIAGNOSES.SQLITE_READONLY.hint
  })
}
