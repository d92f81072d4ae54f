// Results page (issue 21): a WSA experiment's "Pool-size ablation" panel runs the ablation on the cached embeddings
// with progress per fit, shows the table and the two-panel chart with CSA's dashed line, and exports the figure.
// A sample of emoji-demo (every 8th target, every 4th reference item) keeps the run and the fits short.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { test, expect, screenshot, callOp } from '../fixtures'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const DEMO = path.join(ROOT, 'resources/datasets/emoji-demo')
const RUN_TIMEOUT = 6 * 60_000

let dataset: string | null = null

/** A manifest over every 8th target and every 4th reference item of emoji-demo, images copied in. */
function sampleDataset(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-e2e-ablation-'))
  const [header, ...rows] = fs.readFileSync(path.join(DEMO, 'manifest.csv'), 'utf8').trim().split('\n')
  const columns = header.split(',')
  const [image, role] = [columns.indexOf('image'), columns.indexOf('role')]
  const count = { target: 0, reference: 0 }
  const kept = rows
    .map((line) => line.split(','))
    .filter((cells) => cells.length === columns.length && (cells[role] === 'target' || cells[role] === 'reference'))
    .filter((cells) => (cells[role] === 'target' ? count.target++ % 8 === 0 : count.reference++ % 4 === 0))
    .map((cells) => {
      // Browser mode reads images inside the dataset folder only: copy each render under its relative path.
      fs.mkdirSync(path.dirname(path.join(dir, cells[image])), { recursive: true })
      fs.copyFileSync(path.join(DEMO, cells[image]), path.join(dir, cells[image]))
      return cells.join(',')
    })
  fs.writeFileSync(path.join(dir, 'manifest.csv'), [header, ...kept].join('\n') + '\n')
  fs.writeFileSync(path.join(dir, 'dataset.json'), JSON.stringify({ name: 'emoji-demo-ablation', description: 'A sample of emoji-demo.', license: 'as emoji-demo', manifest: 'manifest.csv' }))
  return dir
}

async function openRoute(page: Page, route: string): Promise<void> {
  await expect(page.getByTestId('runtime')).toBeVisible()
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible()
  await page.evaluate((hash) => ((globalThis as unknown as { location: { hash: string } }).location.hash = hash), route)
}

test.afterAll(() => {
  if (dataset) fs.rmSync(dataset, { recursive: true, force: true })
})

test('the WSA results page runs the pool-size ablation: progress per fit, table, chart with CSA, figure export', async ({ workbenchPage: page, served }) => {
  test.setTimeout(RUN_TIMEOUT + 2 * 60_000)
  dataset = sampleDataset()
  await callOp(page, served, 'datasets.add', { path: dataset })
  const record = await callOp<{ id: string }>(page, served, 'experiments.create', {
    spec: { model: 'demo-clip-s', dataset, attack: 'wsa', params: { seed: 0, evaluation: { resamples: 100 }, blind: { enabled: false } } }
  })
  const done = await callOp<{ status: string; results: { metrics: { auc: number } } }>(page, served, 'experiments.run', { id: record.id })
  expect(done.status).toBe('done')

  await openRoute(page, `/results/${record.id}`)
  const panel = page.getByTestId('ablation')
  await expect(panel).toBeVisible()
  await expect(panel.getByTestId('ablation-table')).toHaveCount(0)
  await panel.getByTestId('ablation-run').click()
  // Progress counts fits: the ~270 reference items make the sizes 100, 250 and all (500 and 1000 are all) × λ rule, 0, 1.
  await expect(panel.getByTestId('ablation-progress')).toContainText(/fits \d+\/9/)
  await expect(panel.getByTestId('ablation-table')).toBeVisible({ timeout: RUN_TIMEOUT })
  await expect(panel.getByTestId('ablation-row')).toHaveCount(9)
  await expect(panel.getByTestId('ablation-csa')).toContainText(/CSA on the same 3\d\d targets: AUC 0\.\d{3}/)
  await expect(panel.getByTestId('ablation-row').filter({ hasText: 'rule →' }).first()).toBeVisible()
  await expect(panel.getByText(/500, 1000 reach the 2\d\d reference items/)).toBeVisible()
  // The row at every reference item with the experiment's own λ (the rule) is the experiment itself.
  const ruleAll = panel.getByTestId('ablation-row').filter({ hasText: '(all)' }).filter({ hasText: 'rule' })
  await expect(ruleAll.getByTestId('ablation-auc')).toHaveText(done.results.metrics.auc.toFixed(3))
  const chart = panel.getByRole('img', { name: /WSA ablation/ })
  await expect(chart).toBeVisible()
  await expect(chart.locator('text', { hasText: /CSA 0\.\d{3}/ })).toHaveCount(2)
  await panel.scrollIntoViewIfNeeded()
  await screenshot(page, 'results-wsa-ablation')

  const download = page.waitForEvent('download')
  await panel.getByTestId('ablation-export-svg').click()
  const file = await download
  expect(file.suggestedFilename()).toMatch(/\.wsa-ablation\.svg$/)
  const svg = fs.readFileSync(await file.path(), 'utf8')
  expect(svg).toContain('<svg')
  expect(svg).toContain('WSA TPR@1% FPR')
})
