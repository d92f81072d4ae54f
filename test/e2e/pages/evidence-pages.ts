// Page objects and set-up for the evidence screens (issue 20 in the UI): a small dataset cut from emoji-demo, the
// multi-seed summary and the Audit a collection screen.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, type Locator, type Page } from '@playwright/test'
import { callOp, type ServedWorkbench } from '../fixtures'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const EMOJI_DEMO = path.join(ROOT, 'resources/datasets/emoji-demo')

/** A dataset folder with `want` items of each kind from emoji-demo (images copied in: browser mode reads no outside file). */
export function smallEmojiDataset(want = { member: 40, nonmember: 40, reference: 30 }): { dir: string; ids: Record<'member' | 'nonmember' | 'reference', string[]> } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-evidence-'))
  fs.mkdirSync(path.join(dir, 'images'))
  const ids = { member: [] as string[], nonmember: [] as string[], reference: [] as string[] }
  const rows = ['id,image,caption,membership,role']
  const lines = fs.readFileSync(path.join(EMOJI_DEMO, 'manifest.csv'), 'utf8').split('\n').slice(1)
  // Every 7th plain row (no quoted field), so the subset spans categories.
  lines.forEach((line, i) => {
    if (i % 7 !== 0 || !line || line.includes('"')) return
    const [id, image, caption, membership, role] = line.split(',')
    const kind = role === 'reference' ? 'reference' : membership === 'member' ? 'member' : 'nonmember'
    if (ids[kind].length >= want[kind]) return
    const rel = `images/${id}.png`
    fs.copyFileSync(path.join(EMOJI_DEMO, image), path.join(dir, rel))
    ids[kind].push(id)
    rows.push([id, rel, caption, membership, role].join(','))
  })
  fs.writeFileSync(path.join(dir, 'manifest.csv'), rows.join('\n') + '\n')
  fs.writeFileSync(
    path.join(dir, 'dataset.json'),
    JSON.stringify({ name: 'evidence-mini', description: 'emoji-demo subset for the evidence screens', license: 'see emoji-demo', manifest: 'manifest.csv' })
  )
  return { dir, ids }
}

/** Register the dataset and pick the model: demo-clip-s when it loads, else the tiny CLIP fixture. */
export async function setUpEvidence(page: Page, served: ServedWorkbench, datasetDir: string): Promise<{ model: string; dataset: string }> {
  const added = await callOp<{ name: string }>(page, served, 'datasets.add', { path: datasetDir })
  const { models } = await callOp<{ models: Array<{ name: string; error: unknown }> }>(page, served, 'models.list', {})
  if (models.some((m) => m.name === 'demo-clip-s' && !m.error)) return { model: 'demo-clip-s', dataset: added.name }
  const tiny = await callOp<{ name: string }>(page, served, 'models.add', { path: path.join(ROOT, 'test/fixtures/tiny-clip') })
  return { model: tiny.name, dataset: added.name }
}

/** The Audit a collection screen. */
export class AuditSetPage {
  readonly result: Locator
  constructor(readonly page: Page) {
    this.result = page.getByTestId('audit-set-result')
  }

  async open(): Promise<void> {
    await this.page.getByTestId('nav-audit-set').click()
    await expect(this.page.getByRole('heading', { level: 1 })).toHaveText('Audit a collection')
  }

  async choose(model: string, dataset: string): Promise<void> {
    await expect(this.page.getByTestId('audit-dataset').locator(`option[value="${dataset}"]`)).toHaveCount(1)
    await this.page.getByTestId('audit-model').selectOption(model)
    await this.page.getByTestId('audit-dataset').selectOption(dataset)
  }

  async run(): Promise<void> {
    await this.page.getByTestId('audit-submit').click()
  }
}
