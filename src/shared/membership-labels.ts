// The one set of membership spellings every reader accepts: labels.csv, manifests, record fields and score files.
import type { z } from 'zod'
import type { MembershipSchema } from './contract/datasets'

type Membership = z.infer<typeof MembershipSchema>

/**
 * Accepted spellings (case-insensitive, surrounding spaces ignored), as pandas, R, NumPy and spreadsheets write them
 * (yes/no is not among them: it reads as an answer, not a label, and a typo there should be caught):
 * member: member, 1, 1.0, true · non-member: nonmember, non-member, non_member, 0, 0.0, false ·
 * unknown: unknown, empty, na, nan, null, none. docs/attacks.md ("Membership labels") lists the same set.
 */
const SPELLINGS: Readonly<Record<string, Membership>> = {
  member: 'member',
  '1': 'member',
  '1.0': 'member',
  true: 'member',
  nonmember: 'nonmember',
  'non-member': 'nonmember',
  non_member: 'nonmember',
  '0': 'nonmember',
  '0.0': 'nonmember',
  false: 'nonmember',
  unknown: 'unknown',
  '': 'unknown',
  na: 'unknown',
  nan: 'unknown',
  null: 'unknown',
  none: 'unknown'
}

/** What error messages say is accepted. */
export const MEMBERSHIP_SPELLINGS_TEXT = 'member/nonmember, 1/0, true/false (any case), or unknown/empty/NA'

/** The membership a cell or JSON value spells, or undefined when it is none of the accepted spellings. */
export function parseMembership(value: unknown): Membership | undefined {
  if (value === undefined || value === null) return 'unknown'
  if (typeof value === 'boolean') return value ? 'member' : 'nonmember'
  if (typeof value === 'number') return value === 1 ? 'member' : value === 0 ? 'nonmember' : Number.isNaN(value) ? 'unknown' : undefined
  if (typeof value !== 'string') return undefined
  return SPELLINGS[value.trim().toLowerCase()]
}
