// The most-exposed filter of the agreement panel: "flagged by all" and "only by X" over per-record flags (issue 20 item 7).
import { describe, expect, it } from 'vitest'
import { filterRecords } from '../../../src/renderer/src/composables/useAgreement'
import type { Agreement } from '../../../src/shared/contract/evidence'

const record = (id: string, flags: boolean[]): Agreement['records'][number] => ({ id, caption: id, membership: 'member', flags, exposure: 0.5 })
const records = [record('abc', [true, true, true]), record('a', [true, false, false]), record('ab', [true, true, false]), record('c', [false, false, true]), record('abc2', [true, true, true])]

describe('filterRecords', () => {
  it('keeps every record for "any", in the engine order', () => {
    expect(filterRecords(records, { kind: 'any' }).map((r) => r.id)).toEqual(['abc', 'a', 'ab', 'c', 'abc2'])
  })
  it('"all": flagged by every experiment', () => {
    expect(filterRecords(records, { kind: 'all' }).map((r) => r.id)).toEqual(['abc', 'abc2'])
  })
  it('"only by X": flagged by X and by no other experiment', () => {
    expect(filterRecords(records, { kind: 'only', index: 0 }).map((r) => r.id)).toEqual(['a'])
    expect(filterRecords(records, { kind: 'only', index: 1 }).map((r) => r.id)).toEqual([])
    expect(filterRecords(records, { kind: 'only', index: 2 }).map((r) => r.id)).toEqual(['c'])
  })
})
