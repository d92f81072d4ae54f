// Reference-model calibration through the New experiment form (issue 17, item 5): demo-clip-l's CSA on a sample of
// emoji-calibration against demo-clip-ref, the default rule (auto → regression on the guaranteed non-members); the
// results page says which reference, which rule and the fitted line, and the form leaves the reference out for WSA.
import fs from 'node:fs'
import path from 'node:path'
import { test, expect, screenshot } from '../fixtures'
import { sampleDemo } from '../demo-sample'
import { ShellPage } from '../pages/shell-page'
import { DatasetsPage } from '../pages/datasets-page'
import { NewExperimentPage, RunPage } from '../pages/experiment-pages'

const RUN_TIMEOUT = 6 * 60_000
let dataset: string | null = null

test.afterAll(() => {
  if (dataset) fs.rmSync(dataset, { recursive: true, force: true })
})

test('the form calibrates CSA against a reference model; the results page names the reference, the rule and its line', async ({ workbenchPage: page }) => {
  test.setTimeout(RUN_TIMEOUT + 2 * 60_000)
  // Every 4th target and every 3rd guaranteed non-member of emoji-calibration (~360 pool items: auto fits the regression).
  dataset = sampleDemo({
    prefix: 'mia-e2e-calibration-',
    name: 'emoji-calibration-sample',
    description: 'Every 4th target and 3rd reference item of emoji-calibration.',
    keep: (role, i) => (role === 'target' ? i % 4 === 0 : role === 'reference' && i % 3 === 0),
    source: 'emoji-calibration'
  })
  const shell = new ShellPage(page)
  await shell.goTo('Datasets')
  await new DatasetsPage(page).add(dataset)

  await shell.goTo('New experiment')
  const form = new NewExperimentPage(page)
  await form.fill({ model: 'demo-clip-l', dataset: 'emoji-calibration-sample', attack: 'csa', resamples: 100 })
  // The reference list leaves the target out; the rule waits for a reference.
  await expect(page.getByTestId('calibration-reference').locator('option[value="demo-clip-l"]')).toHaveCount(0)
  await expect(page.getByTestId('calibration-mode')).toBeDisabled()
  await form.fill({ model: 'demo-clip-l', dataset: 'emoji-calibration-sample', attack: 'csa', referenceModel: 'demo-clip-ref' })
  await expect(page.getByTestId('calibration-mode')).toHaveValue('auto')
  await screenshot(page, 'new-experiment-calibration')
  // WSA is never calibrated: ticking it alone hides the calibration options.
  await form.chooseAttack('wsa')
  await expect(page.getByTestId('calibration-options')).toHaveCount(0)
  await form.chooseAttack('csa')
  await expect(page.getByTestId('calibration-reference')).toHaveValue('demo-clip-ref')
  await form.submit()

  const run = new RunPage(page)
  await expect(run.status(run.cards.first())).toHaveText('done', { timeout: RUN_TIMEOUT })
  await run.cards.first().getByTestId('run-results').click()
  const facts = page.getByTestId('attack-facts')
  await expect(facts).toContainText('Calibrated against reference model demo-clip-ref')
  const pool = fs
    .readFileSync(path.join(dataset, 'manifest.csv'), 'utf8')
    .split('\n')
    .filter((row) => row.includes(',nonmember,reference,')).length
  expect(pool).toBeGreaterThan(300)
  await expect(facts).toContainText(new RegExp(`regression on ${pool} guaranteed non-members: s_t ≈ [\\d.]+ \\+ [\\d.]+·s_ref, σ [\\d.]+`))
  await screenshot(page, 'results-calibration')
})
