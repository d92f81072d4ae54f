// labels.csv: the optional membership file of folder, COCO, shard and embedding-folder datasets (id,membership[,role]).
import { createReadStream } from 'node:fs'
import { WorkbenchError } from '../../../shared/contract/errors'
import { csvRows } from '../csv'
import { parseMembership, MEMBERSHIP_SPELLINGS_TEXT } from '../../../shared/membership-labels'
import { assertRegularFile } from './safe-read'
import { ROLES } from './types'
import type { Membership, Role } from './types'

/** The optional membership file at the folder root. */
export const LABELS_FILE = 'labels.csv'

/** One labels.csv row: membership, role and the line it is on. */
export interface Label {
  membership: Membership
  role: Role
  line: number
}

function labelsError(file: string, line: number, message: string, hint: string): WorkbenchError {
  return new WorkbenchError({ code: 'bad-dataset', item: file, message: `${file}: line ${line}: ${message}`, hint })
}

/** Read labels.csv (`id,membership[,role]`); any malformed row is fatal since the file is small and hand-written. */
export async function readLabels(file: string): Promise<Map<string, Label>> {
  await assertRegularFile(file)
  const labels = new Map<string, Label>()
  let keys: string[] | undefined
  for await (const row of csvRows(createReadStream(file), file)) {
    if (!keys) {
      keys = row.fields.map((f) => f.trim().toLowerCase())
      if (!keys.includes('id') || !keys.includes('membership'))
        throw labelsError(file, row.line, `the header must name the columns id and membership (found: ${keys.join(', ')}).`, 'Start labels.csv with the row: id,membership,role')
      continue
    }
    const cell = (key: string): string => (row.fields[keys!.indexOf(key)] ?? '').trim()
    if (row.error || row.fields.length !== keys.length)
      throw labelsError(file, row.line, `${row.fields.length} columns where the header has ${keys.length}.`, 'Give every row the same columns as the header; quote fields with commas.')
    const membership = parseMembership(cell('membership'))
    const role = (keys.includes('role') ? cell('role').toLowerCase() || 'target' : 'target') as Role
    if (!membership)
      throw labelsError(file, row.line, `membership "${cell('membership')}" is not one of ${MEMBERSHIP_SPELLINGS_TEXT}.`, 'Use member, nonmember or unknown (1/0 and true/false are read too).')
    if (!ROLES.includes(role)) throw labelsError(file, row.line, `role "${cell('role')}" is not one of ${ROLES.join(', ')}.`, 'Use target, reference or pool.')
    if (labels.has(cell('id'))) throw labelsError(file, row.line, `id "${cell('id')}" is listed twice.`, 'List every image once.')
    labels.set(cell('id'), { membership, role, line: row.line })
  }
  return labels
}
