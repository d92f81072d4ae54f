// CSV writing: RFC 4180 quoting, formula-injection neutralisation, and the scores CSV round trip through parseScoresCsv.
import { describe, expect, it } from 'vitest'
import { csvCell, csvDocument, scoresCsv, SCORES_CSV_HEADER, type ScoreRow } from '../../../../src/main/engine/figures'
import { evaluateScores, parseScoresCsv } from '../../../../src/main/engine/metrics'
import { makeExperimentView, syntheticScores } from '../../../helpers/experiment-view'

describe('csvCell', () => {
  it('quotes fields with commas, quotes, CR or LF, doubling inner quotes (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('cr\rhere')).toBe('"cr\rhere"')
    expect(csvCell(null)).toBe('')
    expect(csvCell(undefined)).toBe('')
  })

  it('neutralises cells a spreadsheet would run as formulas, but not plain numbers', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`)
    expect(csvCell('+cmd')).toBe("'+cmd")
    expect(csvCell('-2+3')).toBe("'-2+3")
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)")
    expect(csvCell('\tx')).toBe("'\tx")
    expect(csvCell('\rx')).toBe(`"'\rx"`)
    expect(csvCell('-0.5')).toBe('-0.5')
    expect(csvCell('+1e-7')).toBe('+1e-7')
    expect(csvCell(-0.5)).toBe('-0.5')
    expect(csvCell('a=b')).toBe('a=b')
  })

  it('writes non-finite numbers as empty cells and ends records with CRLF', () => {
    expect(csvCell(Number.NaN)).toBe('')
    expect(csvDocument(['a', 'b'], [[1, 'x,y']])).toBe('a,b\r\n1,"x,y"\r\n')
  })
})

describe('scoresCsv', () => {
  it('writes the documented header and 1/0 labels', () => {
    const text = scoresCsv([
      { id: 'a', caption: 'x', membership: 'member', role: 'target', score: 0.5 },
      { id: 'b', caption: 'y', membership: 'nonmember', role: 'target', score: -0.25 },
      { id: 'c', caption: 'z', membership: 'unknown', role: 'target', score: 0.1 }
    ])
    expect(text.split('\r\n')).toEqual([SCORES_CSV_HEADER.join(','), 'a,0.5,1,member,target,x', 'b,-0.25,0,nonmember,target,y', 'c,0.1,unknown,unknown,target,z', ''])
  })

  it('neutralises formulas in the ids and captions a dataset brings, as written to disk', () => {
    const text = scoresCsv([
      { id: '=1+1', caption: '@SUM(A1)', membership: 'member', role: 'target', score: 0.5 },
      { id: 'ok', caption: '=HYPERLINK("http://x","y")', membership: 'nonmember', role: 'target', score: -0.5 }
    ])
    expect(text.split('\r\n').slice(1, 3)).toEqual([`'=1+1,0.5,1,member,target,'@SUM(A1)`, `ok,-0.5,0,nonmember,target,"'=HYPERLINK(""http://x"",""y"")"`])
  })

  it('round-trips through parseScoresCsv with awkward captions, and re-evaluates to the same metrics', async () => {
    const s = syntheticScores(120, 180, 1, 7)
    const captions = ['a cat, on a mat', 'the "best" dog', 'two\nlines', '=cmd|calc', '-minus', '@at', 'plain']
    const rows: ScoreRow[] = s.ids.map((id, i) => ({ id, caption: captions[i % captions.length], membership: s.labels[i] ? 'member' : 'nonmember', role: 'target', score: s.scores[i] }))
    rows.push({ id: 'audit-1', caption: 'no ground truth', membership: 'unknown', role: 'target', score: 0.3 })
    const parsed = parseScoresCsv(scoresCsv(rows))
    expect(parsed.ids).toEqual(s.ids)
    expect(Array.from(parsed.scores)).toEqual(Array.from(s.scores))
    expect(Array.from(parsed.labels)).toEqual(Array.from(s.labels))
    expect(parsed.skippedUnknown).toBe(1)
    const direct = await evaluateScores({ scores: s.scores, labels: s.labels }, { resamples: 50, seed: 3, threads: 1 })
    const again = await evaluateScores({ scores: parsed.scores, labels: parsed.labels }, { resamples: 50, seed: 3, threads: 1 })
    expect(again).toEqual(direct)
  })

  it("carries a view's exposed items through the parser", async () => {
    const view = await makeExperimentView({ members: 50, nonmembers: 50 })
    const rows = [...view.topMembers, ...view.falsePositives].map((e) => ({ id: e.id, caption: e.caption, membership: e.membership, role: 'target', score: e.score }))
    const parsed = parseScoresCsv(scoresCsv(rows))
    expect(parsed.ids).toEqual(rows.map((r) => r.id))
    expect(Array.from(parsed.labels)).toEqual(rows.map((r) => (r.membership === 'member' ? 1 : 0)))
  })
})
