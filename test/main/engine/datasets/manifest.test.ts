// Manifest datasets (CSV and JSONL) opened through openDataset: items, metadata, per-record issues, fatal errors.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDataset } from '../../../../src/main/engine/datasets'
import type { DatasetIssue } from '../../../../src/main/engine/datasets'
import { WorkbenchError } from '../../../../src/shared/contract/errors'
import { collect, makeTempDir, writeAt, writeImage } from './fixture-files'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()))
afterEach(() => cleanup())

async function rejection(p: Promise<unknown>): Promise<WorkbenchError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e
  )
  expect(err).toBeInstanceOf(WorkbenchError)
  return err as WorkbenchError
}

const CSV =
  '\uFEFFid,image,caption,Membership,role,timestamp,source,split note\r\n' +
  'a1,images/a1.png,"a cat, on a mat",member,target,2021-03-04,web,"x"\r\n' +
  'a2,images/a2.png,"she said ""meow""\r\nthen left",nonmember,reference,2023-01-02T10:20:30Z,scan,\r\n' +
  'a3,images\\a3.png,plain,,,,,\r\n'

describe('CSV manifests', () => {
  it('streams items with defaults, metadata columns, quoted newlines, BOM, CRLF and escaped quotes', async () => {
    await writeAt(dir, 'ds/manifest.csv', CSV)
    await writeAt(dir, 'ds/dataset.json', JSON.stringify({ name: 'Cats', description: 'three cats', license: 'CC0', manifest: 'manifest.csv' }))
    const ds = await openDataset(path.join(dir, 'ds'))
    const root = path.join(dir, 'ds')
    expect(ds.info).toEqual({
      name: 'Cats',
      description: 'three cats',
      license: 'CC0',
      root,
      manifestPath: path.join(root, 'manifest.csv'),
      kind: 'manifest-csv',
      hash: createHash('sha256')
        .update(await readFile(path.join(root, 'manifest.csv')))
        .digest('hex')
    })
    const items = await collect(ds.items())
    expect(items).toEqual([
      {
        id: 'a1',
        imagePath: path.join(root, 'images/a1.png'),
        caption: 'a cat, on a mat',
        membership: 'member',
        role: 'target',
        timestamp: '2021-03-04',
        metadata: { source: 'web', 'split note': 'x' },
        escapesRoot: false,
        line: 2
      },
      {
        id: 'a2',
        imagePath: path.join(root, 'images/a2.png'),
        caption: 'she said "meow"\nthen left',
        membership: 'nonmember',
        role: 'reference',
        timestamp: '2023-01-02T10:20:30Z',
        metadata: { source: 'scan', 'split note': '' },
        escapesRoot: false,
        line: 3
      },
      { id: 'a3', imagePath: path.join(root, 'images/a3.png'), caption: 'plain', membership: 'unknown', role: 'target', metadata: { source: '', 'split note': '' }, escapesRoot: false, line: 5 }
    ])
    expect(await ds.count()).toBe(3)
  })

  it('fails a header without a required column, naming the file, line 1, what is missing and what to do', async () => {
    const file = await writeAt(dir, 'm.csv', 'id,img,caption\n1,a.png,x\n')
    const err = await rejection(openDataset(file).then((ds) => collect(ds.items())))
    expect(err.code).toBe('bad-dataset')
    expect(err.message).toContain(`${file}: line 1: required column "image" missing; the header has: id, img, caption`)
    expect(err.hint).toMatch(/id, image and caption are required/)
    const empty = await writeAt(dir, 'empty.csv', '')
    expect((await rejection(openDataset(empty).then((ds) => collect(ds.items())))).message).toMatch(/empty/)
    const dupHeader = await writeAt(dir, 'dup.csv', 'id,image,caption,id\n')
    expect((await rejection(openDataset(dupHeader).then((ds) => collect(ds.items())))).message).toMatch(/column 4 repeats the name "id"/)
  })

  it('reports bad rows with line, column and hint, skips them, and keeps going', async () => {
    const file = await writeAt(
      dir,
      'm.csv',
      [
        'id,image,caption,membership,role,timestamp',
        'ok1,a.png,fine,member,target,',
        'bad1,b.png,fine,yes,target,',
        'bad2,c.png,fine,member,train,',
        'bad3,d.png,fine,member,target,2023-02-30',
        'bad4,e.png,a cat, sitting,member,target,',
        ',f.png,no id,member,target,',
        'bad6,,no image,member,target,',
        'bad7,https://example.com/x.png,remote,member,target,',
        'ok1,g.png,dup,member,target,',
        'ok2,h.png,fine,NonMember,Pool,2020-01-01'
      ].join('\n')
    )
    const issues: DatasetIssue[] = []
    const items = await collect((await openDataset(file)).items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => [i.id, i.membership, i.role])).toEqual([
      ['ok1', 'member', 'target'],
      ['ok2', 'nonmember', 'pool']
    ])
    expect(issues.map((i) => [i.itemId, i.line, i.severity, i.code])).toEqual([
      ['bad1', 3, 'error', 'bad-membership'],
      ['bad2', 4, 'error', 'bad-role'],
      ['bad3', 5, 'error', 'bad-timestamp'],
      ['bad4', 6, 'error', 'column-count'],
      ['line 7', 7, 'error', 'missing-id'],
      ['bad6', 8, 'error', 'missing-image-path'],
      ['bad7', 9, 'error', 'remote-image'],
      ['ok1', 10, 'error', 'duplicate-id']
    ])
    expect(issues[0].message).toBe('m.csv line 3, column 4 (membership): membership "yes" is not one of member/nonmember, 1/0, true/false (any case), or unknown/empty/NA.')
    expect(issues[0].hint).toMatch(/member, nonmember or unknown/)
    expect(issues[3].message).toMatch(/m\.csv line 6: 7 columns, but the header has 6/)
    expect(issues[3].hint).toMatch(/Quote fields that contain commas/)
    expect(issues[7].message).toMatch(/id "ok1" is already used by line 2/)
  })

  it('throws the first error from items() when no onIssue is given', async () => {
    const file = await writeAt(dir, 'm.csv', 'id,image,caption,membership\n1,a.png,x,member\n2,b.png,y,maybe\n3,c.png,z,member\n')
    const seen: string[] = []
    const err = await rejection(
      (async () => {
        for await (const item of (await openDataset(file)).items()) seen.push(item.id)
      })()
    )
    expect(seen).toEqual(['1'])
    expect(err.code).toBe('bad-dataset')
    expect(err.item).toBe('2')
    expect(err.message).toMatch(/line 3, column 4 \(membership\)/)
  })

  it('resolves relative, absolute and file:// paths and flags the ones escaping the dataset folder', async () => {
    const outside = await writeImage(dir, 'elsewhere/o.png', 1)
    const file = await writeAt(dir, 'ds/m.csv', `id,image,caption\nin,sub/../i.png,x\nup,../elsewhere/o.png,y\nabs,${outside},z\nurl,file://${outside},w\n`)
    const issues: DatasetIssue[] = []
    const items = await collect((await openDataset(file)).items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => [i.id, i.imagePath, i.escapesRoot])).toEqual([
      ['in', path.join(dir, 'ds/i.png'), false],
      ['up', outside, true],
      ['abs', outside, true],
      ['url', outside, true]
    ])
    expect(issues.map((i) => [i.itemId, i.severity, i.code])).toEqual([
      ['up', 'warning', 'path-escapes-root'],
      ['abs', 'warning', 'path-escapes-root'],
      ['url', 'warning', 'path-escapes-root']
    ])
    expect(issues[0].hint).toMatch(/browser mode will not serve/)
  })

  it('honours an aborted signal and reports not-found and non-manifest paths clearly', async () => {
    const file = await writeAt(dir, 'm.csv', 'id,image,caption\n1,a.png,x\n')
    const ac = new AbortController()
    ac.abort()
    expect((await rejection(collect((await openDataset(file)).items({ signal: ac.signal })))).code).toBe('cancelled')
    expect((await rejection(openDataset(path.join(dir, 'nope')))).code).toBe('not-found')
    const txt = await writeAt(dir, 'notes.txt', 'hi')
    expect((await rejection(openDataset(txt))).message).toMatch(/expected a \.csv or \.jsonl/)
    await writeAt(dir, 'ds2/dataset.json', JSON.stringify({ manifest: 'missing.csv' }))
    expect((await rejection(openDataset(path.join(dir, 'ds2')))).hint).toMatch(/"manifest" entry of dataset\.json/)
  })
})

describe('JSONL manifests', () => {
  it('streams objects, stringifies metadata, and skips bad lines with their line numbers', async () => {
    const lines = [
      '{"id":"j1","image":"a.png","caption":"first","membership":"member","tags":["x","y"],"score":0.5}',
      '',
      '{"id":"j2","image":"b.png","caption":"","role":"pool"}\r',
      '{"id":"j3","image":"c.png"',
      '[1,2]',
      '{"id":"j5","image":"e.png"}',
      '{"id":7,"image":"f.png","caption":"numeric id","membership":"nope"}'
    ]
    await writeAt(dir, 'ds/data.jsonl', lines.join('\n'))
    await writeAt(dir, 'ds/dataset.json', JSON.stringify({ name: 'J', manifest: 'data.jsonl', attribution: [{ credit: 'Alice' }, { credit: 'Bob' }] }))
    const ds = await openDataset(path.join(dir, 'ds'))
    expect([ds.info.kind, ds.info.name, ds.info.license]).toEqual(['manifest-jsonl', 'J', 'Alice\nBob'])
    const issues: DatasetIssue[] = []
    const items = await collect(ds.items({ onIssue: (i) => issues.push(i) }))
    expect(items.map((i) => [i.id, i.caption, i.membership, i.role, i.metadata, i.line])).toEqual([
      ['j1', 'first', 'member', 'target', { tags: '["x","y"]', score: '0.5' }, 1],
      ['j2', '', 'unknown', 'pool', {}, 3]
    ])
    expect(issues.map((i) => [i.itemId, i.line, i.code])).toEqual([
      ['line 4', 4, 'bad-json'],
      ['line 5', 5, 'bad-json'],
      ['j5', 6, 'missing-field'],
      ['7', 7, 'bad-membership']
    ])
    expect(issues[2].message).toBe('data.jsonl line 6: key "caption" missing; this line is skipped.')
    expect(issues[3].message).toMatch(/data\.jsonl line 7, key "membership"/)
    expect(await ds.count()).toBe(6)
  })
})
