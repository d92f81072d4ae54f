// Desktop app: the same shell through Electron's preload bridge; skipped with its reason when no Electron binary exists.
import path from 'node:path'
import { test, expect } from '@playwright/test'
import type { WorkbenchApi } from '../../../src/shared/contract/api'
import { electronBinary, NO_ELECTRON_REASON, ROOT, withDesktopApp } from './desktop-app'

test.describe('electron', () => {
  test.skip(!electronBinary, NO_ELECTRON_REASON)

  test('desktop shell lists the models through window.workbench', async () => {
    await withDesktopApp(async (app) => {
      const page = await app.firstWindow()
      const errors: string[] = []
      page.on('pageerror', (e) => errors.push(e.message))
      await expect(page.getByTestId('sidebar')).toBeVisible()
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Models')
      expect(await page.evaluate(() => typeof (globalThis as unknown as { workbench?: WorkbenchApi }).workbench?.invoke)).toBe('function')
      const info = await page.evaluate(() => (globalThis as unknown as { workbench: WorkbenchApi }).workbench.invoke('app.info', {}))
      expect(info.runtime).toBe('electron')
      await page.screenshot({ path: path.join(ROOT, 'test-results', 'screens', 'electron-models.png') })
      expect(errors).toEqual([])
    })
  })
})
