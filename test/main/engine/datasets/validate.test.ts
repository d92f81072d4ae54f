// validateDataset on real files: broken images, duplicates, caption problems, counts, progress and cancellation.
import { deflateSync, crc32 } from 'node:zlib'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDataset, validateDataset } from '../../../../src/main/engine/datasets'
import type { ProgressEvent } from '../../../../src/shared/contract/events'
import { WorkbenchError } from '../../../../src/shared/contract/errors'
import { imageBytes, makeTempDir, writeAt, writeImage } from './fixture-files'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()))
afterEach(() => cleanup())

/** A valid PNG header claiming width × height, with a tiny IDAT: a decompression bomb by its header. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer): Buffer => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data])
    const out = Buffer.alloc(body.length + 8)
    out.writeUInt32BE(data.length, 0)
    body.copy(out, 4)
    out.writeUInt32BE(crc32(body), body.length + 4)
    return out
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr.set([8, 0, 0, 0, 0], 8)
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))])
}

async function buildBadDataset(): Promise<string> {
  const good = await imageBytes(1, 'png')
  await writeAt(dir, 'ds/img/good.png', good)
  await writeAt(dir, 'ds/img/same-bytes.png', good)
  await writeImage(dir, 'ds/img/ok2.jpg', 2)
  await writeImage(dir, 'ds/img/ref.png', 3)
  const jpeg = await imageBytes(4, 'jpeg', 128)
  await writeAt(dir, 'ds/img/truncated.jpg', jpeg.subarray(0, Math.floor(jpeg.length * 0.6)))
  await writeAt(dir, 'ds/img/empty.png', '')
  await writeAt(dir, 'ds/img/text.png', 'this is a text file, not an image\n')
  await writeAt(dir, 'ds/img/bomb.png', pngClaiming(30000, 30000))
  await writeAt(dir, 'ds/img/old.bmp', Buffer.concat([Buffer.from('BM'), Buffer.alloc(60)]))
  await writeImage(dir, 'outside.png', 5)
  const rows = [
    'id,image,caption,membership,role',
    'good,img/good.png,a red square,member,target',
    'dup,img/same-bytes.png,the same square,nonmember,target',
    'ok2,img/ok2.jpg,,nonmember,target',
    'ref,img/ref.png,' + 'long '.repeat(2000) + ',nonmember,reference',
    'trunc,img/truncated.jpg,cut off,member,target',
    'zero,img/empty.png,nothing,member,target',
    'text,img/text.png,not an image,member,target',
    'bomb,img/bomb.png,huge,member,target',
    'bmp,img/old.bmp,bitmap,member,target',
    'gone,img/missing.png,missing,member,target',
    'folder,img,a folder,member,target',
    'far,../outside.png,outside,unknown,pool',
    'badrow,img/good.png,x,sometimes,target'
  ]
  const csv = Buffer.concat([Buffer.from(rows.join('\n') + '\n'), Buffer.from('latin,img/ok2.jpg,caf'), Buffer.from([0xe9]), Buffer.from(' au lait,member,target\n')])
  return writeAt(dir, 'ds/manifest.csv', csv)
}

describe('validateDataset', () => {
  it('reports every bad input per item, with severity, and counts the usable ones', async () => {
    const ds = await openDataset(await buildBadDataset())
    const report = await validateDataset(ds)
    const byItem = (id: string): string[] => report.issues.filter((i) => i.itemId === id).map((i) => `${i.severity}:${i.code}`)
    expect(byItem('good')).toEqual([])
    expect(byItem('dup')).toEqual(['warning:duplicate-content'])
    expect(byItem('ok2')).toEqual(['warning:empty-caption'])
    expect(byItem('ref')).toEqual(['warning:caption-too-long'])
    expect(byItem('trunc')).toEqual(['error:corrupt-image'])
    expect(byItem('zero')).toEqual(['error:zero-byte-file'])
    expect(byItem('text')).toEqual(['error:corrupt-image'])
    expect(byItem('bomb')).toEqual(['error:corrupt-image'])
    expect(byItem('bmp')).toEqual(['error:corrupt-image'])
    expect(byItem('gone')).toEqual(['error:missing-file'])
    expect(byItem('folder')).toEqual(['error:not-a-file'])
    expect(byItem('far')).toEqual(['warning:path-escapes-root'])
    expect(byItem('badrow')).toEqual(['error:bad-membership'])
    expect(byItem('latin')).toEqual(['warning:caption-not-utf8', 'warning:duplicate-content'])
    const message = (id: string): string => report.issues.find((i) => i.itemId === id)!.message
    expect(message('trunc')).toMatch(/truncated\.jpg cannot be decoded \(.+\); the file is truncated or corrupt/i)
    expect(message('text')).toMatch(/text\.png is not an image that can be read/)
    expect(message('bomb')).toMatch(/30000×30000 = 900000000 pixels, over the limit of 89478485/)
    expect(message('bmp')).toMatch(/BMP image/)
    expect(message('dup')).toMatch(/same bytes as the image of good\. It is labelled nonmember here and member there/)
    expect(report.issues.find((i) => i.itemId === 'trunc')).toMatchObject({ line: 6, hint: expect.stringMatching(/\S/) })
    expect(report).toMatchObject({ total: 14, usable: 6, skipped: 8, escapingPaths: 1, issuesTruncated: false })
    expect(report.counts).toEqual({
      member: { target: 2, reference: 0, pool: 0 },
      nonmember: { target: 2, reference: 1, pool: 0 },
      unknown: { target: 0, reference: 0, pool: 1 }
    })
    expect(report.duplicateContent.map((g) => g.itemIds)).toEqual([
      ['good', 'dup'],
      ['ok2', 'latin']
    ])
    expect(report.issueCounts).toMatchObject({ 'corrupt-image': 4, 'duplicate-content': 2 })
  })

  it('checks caption length in tokens when given a counter, and uses an injected image check', async () => {
    await writeImage(dir, 'a.png', 1)
    await writeAt(dir, 'a.txt', 'one two three four five six')
    await writeImage(dir, 'b.png', 2)
    await writeAt(dir, 'b.txt', 'one two')
    const checked: string[] = []
    const report = await validateDataset(await openDataset(dir), {
      captionTokenCount: (c) => c.split(' ').length + 2,
      contextLength: 6,
      checkImage: async (bytes, item) => {
        checked.push(`${item.id}:${bytes.length > 0}`)
        if (item.id === 'b') throw new WorkbenchError({ code: 'bad-item', message: 'b rejected by the model check', hint: 'use another image' })
      }
    })
    expect(checked.sort()).toEqual(['a:true', 'b:true']) // checked concurrently: any order
    expect(report.issues.map((i) => [i.itemId, i.code, i.message])).toEqual([
      ['a', 'caption-too-long', 'The caption of a has 8 tokens; the model reads only the first 6.'],
      ['b', 'corrupt-image', 'b rejected by the model check']
    ])
    expect(report.issues[1].hint).toBe('use another image')
  })

  it('flags non-UTF-8 .txt captions in folders', async () => {
    await writeImage(dir, 'a.png', 1)
    await writeAt(dir, 'a.txt', Buffer.from([0x63, 0x61, 0x66, 0xe9]))
    const report = await validateDataset(await openDataset(dir))
    expect(report.issues.map((i) => i.code)).toEqual(['caption-not-utf8'])
  })

  it('emits monotonic progress ending at done === total, and stops when aborted', async () => {
    const rows = ['id,image,caption']
    for (let i = 0; i < 40; i++) {
      await writeImage(dir, `i${i}.png`, i)
      rows.push(`i${i},i${i}.png,item ${i}`)
    }
    const file = await writeAt(dir, 'm.csv', rows.join('\n'))
    const events: ProgressEvent[] = []
    await validateDataset(await openDataset(file), { onProgress: (e) => events.push(e) })
    expect(events.length).toBeGreaterThanOrEqual(2)
    expect(events.every((e, i) => e.phase === 'validating' && e.total === 40 && (i === 0 || e.done >= events[i - 1].done))).toBe(true)
    expect(events[0].done).toBe(0)
    expect(events.at(-1)!.done).toBe(40)
    const ac = new AbortController()
    let calls = 0
    const err = await validateDataset(await openDataset(file), {
      signal: ac.signal,
      concurrency: 1,
      checkImage: async () => {
        if (++calls === 5) ac.abort()
      }
    }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(WorkbenchError)
    expect((err as WorkbenchError).code).toBe('cancelled')
    expect(calls).toBeLessThan(10)
  })

  it('keeps at most maxIssues issues but counts them all', async () => {
    const rows = ['id,image,caption']
    for (let i = 0; i < 30; i++) rows.push(`m${i},missing${i}.png,x`)
    const report = await validateDataset(await openDataset(await writeAt(dir, 'm.csv', rows.join('\n'))), { maxIssues: 10 })
    expect(report.issues).toHaveLength(10)
    expect(report).toMatchObject({ issuesTruncated: true, issueCounts: { 'missing-file': 30 }, skipped: 30, usable: 0 })
    expect(path.basename(report.dataset.manifestPath)).toBe('m.csv')
  })
})
