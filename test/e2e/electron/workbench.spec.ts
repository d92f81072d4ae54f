// Desktop app, the same happy path as browser mode: two CSA runs with progress, results and threshold, compare, export.
import fs from 'node:fs'
import path from 'node:path'
import { test, expect, type Page } from '@playwright/test'
import type { WorkbenchApi } from '../../../src/shared/contract/api'
import type { OperationName, OpInput, OpOutput } from '../../../src/shared/contract/operations'
import { ShellPage } from '../pages/shell-page'
import { ComparePage, NewExperimentPage, ResultsPage, RunPage } from '../pages/experiment-pages'
import { checkPdf, checkSvg, exportDir, pngSize } from '../export-checks'
import { electronBinary, NO_ELECTRON_REASON, ROOT, withDesktopApp } from './desktop-app'

const RUN_TIMEOUT = 12 * 60_000

/** Call the engine through the preload bridge, as the renderer does. */
function call<K extends OperationName>(page: Page, op: K, input: OpInput<K>): Promise<OpOutput<K>> {
  return page.evaluate(([o, i]) => (globalThis as unknown as { workbench: WorkbenchApi }).workbench.invoke(o as K, i as OpInput<K>), [op, input] as const) as Promise<OpOutput<K>>
}

test.describe('electron', () => {
  test.skip(!electronBinary, NO_ELECTRON_REASON)

  test('desktop happy path: two CSA runs, results, threshold, compare and export', async () => {
    test.setTimeout(RUN_TIMEOUT + 3 * 60_000)
    await withDesktopApp(async (app) => {
      const page = await app.firstWindow()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
      const shell = new ShellPage(page)
      await expect(shell.heading).toHaveText('Models')
      expect(await page.evaluate(() => typeof (globalThis as unknown as { workbenchDesktop?: { pickPath: unknown } }).workbenchDesktop?.pickPath)).toBe('function')
      await expect(page.getByTestId('add-model-browse')).toBeVisible()
      const { models } = await call(page, 'models.list', {})
      const names = ['demo-clip-s', 'demo-clip-l'].filter((n) => models.some((m) => m.name === n && !m.error))
      test.skip(names.length < 2, 'the bundled demo models are not present in this checkout')

      await shell.goTo('New experiment')
      const form = new NewExperimentPage(page)
      await form.fill({ model: names[0], compareModel: names[1], dataset: 'emoji-demo', attack: 'csa', resamples: 200 })
      await form.submit()
      const run = new RunPage(page)
      await expect(run.cards).toHaveCount(2)
      await expect(run.phase(run.cards.first(), 'embedding')).toBeVisible({ timeout: RUN_TIMEOUT })
      for (const c of await run.cards.all()) await expect(run.status(c)).toHaveText('done', { timeout: RUN_TIMEOUT })
      await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'electron-run.png') })

      await run.cards.first().getByTestId('run-results').click()
      const results = new ResultsPage(page)
      await expect(results.auc).toBeVisible()
      const tau = await results.thresholdValue.textContent()
      await results.moveThreshold(-5)
      await expect(results.thresholdValue).not.toHaveText(tau!)
      await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'electron-results.png') })

      await page.goBack()
      await page.getByTestId('run-compare').click()
      const compare = new ComparePage(page)
      await expect(compare.metrics).toBeVisible({ timeout: 60_000 })
      await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'electron-compare.png') })

      // Electron saves <a download> through a native dialog Playwright cannot drive: check the files the button would save.
      const { experiments } = await call(page, 'experiments.list', {})
      const ids = experiments.slice(0, 2).map((e) => e.id)
      const dir = exportDir(ROOT)
      const svg = await call(page, 'export.figure', { ids, figure: 'compare', format: 'svg' })
      fs.writeFileSync(path.join(dir, `electron-${svg.fileName}`), svg.data)
      await checkSvg(
        page,
        path.join(dir, `electron-${svg.fileName}`),
        experiments.slice(0, 2).map((e) => e.name)
      )
      const pdf = await call(page, 'export.figure', { ids, figure: 'compare', format: 'pdf' })
      fs.writeFileSync(path.join(dir, `electron-${pdf.fileName}`), Buffer.from(pdf.data, 'base64'))
      checkPdf(path.join(dir, `electron-${pdf.fileName}`))
      const png = await call(page, 'export.figure', { ids, figure: 'compare', format: 'png', widthIn: 3.3 })
      fs.writeFileSync(path.join(dir, `electron-${png.fileName}`), Buffer.from(png.data, 'base64'))
      expect(pngSize(path.join(dir, `electron-${png.fileName}`)).width).toBe(990)
      expect(errors).toEqual([])
    })
  })
})
