// Builds resources/datasets/emoji-demo/ and emoji-dated/ (manifest v1 + 32 px RGB PNGs) from the emoji-datasource npm
// packages (issues 3 and 17).
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../..')
const outDir = path.join(repoRoot, 'resources/datasets/emoji-demo')
const datedDir = path.join(repoRoot, 'resources/datasets/emoji-dated')
const modules = path.join(here, 'node_modules')

/** Image side in pixels; equals the demo models' input size so the app's preprocessing never resamples. */
const IMAGE_SIZE = 32
/** Seed of the member/non-member split; recorded in dataset.json and the model cards. */
const SPLIT_SEED = 'emoji-demo-split-v1'
/** Emojis added in this Unicode version or later postdate the "training crawl": guaranteed non-members. */
const REFERENCE_CUTOFF = 14.0
/**
 * Re-split v2 (issue 17): half of the held-out emojis (the first half of the non-members in the same sha256 order)
 * join the guaranteed non-members, so WSA has a pool of ~1,080 instead of 180. Members are unchanged, so the
 * demo models (trained on members only) stay valid.
 */
const REFERENCE_RESPLIT = 'v2: the first half of the held-out (non-member) emojis in the same sha256 order become reference'
/** emoji-dated: how many member emojis and old held-out emojis it samples (sha256 order of this seed). */
const DATED_SEED = 'emoji-dated-v1'
const DATED_MEMBER_EMOJIS = 180
const DATED_REFERENCE_EMOJIS = 180

const VENDORS = [
  {
    name: 'google',
    pkg: 'emoji-datasource-google',
    flag: 'has_img_google',
    credit: 'Noto Emoji by Google, Apache License 2.0 (https://github.com/googlefonts/noto-emoji/blob/main/LICENSE)'
  },
  {
    name: 'twitter',
    pkg: 'emoji-datasource-twitter',
    flag: 'has_img_twitter',
    credit: 'Twemoji by Twitter, Inc. and other contributors, CC BY 4.0 (https://github.com/jdecked/twemoji/blob/main/LICENSE-GRAPHICS)'
  }
]

/** Folds a Unicode emoji name into a plain lowercase ASCII phrase (accents stripped, typographic apostrophe). */
function plainName(name) {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/\u2019/g, "'")
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
}

/** Caption text; country and subdivision flags read "the flag of X" rather than "X flag". */
function phrase(emoji, name) {
  const flag = /^(.*) flag$/.exec(name)
  if (flag && emoji.subcategory.endsWith('-flag')) return `the flag of ${flag[1]}`
  return name
}

/** One caption per emoji; names shared by two emojis fall back to their short names so captions stay distinct. */
function captionsOf(emojis) {
  const count = new Map()
  for (const e of emojis) count.set(plainName(e.name), (count.get(plainName(e.name)) ?? 0) + 1)
  const captions = new Map()
  for (const e of emojis) {
    let name = plainName(e.name)
    if (count.get(name) > 1) name = plainName(e.short_name.replace(/_/g, ' '))
    captions.set(e.unified, `an emoji of ${phrase(e, name)}`)
  }
  return captions
}

/** Emojis ordered by sha256(seed:code point). */
function hashOrder(emojis, seed) {
  const key = (e) => createHash('sha256').update(`${seed}:${e.unified}`).digest('hex')
  return [...emojis].sort((a, b) => (key(a) < key(b) ? -1 : 1))
}

/**
 * Seeded split of the pre-cutoff emojis: first half members, then (re-split v2) the first half of the rest
 * reference non-members, the remainder held-out target non-members. Returns code point → [membership, role].
 */
function splitOf(emojis, isReference) {
  const ordered = hashOrder(
    emojis.filter((e) => !isReference(e)),
    SPLIT_SEED
  )
  const half = Math.floor(ordered.length / 2)
  const moved = half + Math.floor((ordered.length - half) / 2)
  const split = new Map(ordered.map((e, i) => [e.unified, i < half ? ['member', 'target'] : i < moved ? ['nonmember', 'reference'] : ['nonmember', 'target']]))
  for (const e of emojis) if (isReference(e)) split.set(e.unified, ['nonmember', 'reference'])
  return split
}

/**
 * emoji-dated's roles, the way many published evaluations are built: members against emojis created after the
 * cutoff (Unicode >= 14.0) as non-member targets; old held-out emojis as the reference pool.
 */
function datedRolesOf(emojis, isReference, split) {
  const pick = (role, n) =>
    hashOrder(
      emojis.filter((e) => !isReference(e) && split.get(e.unified).join('/') === role),
      DATED_SEED
    ).slice(0, n)
  const roles = new Map(emojis.filter(isReference).map((e) => [e.unified, ['nonmember', 'target']]))
  for (const e of pick('member/target', DATED_MEMBER_EMOJIS)) roles.set(e.unified, ['member', 'target'])
  for (const e of pick('nonmember/reference', DATED_REFERENCE_EMOJIS)) roles.set(e.unified, ['nonmember', 'reference'])
  return roles
}

function csvField(value) {
  const s = String(value)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The 32 px render of one source PNG: its PNG bytes and the sha256 of its RGB pixels (duplicate detection). */
async function render(src) {
  // Flatten onto white first so the transparent background becomes the white that the models see.
  const pipeline = sharp(src).flatten({ background: '#ffffff' }).resize(IMAGE_SIZE, IMAGE_SIZE, { kernel: 'lanczos3', fit: 'fill' }).removeAlpha().toColourspace('srgb')
  const [png, raw] = await Promise.all([pipeline.clone().png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer(), pipeline.clone().raw().toBuffer()])
  return { png, pixelHash: createHash('sha256').update(raw).digest('hex') }
}

/** Human-readable credits shipped beside the images (Apache-2.0 and CC BY 4.0 both ask for attribution). */
function attributionText(pkgVersion) {
  const lines = VENDORS.map((v) => `- \`images/${v.name}/\`: ${v.credit}. Taken from npm \`${v.pkg}@${pkgVersion}\`.`)
  return [
    '# emoji-demo: image credits',
    '',
    ...lines,
    '',
    `Changes: each 64 px PNG was flattened onto a white background and resized to ${IMAGE_SIZE}x${IMAGE_SIZE} px (Lanczos).`,
    'Captions are derived from the Unicode emoji names in `emoji.json` of the same packages (MIT, Cal Henderson).',
    ''
  ].join('\n')
}

/** emoji-dated's dataset.json: same images and captions, a date-based membership split (issue 17). */
function writeDated(demo, pkgVersion) {
  const dated = {
    ...demo,
    name: 'emoji-dated',
    description:
      `Second split of the demo world, built the way many published evaluations are: ${DATED_MEMBER_EMOJIS} member emojis ` +
      `of emoji-demo (the demo models' training data) against every emoji added in Unicode ${REFERENCE_CUTOFF.toFixed(1)} or ` +
      `later (created after the "release") as non-member targets; ${DATED_REFERENCE_EMOJIS} older held-out emojis are the ` +
      'reference pool. Members and non-members differ in creation date, not only in membership: the audit must call it shift.',
    split: {
      seed: DATED_SEED,
      rule: `targets: the first ${DATED_MEMBER_EMOJIS} member emojis of emoji-demo in sha256(seed:unified) order (member) and every added_in >= ${REFERENCE_CUTOFF.toFixed(1)} emoji (nonmember); reference: the first ${DATED_REFERENCE_EMOJIS} emoji-demo reference emojis older than the cutoff, same order`
    },
    duplicates: { rule: demo.duplicates.rule, dropped: 'as in emoji-demo/dataset.json' }
  }
  writeFileSync(path.join(datedDir, 'dataset.json'), JSON.stringify(dated, null, 2) + '\n')
  writeFileSync(path.join(datedDir, 'ATTRIBUTION.md'), attributionText(pkgVersion).replace('# emoji-demo:', '# emoji-dated:'))
}

async function main() {
  const emojis = JSON.parse(readFileSync(path.join(modules, VENDORS[0].pkg, 'emoji.json'), 'utf8'))
    // Skin-tone swatches are modifiers, not depictions; skin-tone variants live nested under skin_variations.
    .filter((e) => e.subcategory !== 'skin-tone')
    .sort((a, b) => a.sort_order - b.sort_order)
  const captions = captionsOf(emojis)
  const isReference = (e) => parseFloat(e.added_in) >= REFERENCE_CUTOFF
  const split = splitOf(emojis, isReference)
  const datedRoles = datedRolesOf(emojis, isReference, split)

  rmSync(path.join(outDir, 'images'), { recursive: true, force: true })
  rmSync(path.join(datedDir, 'images'), { recursive: true, force: true })
  const header = 'id,image,caption,membership,role,vendor,category,subcategory,unicode_version'
  const rows = [header]
  const datedRows = [header]
  // Some emojis render pixel-identically (e.g. Twemoji draws every "family: ..." combination alike, several flags
  // share one design): such twins would put one image under two captions and, across the split, under both
  // memberships. Only the first render of each pixel content (vendor order, then emoji sort order) is kept.
  const firstWithPixels = new Map()
  const dropped = []
  for (const vendor of VENDORS) {
    mkdirSync(path.join(outDir, 'images', vendor.name), { recursive: true })
    mkdirSync(path.join(datedDir, 'images', vendor.name), { recursive: true })
    for (const e of emojis) {
      if (!e[vendor.flag]) continue
      const code = e.unified.toLowerCase()
      const id = `${vendor.name}-${code}`
      const image = `images/${vendor.name}/${code}.png`
      const { png, pixelHash } = await render(path.join(modules, vendor.pkg, 'img', vendor.name, '64', e.image))
      const twin = firstWithPixels.get(pixelHash)
      if (twin) {
        dropped.push({ id, same_pixels_as: twin })
        continue
      }
      firstWithPixels.set(pixelHash, id)
      writeFileSync(path.join(outDir, image), png)
      const [membership, role] = split.get(e.unified)
      const meta = [vendor.name, e.category, e.subcategory, e.added_in]
      rows.push([id, image, captions.get(e.unified), membership, role, ...meta].map(csvField).join(','))
      const dated = datedRoles.get(e.unified)
      if (!dated) continue
      writeFileSync(path.join(datedDir, image), png)
      datedRows.push([id, image, captions.get(e.unified), ...dated, ...meta].map(csvField).join(','))
    }
  }
  writeFileSync(path.join(outDir, 'manifest.csv'), rows.join('\n') + '\n')
  writeFileSync(path.join(datedDir, 'manifest.csv'), datedRows.join('\n') + '\n')

  const pkgVersion = JSON.parse(readFileSync(path.join(modules, VENDORS[0].pkg, 'package.json'), 'utf8')).version
  const dataset = {
    name: 'emoji-demo',
    description:
      `Demo world of MIA Workbench: ${emojis.length} emojis rendered by two vendors at ${IMAGE_SIZE}x${IMAGE_SIZE} px ` +
      `(RGB, flattened on white), captioned from their Unicode names. Emojis added in Unicode ${REFERENCE_CUTOFF.toFixed(1)} ` +
      'or later are guaranteed non-members (role reference); older ones are split 50/50 (seeded, per emoji, all vendors ' +
      'alike) into members (the training set of demo-clip-s and demo-clip-l) and held-out non-members, half of which ' +
      '(re-split v2) join the guaranteed non-members (role reference) and half stay evaluation targets.',
    license: `Images: ${VENDORS.map((v) => v.credit).join('; ')}. Images were resized and flattened onto white.`,
    attribution: VENDORS.map((v) => ({ vendor: v.name, source: `npm ${v.pkg}@${pkgVersion}`, credit: v.credit })),
    manifest: 'manifest.csv',
    image_size: IMAGE_SIZE,
    split: { seed: SPLIT_SEED, rule: `added_in >= ${REFERENCE_CUTOFF.toFixed(1)} -> reference nonmember; else sha256(seed:unified) order, first half member`, resplit: REFERENCE_RESPLIT },
    duplicates: {
      rule: 'renders whose 32 px RGB pixels equal those of an earlier item (vendor order google, twitter; then emoji sort order) are left out',
      dropped
    }
  }
  writeFileSync(path.join(outDir, 'dataset.json'), JSON.stringify(dataset, null, 2) + '\n')
  writeFileSync(path.join(outDir, 'ATTRIBUTION.md'), attributionText(pkgVersion))
  writeDated(dataset, pkgVersion)
  const memberEmojis = [...split.values()].filter(([m]) => m === 'member').length
  console.log(`wrote ${rows.length - 1} items (${memberEmojis} member emojis, ${dropped.length} pixel twins dropped) to ${path.relative(repoRoot, outDir)}, ${datedRows.length - 1} to emoji-dated`)
}

await main()
