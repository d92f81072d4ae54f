// Desktop app: the same shell through Electron's preload bridge; skipped with its reason when no Electron binary exists.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron as electron, test, expect } from '@playwright/test'
import type { WorkbenchApi } from '../../../src/shared/contract/api'


const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const pathTxt = path.join(ROOT, 'node_modules', 'electron', 'path.txt')
const binary = fs.existsSync(pathTxt) ? path.join(ROOT, 'node_modules', 'electron', 'dist', fs.readFileSync(pathTxt, 'utf8').trim()) : null
const reason = 'Electron binary not installed (offline install skips its download; `npm run setup` online fetches it)'

test.describe('electron', () => {
  test.skip(!binary || !fs.existsSync(binary), reason)

  test('desktop shell lists the models through window.workbench', async () => {
    const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-electron-'))
    const app = await electron.launch({ executablePath: binary!, args: [ROOT, `--user-data-dir=${userData}`, '--no-sandbox'] })
    try {
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
    } finally {
      await app.close()
      fs.rmSync(userData, { recursive: true, force: true })
    }
  })
})
