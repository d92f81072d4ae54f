// Results page (issue 21): a WSA experiment's "Pool-size ablation" panel runs the ablation on the cached embeddings
// with progress per fit, shows the table and the two-panel chart with CSA's dashed line, and exports the figure.
// A sample of emoji-demo (every 8th target, every 4th reference item) keeps the run and the fits short.
import fs from 'node:fs'
import { test, expect, screenshot, callOp } from '../fixtures'
import { openRoute, sampleDemo } from '../demo-sample'

const RUN_TIMEOUT = 6 * 60_000

let dataset: string | null = null

/** Every 8th target and every 4th reference item of emoji-demo. */
const sample = (): string =>
  sampleDemo({
    prefix: 'mia-e2e-ablation-',
    name: 'emoji-demo-ablation',
    description: 'Every 8th target and 4th reference item of emoji-demo.',
    keep: (role, i) => (role === 'target' ? i % 8 === 0 : role === 'reference' && i % 4 === 0)
  })

test.afterAll(() => {
  if (dataset) fs.rmSync(dataset, { recursive: true, force: true })
})

test('the WSA results page runs the pool-size ablation: progress per fit, table, chart with CSA, figure export', async ({ workbenchPage: page, served }) => {
  test.setTimeout(RUN_TIMEOUT + 2 * 60_000)
  dataset = sample()
  await callOp(page, served, 'datasets.add', { path: dataset })
  const record = await callOp<{ id: string }>(page, served, 'experiments.create', {
    spec: { model: 'demo-clip-s', dataset, attack: 'wsa', params: { seed: 0, evaluation: { resamples: 100 }, blind: { enabled: false } } }
  })
  const done = await callOp<{ status: string; results: { metrics: { auc: number } } }>(page, served, 'experiments.run', { id: record.id })
  expect(done.status).toBe('done')

  await openRoute(page, `/results/${record.id}`)
  // WSA's report: each fact's label sits directly above its own value (a grid of loose labels and values once paired
  // "Pool" with the selected pseudo-members' count in a wide window).
  await expect(page.getByTestId('wsa-tau')).toBeVisible()
  const facts = await page
    .getByTestId('wsa-report')
    .locator('.facts > div')
    .evaluateAll((cells) =>
      cells.map((cell) => {
        const label = cell.querySelector('dt')!.getBoundingClientRect()
        const value = cell.querySelector('dd')!.getBoundingClientRect()
        return { label: cell.querySelector('dt')!.textContent, dx: Math.abs(value.left - label.left), gap: value.top - label.bottom }
      })
    )
  expect(facts.map((f) => f.label)).toEqual([
    'Reference (D_no) CSA scores',
    'Pseudo-label threshold',
    'Pool',
    'Pseudo-members selected',
    'Reference non-members',
    'Training rows per class',
    'Attack model'
  ])
  // The default WSA is cross-fitted: the report says so where it names the pool.
  await expect(page.getByTestId('wsa-pool')).toContainText(/the targets, labels hidden; cross-fitted over 5 folds/)
  for (const f of facts) {
    expect(f.dx, f.label!).toBeLessThan(1)
    expect(f.gap, f.label!).toBeGreaterThanOrEqual(-1)
    expect(f.gap, f.label!).toBeLessThan(12)
  }
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
