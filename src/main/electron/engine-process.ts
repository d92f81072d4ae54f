// Forks the engine utility process, restarts it after a crash, and brokers one MessagePort per window.
import path from 'node:path'
import { app, MessageChannelMain, utilityProcess, type UtilityProcess, type WebContents } from 'electron'
import utilityEntry from '../host/utility-entry?modulePath'
import { withUvThreadpool } from '../engine/runner/uv-threadpool.cjs'
import type { EngineCrash } from '../../preload/index.d'

/** The engine process as main sees it. */
export interface EngineProcess {
  connect(contents: WebContents): void
  lastCrash(): EngineCrash | null
  stop(): void
}

/** Start the engine in a utilityProcess so inference and SQLite never block the main loop. */
export function startEngineProcess(): EngineProcess {
  let child: UtilityProcess | null = null
  let crash: EngineCrash | null = null
  const windows = new Set<WebContents>()

  const config = {
    resourcesDir: app.isPackaged ? path.join(process.resourcesPath, 'resources') : path.join(app.getAppPath(), 'resources'),
    workspaceDir: path.join(app.getPath('userData'), 'workspace'),
    appVersion: app.getVersion(),
    runtime: 'electron' as const,
    appRoot: app.getAppPath()
  }

  const broker = (contents: WebContents): void => {
    if (!child || contents.isDestroyed()) return
    const { port1, port2 } = new MessageChannelMain()
    child.postMessage({ kind: 'connect' }, [port1])
    // The last crash travels with the port: the preload rejects the calls the dead process held (src/preload/index.ts).
    contents.postMessage('engine-port', { crash }, [port2])
  }

  const spawn = (): void => {
    // The Electron-ABI build of better-sqlite3 that `npm run setup` makes (see store/database.ts).
    const sqliteBinding = path.join(app.isPackaged ? process.resourcesPath : app.getAppPath(), '.native', 'electron', 'better_sqlite3.node')
    // libuv's pool is sized from the environment the process starts with (engine/runner/uv-threadpool.cjs).
    const env = withUvThreadpool({ ...process.env, MIA_SQLITE_BINDING: sqliteBinding })
    child = utilityProcess.fork(utilityEntry, [], { serviceName: 'MIA engine', stdio: 'inherit', env })
    child.postMessage({ kind: 'config', config })
    child.once('exit', (code) => {
      if (code === 0) return
      crash = { message: `The engine process exited with code ${code}; it was restarted and running operations were lost.`, exitCode: code, at: new Date().toISOString() }
      spawn()
      for (const contents of windows) broker(contents)
    })
  }
  spawn()

  return {
    connect(contents) {
      windows.add(contents)
      contents.once('destroyed', () => windows.delete(contents))
      broker(contents)
    },
    lastCrash: () => crash,
    stop: () => child?.kill()
  }
}
