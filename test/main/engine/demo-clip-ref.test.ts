// The demo world's two reference models (issue 17, item 5). demo-clip-ref-openmoji: its training corpus
// (tools/demo-world/openmoji-ref) shares no image with the evaluation datasets, by decoded-pixel hash through the
// app's own reader and decoder, and covers every concept of emoji-demo, members and non-members alike. demo-clip-ref:
// trained on half of the members, which emoji-calibration leaves out — the split rule is re-derived here from
// emoji-demo, independently of the generators. Both load as bundled models with the targets' tokenizer, their cards
// describe their training data, and they embed through the app as the Python generator did.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDataset, type Item } from '../../../src/main/engine/datasets'
import { ModelRegistry, listModels } from '../../../src/main/engine/models'
import { decodeFile, fixtureDeviation, modelsDir, readFixture, readModelJson, repoRoot, type EmbeddingFixture } from '../../helpers/demo-world'

const refDir = path.join(repoRoot, 'tools/demo-world/openmoji-ref')
const evaluationDirs = ['emoji-demo', 'emoji-dated'].map((d) => path.join(repoRoot, 'resources/datasets', d))
const modelDir = path.join(modelsDir, 'demo-clip-ref-openmoji')
const emojiOf = (item: Item): string => item.id.slice(item.id.indexOf('-') + 1)

interface RefCard {
  name: string
  parameter_count: { vision: number; text: number }
  license: string
  dataset: { name: string; manifest_sha256: string; counts: Record<string, number> }
  evaluation_dataset: { manifest_sha256: string }
  members: { count: number; sha256: string }
  metrics: { csa_auc: number }
}

async function readItems(dir: string): Promise<{ items: Item[]; hash: string }> {
  const dataset = await openDataset(dir)
  const items: Item[] = []
  for await (const item of dataset.items()) items.push(item)
  return { items, hash: dataset.info.hash }
}

/** sha256 of each item's decoded RGB pixels (the app's decoder), keyed by item id. */
async function pixelHashes(items: Item[]): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const item of items)
    out.set(
      item.id,
      createHash('sha256')
        .update((await decodeFile(item.imagePath, item.id)).data)
        .digest('hex')
    )
  return out
}

let ref: { items: Item[]; hash: string }
let demo: { items: Item[]; hash: string }
let evaluationItems: Item[] = []
const registry = new ModelRegistry({ session: { providers: ['cpu'], intraOpNumThreads: 1 } })

/** The model embeds its fixture's items (found among `items`) through the app as the Python generator did. */
async function embedsLikePython(name: string, items: Item[]): Promise<void> {
  const dir = path.join(modelsDir, name)
  const fixture = readFixture<EmbeddingFixture>(`${name}-embeddings.json`)
  const deviation = await fixtureDeviation(await registry.open(dir), dir, fixture, items)
  expect(deviation.captions).toEqual(fixture.items.map((f) => f.caption))
  expect(deviation.image).toBeLessThan(1e-4)
  expect(deviation.text).toBeLessThan(1e-4)
}

beforeAll(async () => {
  ref = await readItems(refDir)
  demo = await readItems(evaluationDirs[0])
  evaluationItems = [...demo.items, ...(await readItems(evaluationDirs[1])).items]
}, 60_000)
afterAll(() => registry.dispose())

describe('openmoji-ref, the training corpus of demo-clip-ref-openmoji', () => {
  it('shares no decoded image with emoji-demo or emoji-dated, and no image twice', async () => {
    const refHashes = await pixelHashes(ref.items)
    const evaluation = new Set((await pixelHashes(evaluationItems)).values())
    expect(evaluation.size).toBeGreaterThan(3700)
    expect([...refHashes].filter(([, h]) => evaluation.has(h))).toEqual([])
    expect(new Set(refHashes.values()).size).toBe(ref.items.length)
  }, 120_000)

  it('covers every emoji-demo concept under its emoji-demo caption, members and non-members alike', () => {
    const meta = JSON.parse(readFileSync(path.join(refDir, 'dataset.json'), 'utf8'))
    const captionOf = new Map(demo.items.map((i) => [emojiOf(i), i.caption]))
    for (const item of ref.items) expect(item.caption, item.id).toBe(captionOf.get(emojiOf(item)))
    // Concepts left out are only OpenMoji's own pixel twins (listed), none for lack of a drawing.
    const dropped = (meta.duplicates.dropped as Array<{ id: string }>).map((d) => d.id.slice(d.id.indexOf('-') + 1))
    expect(meta.missing.concepts).toEqual([])
    expect(new Set([...ref.items.map(emojiOf), ...dropped])).toEqual(new Set(captionOf.keys()))
    const covered = new Set(ref.items.map(emojiOf))
    const share = (m: string): number => {
      const concepts = new Set(demo.items.filter((i) => i.membership === m && i.role === 'target').map(emojiOf))
      return [...concepts].filter((c) => covered.has(c)).length / concepts.size
    }
    expect(share('member')).toBeGreaterThan(0.98)
    expect(share('nonmember')).toBeGreaterThan(0.98)
    expect(meta.license).toMatch(/CC BY-SA 4\.0/)
  })
})

describe('demo-clip-ref-openmoji', () => {
  const card = readModelJson<RefCard>('demo-clip-ref-openmoji', 'model_card.json')

  it('is listed as a bundled model, loadable and small, with the targets tokenizer and preprocessing', async () => {
    const info = (await listModels([{ dir: modelsDir, source: 'bundled' }])).find((m) => m.name === 'demo-clip-ref-openmoji')
    expect(info).toMatchObject({ error: null, source: 'bundled', embeddingDim: 128, imageSize: 32, contextLength: 32 })
    expect(info?.parameterCount).toBe(card.parameter_count.vision + card.parameter_count.text)
    expect((info?.files ?? []).reduce((a, f) => a + f.bytes, 0)).toBeLessThan(8 * 1024 * 1024)
    for (const file of ['tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'])
      expect(readFileSync(path.join(modelDir, file), 'utf8'), file).toBe(readFileSync(path.join(modelsDir, 'demo-clip-l', file), 'utf8'))
  })

  it('has a card naming its corpus (hash, counts, training ids), its licence, and the evaluation set it was measured on', () => {
    expect(card.dataset.name).toBe('openmoji-ref')
    expect(card.dataset.manifest_sha256).toBe(ref.hash)
    expect(card.evaluation_dataset.manifest_sha256).toBe(demo.hash)
    expect(card.dataset.counts).toEqual({ 'member/target': ref.items.length })
    const ids = ref.items.map((i) => i.id).sort()
    expect(card.members.count).toBe(ids.length)
    expect(createHash('sha256').update(ids.join('\n')).digest('hex')).toBe(card.members.sha256)
    expect(card.license).toMatch(/OpenMoji.*CC BY-SA 4\.0/)
    // It never saw the members: its own CSA AUC on emoji-demo's targets is near chance.
    expect(Math.abs(card.metrics.csa_auc - 0.5)).toBeLessThan(0.05)
  })

  it('embeds through ModelRegistry.open like the Python generator did', () => embedsLikePython('demo-clip-ref-openmoji', demo.items))
})

describe('demo-clip-ref and emoji-calibration: a reference trained on half of the members, left out of the evaluation', () => {
  const calibrationDir = path.join(repoRoot, 'resources/datasets/emoji-calibration')
  const knownDir = path.join(modelsDir, 'demo-clip-ref')
  const card = readModelJson<RefCard & { members: { ids: string[] }; architecture: unknown }>('demo-clip-ref', 'model_card.json')
  let calibration: { items: Item[]; hash: string }
  /** demo-clip-ref's training items by the documented rule: the member renders of the first half (rounded down) of
   * emoji-demo's member emojis in sha256('demo-clip-ref-known-v1:' + emoji) order. */
  let trainingIds: string[] = []

  beforeAll(async () => {
    calibration = await readItems(calibrationDir)
    const members = demo.items.filter((i) => i.membership === 'member')
    const key = (u: string): string => createHash('sha256').update(`demo-clip-ref-known-v1:${u}`).digest('hex')
    const emojis = [...new Set(members.map(emojiOf))].sort((a, b) => (key(a) < key(b) ? -1 : 1))
    const trained = new Set(emojis.slice(0, Math.floor(emojis.length / 2)))
    trainingIds = members
      .filter((i) => trained.has(emojiOf(i)))
      .map((i) => i.id)
      .sort()
  }, 60_000)

  it('trained on exactly the member renders emoji-calibration leaves out, and on no image it evaluates', async () => {
    expect(trainingIds).toHaveLength(895)
    expect(card.members.ids).toEqual(trainingIds)
    expect(createHash('sha256').update(trainingIds.join('\n')).digest('hex')).toBe(card.members.sha256)
    const training = new Set(trainingIds)
    const left = demo.items.filter((i) => !training.has(i.id))
    // Every other emoji-demo item, with its caption, membership and role, and nothing else.
    const strip = (i: Item): string => JSON.stringify([i.id, i.caption, i.membership, i.role])
    expect(calibration.items.map(strip).sort()).toEqual(left.map(strip).sort())
    const counts = (items: Item[]): Record<string, number> => items.reduce<Record<string, number>>((o, i) => ({ ...o, [`${i.membership}/${i.role}`]: (o[`${i.membership}/${i.role}`] ?? 0) + 1 }), {})
    expect(counts(calibration.items)).toEqual({ 'member/target': 894, 'nonmember/target': 896, 'nonmember/reference': 1080 })
    const seen = new Set((await pixelHashes(demo.items.filter((i) => training.has(i.id)))).values())
    expect([...(await pixelHashes(calibration.items))].filter(([, h]) => seen.has(h))).toEqual([])
  }, 120_000)

  it("is a bundled model with demo-clip-l's architecture and the targets' tokenizer; its card names its rule and evaluation set", async () => {
    const info = (await listModels([{ dir: modelsDir, source: 'bundled' }])).find((m) => m.name === 'demo-clip-ref')
    const target = readModelJson<RefCard & { architecture: unknown }>('demo-clip-l', 'model_card.json')
    expect(info).toMatchObject({ error: null, source: 'bundled', embeddingDim: 128, imageSize: 32, contextLength: 32 })
    expect(card.architecture).toEqual(target.architecture)
    expect(card.parameter_count).toEqual(target.parameter_count)
    expect(info?.parameterCount).toBe(card.parameter_count.vision + card.parameter_count.text)
    for (const file of ['tokenizer.json', 'tokenizer_config.json', 'preprocessor_config.json'])
      expect(readFileSync(path.join(knownDir, file), 'utf8'), file).toBe(readFileSync(path.join(modelsDir, 'demo-clip-l', file), 'utf8'))
    expect(card.dataset.manifest_sha256).toBe(demo.hash)
    expect(card.dataset.counts).toEqual({ 'member/target': 895 })
    expect(card.evaluation_dataset.manifest_sha256).toBe(calibration.hash)
    // On emoji-calibration it never saw an item: its own CSA AUC there is near chance.
    expect(Math.abs(card.metrics.csa_auc - 0.5)).toBeLessThan(0.05)
  })

  it('embeds through ModelRegistry.open like the Python generator did', () => embedsLikePython('demo-clip-ref', calibration.items))
})
