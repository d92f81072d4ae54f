// Builds tools/demo-world/openmoji-ref/: the training corpus of demo-clip-ref (issue 17, item 5), OpenMoji renders
// of every emoji concept of emoji-demo under the same captions. Asserts by pixel hash that no render equals any
// image of emoji-demo or emoji-dated. Rerun after build-dataset.mjs; byte-identical on rerun.
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'

const here = path.dirname(fileURLToPath(import.meta.url))
const repoRoot = path.resolve(here, '../..')
const outDir = path.join(here, 'openmoji-ref')
const evaluationSets = ['emoji-demo', 'emoji-dated'].map((name) => path.join(repoRoot, 'resources/datasets', name))
const openmoji = path.join(here, 'node_modules/openmoji')

/** Same input size as the demo models (build-dataset.mjs IMAGE_SIZE). */
const IMAGE_SIZE = 32
/** Intermediate render, like the 64 px PNGs the emoji-datasource renders start from in build-dataset.mjs. */
const SOURCE_SIZE = 64
/** OpenMoji draws inside a 72-unit box with a wide margin; trimmed and refitted with this margin (px of 64) so the
 * emoji fills the frame about as much as the Noto and Twemoji renders do. Chosen by eye on the images, no labels. */
const SOURCE_MARGIN = 2
const CREDIT = 'OpenMoji, the open-source emoji and icon project, CC BY-SA 4.0 (https://openmoji.org, https://creativecommons.org/licenses/by-sa/4.0/)'

function csvField(value) {
  const s = String(value)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** Minimal CSV reader for the manifests build-dataset.mjs writes (quoted fields with doubled quotes). */
function parseCsv(text) {
  const rows = []
  for (const line of text.split('\n').filter(Boolean)) {
    const fields = []
    let i = 0
    while (i <= line.length) {
      if (line[i] === '"') {
        let j = i + 1
        let s = ''
        while (j < line.length) {
          if (line[j] === '"' && line[j + 1] === '"') {
            s += '"'
            j += 2
          } else if (line[j] === '"') break
          else s += line[j++]
        }
        fields.push(s)
        i = j + 2
      } else {
        const j = line.indexOf(',', i) < 0 ? line.length : line.indexOf(',', i)
        fields.push(line.slice(i, j))
        i = j + 1
      }
    }
    rows.push(fields)
  }
  const [header, ...body] = rows
  return body.map((r) => Object.fromEntries(header.map((h, k) => [h, r[k]])))
}

async function rawPixelHash(pipeline) {
  return createHash('sha256')
    .update(await pipeline.removeAlpha().toColourspace('srgb').raw().toBuffer())
    .digest('hex')
}

/** sha256 of the RGB pixels of every image of the evaluation datasets: the renders must avoid all of them. */
async function evaluationPixelHashes() {
  const hashes = new Set()
  for (const dir of evaluationSets) {
    for (const row of parseCsv(readFileSync(path.join(dir, 'manifest.csv'), 'utf8'))) hashes.add(await rawPixelHash(sharp(path.join(dir, row.image))))
  }
  return hashes
}

/** OpenMoji SVG -> trimmed, refitted 64 px on white -> 32 px Lanczos, as build-dataset.mjs renders the vendors. */
async function render(svgPath) {
  // Two pipelines: within one, sharp trims before it flattens, and the transparent margin would not be trimmed.
  const flat = await sharp(svgPath, { density: 4 * 72 })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer()
  const big = await sharp(flat).trim({ background: '#ffffff', threshold: 10 }).toBuffer()
  const inner = SOURCE_SIZE - 2 * SOURCE_MARGIN
  const source = await sharp(big)
    .resize(inner, inner, { fit: 'contain', background: '#ffffff', kernel: 'lanczos3' })
    .extend({ top: SOURCE_MARGIN, bottom: SOURCE_MARGIN, left: SOURCE_MARGIN, right: SOURCE_MARGIN, background: '#ffffff' })
    .png()
    .toBuffer()
  const pipeline = sharp(source).flatten({ background: '#ffffff' }).resize(IMAGE_SIZE, IMAGE_SIZE, { kernel: 'lanczos3', fit: 'fill' }).removeAlpha().toColourspace('srgb')
  const [png, pixelHash] = await Promise.all([pipeline.clone().png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer(), rawPixelHash(pipeline.clone())])
  return { png, pixelHash }
}

/** The emoji concepts of emoji-demo (code point key -> its first row), in manifest order. */
function conceptsOf(rows) {
  const concepts = new Map()
  for (const r of rows) {
    const code = r.id.slice(r.id.indexOf('-') + 1)
    if (!concepts.has(code)) concepts.set(code, r)
  }
  return concepts
}

/** OpenMoji SVG file per code key: exact hexcode, else the same sequence without variation selectors (FE0F). */
function svgIndex() {
  const files = readdirSync(path.join(openmoji, 'color/svg')).filter((f) => f.endsWith('.svg'))
  const exact = new Map(files.map((f) => [f.slice(0, -4).toLowerCase(), f]))
  const loose = new Map()
  for (const [code, f] of exact) if (!loose.has(code.replace(/-fe0f/g, ''))) loose.set(code.replace(/-fe0f/g, ''), f)
  return (code) => exact.get(code) ?? loose.get(code.replace(/-fe0f/g, ''))
}

async function main() {
  const demoRows = parseCsv(readFileSync(path.join(evaluationSets[0], 'manifest.csv'), 'utf8'))
  const concepts = conceptsOf(demoRows)
  const forbidden = await evaluationPixelHashes()
  const svgOf = svgIndex()
  rmSync(outDir, { recursive: true, force: true })
  mkdirSync(path.join(outDir, 'images/openmoji'), { recursive: true })
  const rows = ['id,image,caption,membership,role,vendor,category,subcategory,unicode_version']
  const missing = []
  const dropped = []
  const seen = new Map()
  for (const [code, demo] of concepts) {
    const svg = svgOf(code)
    if (!svg) {
      missing.push({ code, caption: demo.caption, unicode_version: demo.unicode_version })
      continue
    }
    const { png, pixelHash } = await render(path.join(openmoji, 'color/svg', svg))
    if (forbidden.has(pixelHash)) throw new Error(`OpenMoji ${svg} renders pixel-identically to an evaluation image: the reference corpus must be disjoint`)
    const id = `openmoji-${code}`
    if (seen.has(pixelHash)) {
      dropped.push({ id, same_pixels_as: seen.get(pixelHash) })
      continue
    }
    seen.set(pixelHash, id)
    const image = `images/openmoji/${code}.png`
    writeFileSync(path.join(outDir, image), png)
    // membership is demo-clip-ref's: it trains on every row (to the target models they are all unseen)
    rows.push([id, image, demo.caption, 'member', 'target', 'openmoji', demo.category, demo.subcategory, demo.unicode_version].map(csvField).join(','))
  }
  writeFileSync(path.join(outDir, 'manifest.csv'), rows.join('\n') + '\n')
  const version = JSON.parse(readFileSync(path.join(openmoji, 'package.json'), 'utf8')).version
  const meta = {
    name: 'openmoji-ref',
    description:
      `Training corpus of demo-clip-ref: OpenMoji ${version} renders of every emoji concept of emoji-demo that OpenMoji draws, ` +
      'captioned exactly as emoji-demo captions the concept; members and non-members of the target models alike, so the ' +
      'reference knows every concept equally and never sees an evaluation image (no render equals any emoji-demo or ' +
      'emoji-dated image, checked by pixel hash). Membership here is membership in demo-clip-ref.',
    license: `Images: ${CREDIT}. Rendered from SVG, trimmed, fitted on white and resized; the renders are shared under the same licence.`,
    attribution: [{ vendor: 'openmoji', source: `npm openmoji@${version}`, credit: CREDIT }],
    manifest: 'manifest.csv',
    image_size: IMAGE_SIZE,
    render: `SVG at 288 dpi, flattened on white, trimmed (threshold 10), fitted into ${SOURCE_SIZE - 2 * SOURCE_MARGIN} px with a ${SOURCE_MARGIN} px margin (${SOURCE_SIZE} px), then flattened and resized to ${IMAGE_SIZE} px (Lanczos) as build-dataset.mjs does`,
    disjointness: { rule: 'sha256 of the 32 px RGB pixels of every render differs from that of every emoji-demo and emoji-dated image', evaluation_images: forbidden.size },
    missing: { rule: 'emoji-demo concepts OpenMoji does not draw (no SVG for the code point sequence, with or without FE0F)', concepts: missing },
    duplicates: { rule: 'renders whose 32 px RGB pixels equal an earlier render (emoji-demo order) are left out', dropped }
  }
  writeFileSync(path.join(outDir, 'dataset.json'), JSON.stringify(meta, null, 2) + '\n')
  writeFileSync(
    path.join(outDir, 'ATTRIBUTION.md'),
    [
      '# openmoji-ref: image credits',
      '',
      `- \`images/openmoji/\`: ${CREDIT}. Taken from npm \`openmoji@${version}\`.`,
      '',
      `Changes: ${meta.render}. These renders are licensed CC BY-SA 4.0 as well.`,
      'Captions are those of resources/datasets/emoji-demo (Unicode emoji names).',
      ''
    ].join('\n')
  )
  console.log(
    `wrote ${rows.length - 1} renders of ${concepts.size} concepts (${missing.length} not drawn by OpenMoji, ${dropped.length} pixel twins dropped); none equals any of ${forbidden.size} evaluation images`
  )
}

await main()
