// Browser mode: importing webdataset tar shards and a clip-retrieval embedding folder, and running CSA on the embeddings alone.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { test, expect, screenshot } from '../fixtures'
import { ShellPage } from '../pages/shell-page'
import { DatasetsPage } from '../pages/datasets-page'
import { NewExperimentPage, ResultsPage, RunPage } from '../pages/experiment-pages'
import { writeClipRetrieval } from '../../helpers/clip-retrieval'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const EMOJI = path.join(ROOT, 'resources/datasets/emoji-demo/images/google')

/** Two tar shards of four demo renders each, labelled in their JSON like img2dataset output plus a membership column. */
function webdataset(root: string): string {
  const dir = path.join(root, 'wds-shards')
  const src = path.join(root, 'wds-src')
  fs.mkdirSync(dir, { recursive: true })
  fs.mkdirSync(src, { recursive: true })
  const codes = fs
    .readdirSync(EMOJI)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .slice(0, 8)
  codes.forEach((file, i) => {
    const key = String(i).padStart(9, '0')
    fs.copyFileSync(path.join(EMOJI, file), path.join(src, `${key}.png`))
    fs.writeFileSync(path.join(src, `${key}.txt`), `an emoji, code ${path.basename(file, '.png')}`)
    fs.writeFileSync(path.join(src, `${key}.json`), JSON.stringify({ key, status: 'success', membership: i % 2 ? 'member' : 'nonmember' }))
  })
  for (const shard of [0, 1]) {
    const keys = [0, 1, 2, 3].map((j) => String(shard * 4 + j).padStart(9, '0'))
    execFileSync('tar', ['-cf', path.join(dir, `0000${shard}.tar`), '-C', src, ...keys.flatMap((k) => [`${k}.png`, `${k}.txt`, `${k}.json`])])
  }
  return dir
}

/** 400 pairs of 32-d embeddings: members' texts lean towards their images; 40 reference non-members. */
async function embeddings(root: string): Promise<string> {
  const dir = path.join(root, 'laion-emb')
  const n = 400
  const d = 32
  let s = 12345
  const rand = (): number => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1
  const image = Float32Array.from({ length: n * d }, rand)
  const text = Float32Array.from({ length: n * d }, (_, k) => (Math.floor(k / d) % 2 ? 0.8 * image[k] : 0) + rand())
  const kind = (i: number): string => (i >= 360 ? 'reference' : i % 2 ? 'member' : 'nonmember')
  await writeClipRetrieval(dir, [
    {
      dim: d,
      image,
      text,
      columns: {
        caption: Array.from({ length: n }, (_, i) => `caption ${i}`),
        membership: Array.from({ length: n }, (_, i) => (kind(i) === 'member' ? 'member' : 'nonmember')),
        role: Array.from({ length: n }, (_, i) => (kind(i) === 'reference' ? 'reference' : 'target'))
      }
    }
  ])
  fs.writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify({ name: 'laion-emb', model: 'ViT-B-32 (synthetic)' }))
  return dir
}

test('webdataset shards and clip-retrieval embeddings import, show their kind and size, and run', async ({ workbenchPage: page }) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-kinds-'))
  const shell = new ShellPage(page)
  const datasets = new DatasetsPage(page)
  await shell.goTo('Datasets')

  await test.step('webdataset: tar shards import with thumbnails read from inside the tars', async () => {
    const shards = webdataset(root)
    await datasets.add(shards)
    await expect(datasets.row('wds-shards')).toContainText('webdataset .tar shards')
    await datasets.select('wds-shards')
    await expect(page.getByTestId('dataset-source')).toContainText('webdataset .tar shards · 8 items')
    await expect(datasets.counts).toBeVisible()
    await expect(datasets.cards).toHaveCount(8)
    await expect(datasets.cards.first().locator('img')).toHaveAttribute('src', /^data:image\/png;base64,/)
  })

  await test.step('clip-retrieval: an embedding-only folder imports; its items have no images', async () => {
    await datasets.add(await embeddings(root))
    await expect(datasets.row('laion-emb')).toContainText('clip-retrieval embeddings (no images)')
    await datasets.select('laion-emb')
    await expect(page.getByTestId('dataset-source')).toContainText('400 items · 32-d embeddings from ViT-B-32 (synthetic) in 1 part(s)')
    await expect(datasets.cards.first()).toContainText('no image')
    await screenshot(page, 'datasets-embeddings')
  })

  await test.step('new experiment on the embeddings: no model, AEA disabled with the reason, CSA runs', async () => {
    await shell.goTo('New experiment')
    const form = new NewExperimentPage(page)
    await page.getByTestId('exp-dataset').selectOption('laion-emb')
    await expect(page.getByTestId('exp-precomputed')).toContainText('brings its own 32-d embeddings (ViT-B-32 (synthetic))')
    await expect(page.getByTestId('exp-model')).toBeDisabled()
    await expect(page.getByTestId('attack-aea')).toBeDisabled()
    await expect(form.form).toContainText('AEA needs the model and the images')
    await form.chooseAttack('csa')
    await page.getByTestId('eval-resamples').fill('100')
    await form.submit()
    const run = new RunPage(page)
    await expect(run.status(run.cards.first())).toHaveText('done', { timeout: 60_000 })
    await run.cards.first().getByTestId('run-results').click()
    const results = new ResultsPage(page)
    await expect(results.name).toContainText('precomputed · ViT-B-32 (synthetic)')
    await expect(results.auc).toHaveText(/^0\.9\d\d|^1\.000/)
  })
  fs.rmSync(root, { recursive: true, force: true })
})
