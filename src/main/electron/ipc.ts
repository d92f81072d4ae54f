// IPC for what only main can do (native dialogs): the sender must be our window's top frame, arguments are schema-checked.
import { BrowserWindow, ipcMain, type IpcMainInvokeEvent } from 'electron'
import { z } from 'zod'
import type { EngineCrash } from '../../preload/index.d'
import { PICK_PURPOSES, pickPath } from './dialogs'

const PickPathArgs = z.object({ purpose: z.enum(PICK_PURPOSES) }).strict()

/** True when the call comes from the top frame of one of our windows showing the bundled renderer or the dev server. */
function trustedWindow(event: IpcMainInvokeEvent): BrowserWindow | null {
  const win = BrowserWindow.fromWebContents(event.sender)
  const frame = event.senderFrame
  if (!win || !frame || frame !== event.sender.mainFrame) return null
  const devUrl = process.env.ELECTRON_RENDERER_URL
  const url = frame.url
  const ours = url.startsWith('file://') || (devUrl !== undefined && url.startsWith(devUrl))
  return ours ? win : null
}

/** Register the main-process handlers; call once when the app is ready. `lastCrash` reports the engine process's. */
export function registerIpc(engine: { lastCrash(): EngineCrash | null }): void {
  ipcMain.handle('engine:last-crash', async (event) => (trustedWindow(event) ? engine.lastCrash() : null))
  ipcMain.handle('dialog:pick-path', async (event, raw: unknown) => {
    const win = trustedWindow(event)
    if (!win) throw new Error('Refused: dialog request from an untrusted frame.')
    const args = PickPathArgs.safeParse(raw)
    if (!args.success) throw new Error(`Refused: invalid dialog request (${args.error.issues[0]?.message ?? 'bad arguments'}).`)
    return pickPath(win, args.data.purpose)
  })
}
