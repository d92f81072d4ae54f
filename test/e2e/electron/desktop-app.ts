// Finding and launching the Electron binary for the desktop e2e specs (skipped with this reason when it is absent).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { _electron as electron, type ElectronApplication } from '@playwright/test'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
const pathTxt = path.join(ROOT, 'node_modules', 'electron', 'path.txt')
const binaryPath = fs.existsSync(pathTxt) ? path.join(ROOT, 'node_modules', 'electron', 'dist', fs.readFileSync(pathTxt, 'utf8').trim()) : null

/** The installed Electron binary, or null (offline installs skip its download). */
export const electronBinary: string | null = binaryPath && fs.existsSync(binaryPath) ? binaryPath : null
export const NO_ELECTRON_REASON = 'Electron binary not installed (offline install skips its download; `npm run setup` online fetches it)'

/** Run `fn` against the desktop app started on a throw-away userData folder; always closes it. */
export async function withDesktopApp(fn: (app: ElectronApplication) => Promise<void>): Promise<void> {
  const userData = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-electron-'))
  const app = await electron.launch({ executablePath: electronBinary!, args: [ROOT, `--user-data-dir=${userData}`, '--no-sandbox'] })
  try {
    await fn(app)
  } finally {
    await app.close()
    fs.rmSync(userData, { recursive: true, force: true })
  }
}
