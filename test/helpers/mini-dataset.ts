// Small datasets cut from the bundled emoji-demo (real images, real captions, known membership) for fast engine tests.
import fs from 'node:fs'
import path from 'node:path'
import { openDataset, type Item } from '../../src/main/engine/datasets'

export const EMOJI_DEMO = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../resources/datasets/emoji-demo')

const csvField = (v: string): string => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)

/** Options: how many items of each kind, plus broken rows to check that runs skip and report them. */
export interface MiniOptions {
  members?: number
  nonmembers?: number
  reference?: number
  /** Add an item whose image file is missing and one whose image is truncated. */
  broken?: boolean
}

/** Write a manifest dataset under `dir` with the first items of each kind from emoji-demo (images copied). */
export async function miniDataset(dir: string, o: MiniOptions = {}): Promise<string> {
  const want = { member: o.members ?? 30, nonmember: o.nonmembers ?? 30, reference: o.reference ?? 20 }
  const picked: Item[] = []
  const seenCaptions = new Set<string>()
  const seen = { member: 0, nonmember: 0, reference: 0 }
  for await (const it of (await openDataset(EMOJI_DEMO)).items()) {
    // One render per emoji: the two vendors share a caption, and a subset should not double-count.
    if (seenCaptions.has(it.caption)) continue
    const kind = it.role === 'reference' ? 'reference' : it.membership === 'member' ? 'member' : 'nonmember'
    // Every 5th candidate: the subset then spans several categories (slices need more than one value).
    if (seen[kind]++ % 5 === 0 && want[kind] > 0) {
      want[kind]--
      picked.push(it)
      seenCaptions.add(it.caption)
    }
    if (want.member + want.nonmember + want.reference === 0) break
  }
  fs.mkdirSync(path.join(dir, 'images'), { recursive: true })
  const rows = ['id,image,caption,membership,role,vendor,category']
  for (const it of picked) {
    const rel = `images/${path.basename(it.imagePath)}`
    fs.copyFileSync(it.imagePath, path.join(dir, rel))
    rows.push([it.id, rel, it.caption, it.membership, it.role, it.metadata.vendor ?? '', it.metadata.category ?? ''].map(csvField).join(','))
  }
  if (o.broken) {
    const png = fs.readFileSync(picked[0].imagePath)
    fs.writeFileSync(path.join(dir, 'images/truncated.png'), png.subarray(0, Math.floor(png.length / 2)))
    rows.push('broken-truncated,images/truncated.png,an emoji cut in half,member,target,google,Smileys')
    rows.push('broken-missing,images/nowhere.png,an emoji that is not there,nonmember,target,google,Smileys')
  }
  fs.writeFileSync(path.join(dir, 'manifest.csv'), rows.join('\n') + '\n')
  fs.writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify({ name: 'mini-emoji', description: 'emoji-demo subset for tests', license: 'see emoji-demo', manifest: 'manifest.csv' }))
  return dir
}
