// `mia cache merge … --into <new dir>` makes a workspace folder that `--workspace` opens; a file given as a workspace is named as such.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openWorkspaceStore, workspaceDbPath, type EmbeddingRow } from '../../src/main/engine/store'
import { tempDir } from '../helpers/workspace'

const MIA = path.resolve('bin/mia.cjs')
const mia = (...args: string[]): ReturnType<typeof spawnSync> => spawnSync(process.execPath, [MIA, ...args], { encoding: 'utf8' })

const row = (hash: string, value: number): EmbeddingRow => ({ modelFingerprint: 'fp', kind: 'image', contentHash: hash, view: 'orig', vector: Float32Array.of(value, 1, 2, 3) })

/** A workspace folder holding `rows`. */
function shard(dir: string, rows: EmbeddingRow[]): string {
  const store = openWorkspaceStore(dir)
  store.embeddings.putMany(rows)
  store.close()
  return dir
}

describe('mia cache merge --into', () => {
  const ws = tempDir('mia-merge-')
  afterAll(() => ws.cleanup())
  const a = shard(path.join(ws.dir, 'a'), [row('h1', 1), row('h2', 2)])
  const b = shard(path.join(ws.dir, 'b'), [row('h2', 2), row('h3', 3)])

  it('creates a workspace folder at a new path, which --workspace then opens', () => {
    const into = path.join(ws.dir, 'merged', 'cache')
    const merge = mia('cache', 'merge', a, b, '--into', into, '--json')
    expect(merge.status, String(merge.stderr)).toBe(0)
    expect(JSON.parse(String(merge.stdout))).toMatchObject({ inserted: 3, identical: 1, conflicts: [] })
    expect(fs.statSync(into).isDirectory()).toBe(true)
    expect(fs.existsSync(workspaceDbPath(into))).toBe(true)
    const list = mia('--workspace', into, 'experiments', 'list', '--json')
    expect(list.status, String(list.stderr)).toBe(0)
    const store = openWorkspaceStore(into)
    expect(store.embeddings.count()).toBe(3)
    store.close()
  }, 120_000)

  it('keeps writing to a database file given by a .sqlite path', () => {
    const file = path.join(ws.dir, 'merged.sqlite')
    expect(mia('cache', 'merge', a, '--into', file, '--json').status).toBe(0)
    expect(fs.statSync(file).isFile()).toBe(true)
  }, 120_000)

  it('says a file given as --workspace is not a workspace folder, and a missing source is not a database', () => {
    const file = path.join(ws.dir, 'merged.sqlite')
    const bad = mia('--workspace', file, 'experiments', 'list')
    expect(bad.status).not.toBe(0)
    expect(String(bad.stderr)).toContain(`${file} is a file, not a workspace folder`)
    expect(String(bad.stderr)).not.toMatch(/read-only|EEXIST/)
    const missing = mia('cache', 'merge', path.join(ws.dir, 'nowhere'), '--into', path.join(ws.dir, 'c'))
    expect(missing.status).not.toBe(0)
    expect(String(missing.stderr)).toContain(`No workspace database at ${path.join(ws.dir, 'nowhere')}`)
  }, 120_000)
})
