// emoji-dated (issue 17): emoji-demo's images and captions under a date-based split — members against emojis added
// in Unicode ≥ 14 — and emoji-demo's re-split v2 with ≥ 1,000 guaranteed non-members.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { openDataset, type Item } from '../../../src/main/engine/datasets'
import { readDemoItems } from '../../helpers/demo-world'

const datedDir = path.resolve('resources/datasets/emoji-dated')
let demo: Map<string, Item>
let dated: Item[]

beforeAll(async () => {
  demo = new Map((await readDemoItems()).items.map((it) => [it.id, it]))
  const ds = await openDataset(datedDir)
  dated = []
  for await (const it of ds.items()) dated.push(it)
})

const version = (it: Item): number => Number(it.metadata.unicode_version)
const count = (items: Item[], membership: string, role: string): number => items.filter((it) => it.membership === membership && it.role === role).length

describe('emoji-demo re-split v2', () => {
  it('holds ≥ 1,000 guaranteed non-members and the unchanged 1789 members', () => {
    const items = [...demo.values()]
    expect(count(items, 'nonmember', 'reference')).toBe(1080)
    expect(count(items, 'member', 'target')).toBe(1789)
    expect(count(items, 'nonmember', 'target')).toBe(896)
    expect(items.filter((it) => version(it) >= 14).every((it) => it.role === 'reference')).toBe(true)
  })
})

describe('emoji-dated', () => {
  it('takes members from emoji-demo and every Unicode ≥ 14 emoji as the non-member targets', () => {
    expect(count(dated, 'member', 'target')).toBe(354)
    expect(count(dated, 'nonmember', 'target')).toBe(180)
    expect(count(dated, 'nonmember', 'reference')).toBe(355)
    for (const it of dated) {
      const twin = demo.get(it.id)!
      expect(twin.caption, it.id).toBe(it.caption)
      if (it.membership === 'member') expect(twin.membership, it.id).toBe('member')
      if (it.role === 'target' && it.membership === 'nonmember') expect(version(it), it.id).toBeGreaterThanOrEqual(14)
      if (it.role === 'reference') expect([twin.membership, twin.role, version(it) < 14], it.id).toEqual(['nonmember', 'reference', true])
    }
    const newEmoji = [...demo.values()]
      .filter((it) => version(it) >= 14)
      .map((it) => it.id)
      .sort()
    expect(
      dated
        .filter((it) => it.role === 'target' && it.membership === 'nonmember')
        .map((it) => it.id)
        .sort()
    ).toEqual(newEmoji)
  })

  it('ships byte-identical copies of emoji-demo images', () => {
    for (const it of dated) expect(readFileSync(it.imagePath).equals(readFileSync(demo.get(it.id)!.imagePath)), it.id).toBe(true)
  })
})
