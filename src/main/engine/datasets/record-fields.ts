// Turns one manifest record (CSV row or JSONL object, as named text fields) into an Item and its issues.
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseMembership, MEMBERSHIP_SPELLINGS_TEXT } from '../../../shared/membership-labels'
import { ROLES } from './types'
import type { DatasetIssue, IssueCode, Item, Role } from './types'

/** Fields the manifest format defines; every other column or key becomes metadata. */
export const KNOWN_FIELDS = ['id', 'image', 'caption', 'membership', 'role', 'timestamp'] as const
export const REQUIRED_FIELDS = ['id', 'image', 'caption'] as const

/** Where records come from: folders for path resolution and a describer for messages. */
export interface RecordContext {
  /** Dataset folder: image paths outside it are flagged `escapesRoot`. */
  root: string
  /** Relative image paths are resolved against this folder (the manifest's). */
  baseDir: string
  /** "manifest.csv line 12, column 4 (membership)": names the file, line and field. */
  where(line: number, field: string): string
}

/** The result of reading one record: the item unless an error made it unusable. */
export interface BuiltRecord {
  item?: Item
  line: number
  issues: DatasetIssue[]
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/

/** True for an ISO 8601 date or date-time whose calendar fields exist (2023-02-30 does not). */
export function isIsoDate(text: string): boolean {
  const m = ISO_DATE.exec(text)
  if (!m) return false
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (month < 1 || month > 12 || day < 1 || day > days) return false
  return m[4] === undefined || (Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6] ?? 0) <= 60)
}

/** True when `abs` is not inside `root`, judged on the paths as written (symlinks not followed). */
export function escapesRoot(root: string, abs: string): boolean {
  if (abs.startsWith(root.endsWith(path.sep) ? root : root + path.sep)) return false
  const rel = path.relative(root, abs)
  return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)
}

const SPECIAL_SEGMENT = /(^|\/)\.{1,2}(\/|$)|\/\/|\/$/

/**
 * Resolve a manifest image reference: absolute paths and file:// URLs as they are, relative ones
 * against the manifest folder. Backslashes count as separators on every OS so a manifest written on
 * Windows still opens elsewhere. Returns a code instead when the reference cannot be used.
 */
export function resolveImage(ref: string, baseDir: string): { path: string } | { code: IssueCode } {
  const trimmed = ref.trim()
  if (trimmed === '') return { code: 'missing-image-path' }
  if (/^file:\/\//i.test(trimmed)) return { path: fileURLToPath(trimmed) }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return { code: 'remote-image' }
  if (path.sep !== '/') return { path: path.resolve(baseDir, trimmed) }
  const native = trimmed.replace(/\\/g, '/')
  // Fast path for the common plain relative path (no '.', '..' or empty segments): resolve would give the same.
  if (native[0] !== '/' && !SPECIAL_SEGMENT.test(native)) return { path: baseDir.endsWith('/') ? baseDir + native : `${baseDir}/${native}` }
  return { path: path.resolve(baseDir, native) }
}

function issue(itemId: string, line: number, severity: DatasetIssue['severity'], code: IssueCode, message: string, hint: string): DatasetIssue {
  return { itemId, line, severity, code, message, hint }
}

function parseChoice<T extends string>(raw: string | undefined, allowed: readonly T[], fallback: T): T | undefined {
  const v = (raw ?? '').trim().toLowerCase()
  if (v === '') return fallback
  return (allowed as readonly string[]).includes(v) ? (v as T) : undefined
}

/** Build an Item from named fields; `line` is where the record starts. */
export function buildRecord(fields: Record<string, string>, line: number, ctx: RecordContext): BuiltRecord {
  const id = fields.id ?? ''
  const label = id.trim() === '' ? `line ${line}` : id
  const issues: DatasetIssue[] = []
  const fail = (code: IssueCode, field: string, message: string, hint: string): void => {
    issues.push(issue(label, line, 'error', code, `${ctx.where(line, field)}: ${message}`, hint))
  }
  if (id.trim() === '') fail('missing-id', 'id', 'the id is empty.', 'Give every row a unique, non-empty id.')
  const image = resolveImage(fields.image ?? '', ctx.baseDir)
  if ('code' in image) {
    const remote = image.code === 'remote-image'
    fail(
      image.code,
      'image',
      remote ? `"${fields.image}" is a URL; only local files are read.` : 'the image path is empty.',
      remote ? 'Download the image and refer to it by a path relative to the manifest.' : 'Give the image path, relative to the manifest or absolute.'
    )
  }
  const membership = parseMembership(fields.membership)
  if (!membership)
    fail(
      'bad-membership',
      'membership',
      `membership "${fields.membership}" is not one of ${MEMBERSHIP_SPELLINGS_TEXT}.`,
      'Use member, nonmember or unknown (empty means unknown; 1/0 and true/false are read too).'
    )
  const role = parseChoice<Role>(fields.role, ROLES, 'target')
  if (!role) fail('bad-role', 'role', `role "${fields.role}" is not one of ${ROLES.join(', ')}.`, 'Use target, reference or pool (empty means target).')
  const timestamp = (fields.timestamp ?? '').trim()
  if (timestamp !== '' && !isIsoDate(timestamp))
    fail('bad-timestamp', 'timestamp', `timestamp "${timestamp}" is not a valid ISO 8601 date.`, 'Write dates as YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, or leave the cell empty.')
  if (issues.length > 0 || 'code' in image || !membership || !role) return { line, issues }
  const metadata: Record<string, string> = {}
  for (const [key, value] of Object.entries(fields)) if (!(KNOWN_FIELDS as readonly string[]).includes(key)) metadata[key] = value
  const item: Item = { id, imagePath: image.path, caption: fields.caption ?? '', membership, role, metadata, escapesRoot: escapesRoot(ctx.root, image.path), line }
  if (timestamp !== '') item.timestamp = timestamp
  if (item.escapesRoot) {
    issues.push(
      issue(
        id,
        line,
        'warning',
        'path-escapes-root',
        `${ctx.where(line, 'image')}: ${item.imagePath} is outside the dataset folder ${ctx.root}.`,
        'Allowed for local runs; browser mode will not serve this image. Move it into the dataset folder to share the dataset.'
      )
    )
  }
  return { item, line, issues }
}

/** The error issue for a second record that reuses an id; `where` names the file and line. */
export function duplicateIdIssue(id: string, line: number | undefined, where: string, firstUse: string): DatasetIssue {
  return {
    itemId: id,
    ...(line === undefined ? {} : { line }),
    severity: 'error',
    code: 'duplicate-id',
    message: `${where}: id "${id}" is already used by ${firstUse}; this record is skipped.`,
    hint: 'Make ids unique (e.g. append the file name or a counter).'
  }
}
