// Electron app lifecycle: single instance, one window, the engine in a utility process.
import { app, BrowserWindow } from 'electron'
import { startEngineProcess } from './engine-process'
import { registerIpc } from './ipc'
import { installMenu } from './menu'
import { createMainWindow } from './window'

if (!app.requestSingleInstanceLock()) app.quit()

app.whenReady().then(() => {
  const engine = startEngineProcess()
  installMenu()
  registerIpc(engine)
  const open = (): void => {
    const win = createMainWindow()
    win.webContents.on('did-finish-load', () => engine.connect(win.webContents))
  }
  open()
  app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus())
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) open()
  })
  app.on('before-quit', () => engine.stop())
})

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
