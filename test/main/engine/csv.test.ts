// The project's one CSV reader against RFC 4180 cases, at every chunk split, in memory or streamed, and its fatal errors.
import { describe, expect, it } from 'vitest'
import { MAX_FIELD_CHARS, csvRows, csvTextRows } from '../../../src/main/engine/csv'
import type { CsvRow } from '../../../src/main/engine/csv'
import { WorkbenchError } from '../../../src/shared/contract/errors'
import { collect } from './datasets/fixture-files'

async function* fromChunks(chunks: Array<string | Uint8Array>): AsyncGenerator<string | Uint8Array> {
  yield* chunks
}

const parse = (text: string | Uint8Array): Promise<CsvRow[]> => collect(csvRows(fromChunks([text]), 'test.csv'))

const NASTY =
  '\uFEFFid,image,caption,extra\r\n' +
  'a,a.png,"a cat, sitting",x\r\n' +
  'b,b.png,"she said ""hi""",y\r\n' +
  '\r\n' +
  'c,c.png,"line one\r\nline two\nline three",z\r\n' +
  'd,d.png,,\r\n' +
  'e,e.png,"",""\r\n' +
  'f,f.png,naked "quote" inside,w'

describe('csvRows', () => {
  it('parses quoted commas, doubled quotes, quoted newlines, CRLF, BOM and empty fields', async () => {
    const rows = await parse(NASTY)
    expect(rows.map((r) => r.fields)).toEqual([
      ['id', 'image', 'caption', 'extra'],
      ['a', 'a.png', 'a cat, sitting', 'x'],
      ['b', 'b.png', 'she said "hi"', 'y'],
      ['c', 'c.png', 'line one\nline two\nline three', 'z'],
      ['d', 'd.png', '', ''],
      ['e', 'e.png', '', ''],
      ['f', 'f.png', 'naked "quote" inside', 'w']
    ])
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 5, 8, 9, 10])
    expect(rows.every((r) => r.error === undefined)).toBe(true)
  })

  it('gives the same rows however the input is split into chunks, bytes or text', async () => {
    const whole = await parse(NASTY)
    const bytes = new TextEncoder().encode(NASTY)
    for (let cut = 1; cut < bytes.length; cut++) {
      const byBytes = await collect(csvRows(fromChunks([bytes.subarray(0, cut), bytes.subarray(cut)]), 't'))
      expect(byBytes, `byte split at ${cut}`).toEqual(whole)
    }
    for (let cut = 1; cut < NASTY.length; cut++) {
      const byText = await collect(csvRows(fromChunks([NASTY.slice(0, cut), NASTY.slice(cut)]), 't'))
      expect(byText, `text split at ${cut}`).toEqual(whole)
    }
    const oneByOne = await collect(csvRows(fromChunks(Array.from(bytes, (b) => Uint8Array.of(b))), 't'))
    expect(oneByOne).toEqual(whole)
  })

  it('decodes multi-byte UTF-8 split across chunks and replaces invalid bytes with U+FFFD', async () => {
    const bytes = new TextEncoder().encode('id,caption\n1,café 🐱\n')
    const rows = await collect(csvRows(fromChunks(Array.from(bytes, (b) => Uint8Array.of(b))), 't'))
    expect(rows[1].fields[1]).toBe('café 🐱')
    const latin1 = Uint8Array.from([...new TextEncoder().encode('id,caption\n1,caf'), 0xe9, 0x0a])
    expect((await parse(latin1))[1].fields[1]).toBe('caf\uFFFD')
  })

  it('treats a lone CR as a line break and keeps the last row without a trailing newline', async () => {
    const rows = await parse('a,b\rc,d\re,f')
    expect(rows.map((r) => [r.fields, r.line])).toEqual([
      [['a', 'b'], 1],
      [['c', 'd'], 2],
      [['e', 'f'], 3]
    ])
  })

  it('flags text after a closing quote on that row only and resynchronises', async () => {
    const rows = await parse('id,caption\n1,"ok"x,more\n2,fine\n')
    expect(rows[1].error).toMatchObject({ code: 'bad-quote', field: 2 })
    expect(rows[2]).toEqual({ fields: ['2', 'fine'], line: 3 })
  })

  it('fails an unterminated quote naming the file, the line where it opened and the column', async () => {
    const err = await parse('id,caption\n1,ok\n2,"never closed\n3,x\n').catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WorkbenchError)
    expect((err as WorkbenchError).code).toBe('bad-dataset')
    expect((err as WorkbenchError).message).toContain('test.csv: line 3, column 2')
    expect((err as WorkbenchError).hint).toMatch(/doubled/)
  })

  it('stops a runaway quoted field before it eats the heap', async () => {
    const huge = 'id,caption\n1,"' + 'x'.repeat(MAX_FIELD_CHARS + 10)
    const err = await collect(csvRows(fromChunks([huge.slice(0, 70000), huge.slice(70000)]), 'big.csv')).catch((e: unknown) => e)
    expect((err as WorkbenchError).message).toMatch(/big\.csv: line 2, column 2: .*unterminated quote/)
  })
})

describe('csvTextRows', () => {
  it('gives the rows of csvRows for a text in memory, also where quoted fields cross its 64 Ki-character slices', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i},"caption ${i}, with ""quotes""\r\nand a second line",${'y'.repeat(i % 37)}`)
    const text = '\uFEFFid,caption,pad\r\n' + rows.join('\r\n')
    expect(text.length).toBeGreaterThan(3 * 65536)
    const inMemory = [...csvTextRows(text, 'test.csv')]
    expect(inMemory).toHaveLength(5001)
    expect(inMemory).toEqual(await parse(text))
    expect([...csvTextRows(NASTY, 'test.csv')]).toEqual(await parse(NASTY))
  })

  it("reports fatal problems with the caller's error code", () => {
    let err: unknown
    try {
      Array.from(csvTextRows('score,label\n"open,1\n', 'scores.csv', 'invalid-input'))
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(WorkbenchError)
    expect((err as WorkbenchError).code).toBe('invalid-input')
    expect((err as WorkbenchError).message).toContain('scores.csv: line 2, column 1')
  })
})
