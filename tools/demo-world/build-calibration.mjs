// Builds resources/datasets/emoji-calibration/ from emoji-demo (issue 17, item 5): the demo world's split for
// reference-model calibration. demo-clip-ref is trained, as LiRA's reference models are, on part of the target's own
// training data — the first half of emoji-demo's member emojis in sha256(KNOWN_SALT + code point) order (train.py
// applies the same rule) — so those renders leave the evaluation: emoji-calibration is emoji-demo without them, every
// other item (the other members, the non-member targets, the whole reference pool) unchanged. Needs no npm package.
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../..')
const demoDir = path.join(repoRoot, 'resources/datasets/emoji-demo')
const outDir = path.join(repoRoot, 'resources/datasets/emoji-calibration')
/** Salt of the order whose first half trains demo-clip-ref; train.py and pool_ref_trial.py use the same one. */
export const KNOWN_SALT = 'demo-clip-ref-known-v1:'

/** The emoji of an item id: the id without its vendor prefix (`google-1f600` → `1f600`). */
const emojiOf = (id) => id.slice(id.indexOf('-') + 1)

/** The member emojis that train demo-clip-ref: the first half (rounded down) in sha256(salt + emoji) order. */
export function referenceTrainingEmojis(memberEmojis) {
  const key = (u) =>
    createHash('sha256')
      .update(KNOWN_SALT + u)
      .digest('hex')
  const ordered = [...new Set(memberEmojis)].sort((a, b) => (key(a) < key(b) ? -1 : 1))
  return new Set(ordered.slice(0, Math.floor(ordered.length / 2)))
}

function main() {
  // No field of emoji-demo's manifest holds a line break, so a line is a row; `id` and `image` are its first two
  // fields and never quoted, and only a member target has `,member,target,` (captions come before it).
  const lines = readFileSync(path.join(demoDir, 'manifest.csv'), 'utf8').trimEnd().split('\n')
  if (!lines[0].startsWith('id,image,')) throw new Error(`unexpected emoji-demo manifest header: ${lines[0]}`)
  const rows = lines.slice(1).map((line) => {
    const [id, image] = line.split(',', 2)
    return { line, id, image }
  })
  const isMember = (line) => /,member,target,/.test(line)
  const trained = referenceTrainingEmojis(rows.filter((r) => isMember(r.line)).map((r) => emojiOf(r.id)))
  const kept = rows.filter((r) => !(isMember(r.line) && trained.has(emojiOf(r.id))))
  rmSync(outDir, { recursive: true, force: true })
  for (const r of kept) {
    mkdirSync(path.join(outDir, path.dirname(r.image)), { recursive: true })
    copyFileSync(path.join(demoDir, r.image), path.join(outDir, r.image))
  }
  writeFileSync(path.join(outDir, 'manifest.csv'), [lines[0], ...kept.map((r) => r.line)].join('\n') + '\n')
  const demo = JSON.parse(readFileSync(path.join(demoDir, 'dataset.json'), 'utf8'))
  const left = rows.length - kept.length
  const meta = {
    ...demo,
    name: 'emoji-calibration',
    description:
      `Third split of the demo world, for reference-model calibration: emoji-demo without the ${left} member renders ` +
      `(${trained.size} emojis) that trained the bundled reference model demo-clip-ref, so no evaluated item and no ` +
      'reference-pool item was seen by the reference; every other item, its membership and role are those of emoji-demo.',
    split: {
      seed: KNOWN_SALT,
      rule: "emoji-demo's items less the member renders of the first half (rounded down) of the member emojis in sha256(seed + emoji) order, emoji = the item id without its vendor prefix; those renders are demo-clip-ref's training data"
    },
    duplicates: { rule: demo.duplicates.rule, dropped: 'as in emoji-demo/dataset.json' }
  }
  writeFileSync(path.join(outDir, 'dataset.json'), JSON.stringify(meta, null, 2) + '\n')
  const attribution = readFileSync(path.join(demoDir, 'ATTRIBUTION.md'), 'utf8').replace('# emoji-demo:', '# emoji-calibration:')
  writeFileSync(path.join(outDir, 'ATTRIBUTION.md'), attribution)
  console.log(`wrote ${kept.length} items to ${path.relative(repoRoot, outDir)} (${left} renders of ${trained.size} member emojis left for demo-clip-ref)`)
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main()
