// Content hashes (streamed file, bytes, exact caption text) and image-path resolution against path.resolve.
import { createHash } from 'node:crypto'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { captionHash, imageHash, sha256File, sha256Text } from '../../../../src/main/engine/datasets'
import { escapesRoot, isIsoDate, resolveImage } from '../../../../src/main/engine/datasets/record-fields'
import { createRng } from '../../../../src/main/engine/rng'
import { imageBytes, makeTempDir, writeAt } from './fixture-files'

let dir: string
let cleanup: () => Promise<void>
beforeEach(async () => ({ dir, cleanup } = await makeTempDir()))
afterEach(() => cleanup())

describe('content hashes', () => {
  it('streams a multi-chunk file to the same sha256 as its bytes, and an image hash is the bytes hash', async () => {
    const bytes = Buffer.concat([await imageBytes(1, 'png', 64), Buffer.alloc(3 << 20, 7)])
    const file = await writeAt(dir, 'big.bin', bytes)
    const expected = createHash('sha256').update(bytes).digest('hex')
    expect(await sha256File(file)).toBe(expected)
    expect(imageHash(bytes)).toBe(expected)
  })

  it('hashes caption text exactly as UTF-8: no trimming, no Unicode normalisation', () => {
    // Pinned value: the embedding cache is keyed by it, so it must never change.
    expect(sha256Text('a photo of a cat')).toBe('ba792b3ff0f684da9d241ac083006c908583400060119ae4d2c3803bd8d34719')
    expect(captionHash('café')).toBe(createHash('sha256').update(Buffer.from('café', 'utf8')).digest('hex'))
    expect(captionHash('cafe\u0301')).not.toBe(captionHash('caf\u00e9'))
    expect(captionHash('a cat ')).not.toBe(captionHash('a cat'))
  })
})

describe('image path resolution', () => {
  it('agrees with path.resolve on random relative paths with ., .., empty and backslash segments', () => {
    const rng = createRng(42)
    const parts = ['a', 'bb', '.', '..', '', '...', 'c.png', 'd e', '.hidden']
    const base = path.join(dir, 'ds')
    for (let n = 0; n < 2000; n++) {
      const segs = Array.from({ length: 1 + rng.int(4) }, () => parts[rng.int(parts.length)])
      const ref = segs.join(rng.int(4) === 0 ? '\\' : '/')
      if (ref.trim() === '') continue
      const got = resolveImage(ref, base)
      expect(got, ref).toEqual({ path: path.resolve(base, ref.trim().replace(/\\/g, '/')) })
      const abs = (got as { path: string }).path
      const rel = path.relative(base, abs)
      expect(escapesRoot(base, abs), ref).toBe(rel.startsWith('..') && (rel === '..' || rel.startsWith(`..${path.sep}`)))
    }
  })

  it('accepts real ISO dates only', () => {
    for (const ok of ['2024-02-29', '2023-01-02T10:20', '2023-01-02T10:20:30.5Z', '2023-01-02 10:20:30+01:00']) expect(isIsoDate(ok), ok).toBe(true)
    for (const bad of ['2023-02-29', '2023-13-01', '2023-1-1', '01/02/2023', '2023-01-02T24:00', 'yesterday']) expect(isIsoDate(bad), bad).toBe(false)
  })
})
