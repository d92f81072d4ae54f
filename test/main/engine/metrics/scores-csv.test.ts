// Scores CSV parsing for `mia metrics --scores`: header, labels, BOM/CRLF, quoting and line-numbered errors.
import { describe, expect, it } from 'vitest'
import { parseScoresCsv } from '../../../../src/main/engine/metrics'
import { WorkbenchError } from '../../../../src/shared/contract/errors'

function errorOf(text: string): WorkbenchError {
  try {
    parseScoresCsv(text, 'scores.csv')
  } catch (err) {
    expect(err).toBeInstanceOf(WorkbenchError)
    return err as WorkbenchError
  }
  throw new Error('expected a parse error')
}

describe('parseScoresCsv', () => {
  it('reads score,label with 1/0 labels', () => {
    const out = parseScoresCsv('score,label\n0.9,1\n-1.5e-3,0\n')
    expect(Array.from(out.scores)).toEqual([0.9, -0.0015])
    expect(Array.from(out.labels)).toEqual([1, 0])
    expect(out.ids).toBeNull()
    expect(out.skippedUnknown).toBe(0)
  })

  it('accepts any column order, an id column, member/nonmember labels, BOM, CRLF and quotes', () => {
    const text = '\ufeffLabel,id,Score\r\nmember,"a,1",0.5\r\nNonMember,b,0.25\r\nnon-member,"say ""hi""",1\r\n'
    const out = parseScoresCsv(text)
    expect(Array.from(out.scores)).toEqual([0.5, 0.25, 1])
    expect(Array.from(out.labels)).toEqual([1, 0, 0])
    expect(out.ids).toEqual(['a,1', 'b', 'say "hi"'])
  })

  it('skips unknown labels and blank lines, counting the skipped rows', () => {
    const out = parseScoresCsv('id,score,label\na,1,1\n\nb,2,unknown\nc,3,0\n\n')
    expect(out.ids).toEqual(['a', 'c'])
    expect(out.skippedUnknown).toBe(1)
  })

  it('names the line and the problem', () => {
    const cases: Array<[string, RegExp]> = [
      ['score,label\n0.5,1\nabc,0\n', /line 3: score "abc" is not a finite number/],
      ['score,label\n0.5,1\nNaN,0\n', /line 3: score "NaN"/],
      ['score,label\n0.5,1\n,0\n', /line 3: score "" is not a finite number/],
      ['score,label\n0.5,maybe\n', /line 2: label "maybe" is not one of member\/nonmember, 1\/0, true\/false/],
      ['score,label\n0.5,1,extra\n', /line 2: expected 2 fields like the header, found 3/],
      ['score\n0.5\n', /line 1: the header has no "label" column/],
      ['id,label\nx,1\n', /no "score" column/],
      ['score,label,score\n1,1,1\n', /column "score" appears twice/],
      ['id,score,label\na,1,1\nb,1,0\na,2,0\n', /line 4: id "a" already appeared on line 2/],
      ['id,score,label\n,1,1\n', /line 2: the id is empty/],
      ['id,score,label\n"open,1,1\n', /line 2, column 1: a quoted field is never closed/],
      ['score,label\n"0.5"x,1\n', /line 2: text follows the closing quote of field 1/],
      ['', /the file is empty/],
      ['score,label\n1,unknown\n', /no rows with a member or non-member label/]
    ]
    for (const [text, pattern] of cases) {
      const err = errorOf(text)
      expect(err.code).toBe('invalid-input')
      expect(err.message).toMatch(pattern)
      expect(err.message).toMatch(/^scores\.csv/)
      expect(err.item).toBe('scores.csv')
    }
  })

  it('counts lines inside quoted multi-line fields', () => {
    expect(errorOf('id,score,label\n"multi\nline",1,1\nb,x,0\n').message).toMatch(/line 4: score "x"/)
  })

  it('reads named columns and the label spellings pandas and R write (issue 22)', () => {
    const text = 'sample_id,mia_score,is_member\na,0.9,True\nb,0.1,False\nc,0.5,TRUE\nd,0.4,FALSE\ne,0.3,NA\n'
    const parsed = parseScoresCsv(text, 'tool.csv', { score: 'mia_score', label: 'is_member', id: 'sample_id' })
    expect(Array.from(parsed.scores)).toEqual([0.9, 0.1, 0.5, 0.4])
    expect(Array.from(parsed.labels)).toEqual([1, 0, 1, 0])
    expect(parsed.ids).toEqual(['a', 'b', 'c', 'd'])
    expect(parsed.skippedUnknown).toBe(1)
    expect(parsed.columns).toEqual({ score: 'mia_score', label: 'is_member', id: 'sample_id' })
    // Without the mapping the default names are looked for, and the error lists the header it found.
    expect(() => parseScoresCsv(text, 'tool.csv')).toThrow(/no "score" and "label" column \(found: sample_id, mia_score, is_member\)/)
    // A named id column that is absent is an error, not silently "no ids".
    expect(() => parseScoresCsv(text, 'tool.csv', { score: 'mia_score', label: 'is_member', id: 'uid' })).toThrow(/no "uid" column/)
  })
})
