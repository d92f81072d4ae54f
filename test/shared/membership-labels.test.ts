// One set of membership spellings for every reader: labels.csv, manifests, record fields and score files.
import { describe, expect, it } from 'vitest'
import { parseMembership } from '../../src/shared/membership-labels'

describe('parseMembership', () => {
  it('reads the spellings pandas, R, NumPy and spreadsheets write', () => {
    const member = ['member', 'MEMBER', ' 1 ', '1.0', 'True', 'TRUE', 'true', 1, true]
    const nonmember = ['nonmember', 'non-member', 'Non_Member', '0', '0.0', 'False', 'FALSE', 0, false]
    const unknown = ['unknown', '', '  ', 'NA', 'NaN', 'null', 'None', null, undefined, Number.NaN]
    expect(member.map(parseMembership)).toEqual(member.map(() => 'member'))
    expect(nonmember.map(parseMembership)).toEqual(nonmember.map(() => 'nonmember'))
    expect(unknown.map(parseMembership)).toEqual(unknown.map(() => 'unknown'))
  })

  it('refuses anything else rather than guessing', () => {
    for (const v of ['maybe', 'yes', 'no', '2', '-1', '0.5', 'membr', 2, 0.5, {}, []]) expect(parseMembership(v)).toBeUndefined()
  })
})
