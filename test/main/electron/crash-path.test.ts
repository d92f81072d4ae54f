// The Electron crash path end to end in Node: main's engine-process (src/main/electron), the preload's client and a real
// engine behind the host protocol, with stand-ins for Electron's modules. The engine process dies during a call: that call
// is rejected with a clear error, the engine restarts, the next call succeeds, and the window learns of the crash.
import { EventEmitter } from 'node:events'
import type { MessagePort } from 'node:worker_threads'
import type { WebContents } from 'electron'
import { afterAll, describe, expect, it, vi } from 'vitest'
import type { DesktopBridge, EngineCrash } from '../../../src/preload/index.d'
import type { WorkbenchApi } from '../../../src/shared/contract/api'

const rec = vi.hoisted(() => ({
  children: [] as Array<{ crash(code: number): void; stop(): Promise<void> }>,
  exposed: {} as Record<string, unknown>,
  rendererListeners: {} as Record<string, (event: { ports: unknown[] }, message: unknown) => void>,
  mainHandlers: {} as Record<string, (event: unknown, args: unknown) => unknown>,
  userData: '',
  sender: null as unknown
}))

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events')
  const { MessageChannel: Channel } = await import('node:worker_threads')
  const { REPO_ROOT } = await import('../../../src/main/engine')
  const { createEngine } = await import('../../../src/main/engine')
  const { serveEngine } = await import('../../../src/main/host/serve-engine')
  return {
    app: { isPackaged: false, getAppPath: () => REPO_ROOT, getPath: () => rec.userData, getVersion: () => '9.9.9' },
    MessageChannelMain: Channel,
    // A utility process that runs the real engine in this process; crash() makes it deaf and mute, then exit.
    utilityProcess: {
      fork() {
        const child = new Emitter()
        let engine: ReturnType<typeof createEngine> | null = null
        let dead = false
        const ports: MessagePort[] = []
        Object.assign(child, {
          kill: () => undefined,
          postMessage(message: { kind: string; config?: import('../../../src/main/engine').EngineConfig }, transfer: MessagePort[] = []) {
            if (message.kind === 'config') engine = createEngine({ ...message.config!, checkOutputs: true })
            else {
              const port = transfer[0]
              ports.push(port)
              serveEngine(engine!, { postMessage: (m) => dead || port.postMessage(m), on: (_e, l) => port.on('message', (m) => dead || l(m)) })
            }
          }
        })
        rec.children.push({
          crash(code) {
            dead = true
            child.emit('exit', code)
          },
          async stop() {
            ports.forEach((p) => p.close())
            await engine?.dispose()
          }
        })
        return child
      }
    },
    ipcMain: { handle: (channel: string, fn: (event: unknown, args: unknown) => unknown) => (rec.mainHandlers[channel] = fn) },
    BrowserWindow: { fromWebContents: (contents: unknown) => (contents === rec.sender ? {} : null) },
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (rec.exposed[key] = api) },
    ipcRenderer: {
      on: (channel: string, fn: (event: { ports: unknown[] }, message: unknown) => void) => (rec.rendererListeners[channel] = fn),
      // Main's handler gets an event from our window's top frame, as Electron's IPC would give it.
      invoke: async (channel: string, args: unknown) => {
        const mainFrame = { url: 'file:///app/out/renderer/index.html' }
        rec.sender = { mainFrame }
        return rec.mainHandlers[channel]({ sender: rec.sender, senderFrame: mainFrame }, args)
      }
    }
  }
})
vi.mock('../../../src/main/host/utility-entry?modulePath', () => ({ default: '/app/out/main/utility-entry.js' }))
vi.mock('../../../src/main/electron/dialogs', () => ({ PICK_PURPOSES: ['model'], pickPath: async () => null }))

/** The window: main posts ports to it, and they arrive at the preload's listener as Electron delivers them. */
function windowContents(): WebContents {
  const wc = Object.assign(new EventEmitter(), {
    isDestroyed: () => false,
    postMessage: (channel: string, message: unknown, ports: unknown[]) => queueMicrotask(() => rec.rendererListeners[channel]({ ports }, message))
  })
  return wc as unknown as WebContents
}

describe('engine process crash during a call (Electron, with stand-ins)', async () => {
  const { tempDir } = await import('../../helpers/workspace')
  const dir = tempDir('mia-crash-')
  rec.userData = dir.dir
  afterAll(async () => {
    for (const child of rec.children) await child.stop()
    dir.cleanup()
  })

  it('rejects the call in flight, restarts the engine, serves the next call and tells the window', async () => {
    const { startEngineProcess } = await import('../../../src/main/electron/engine-process')
    const { registerIpc } = await import('../../../src/main/electron/ipc')
    await import('../../../src/preload/index')
    const api = rec.exposed.workbench as WorkbenchApi
    const desktop = rec.exposed.workbenchDesktop as DesktopBridge
    const told: EngineCrash[] = []
    desktop.onEngineCrash((crash) => told.push(crash))

    const engine = startEngineProcess()
    registerIpc(engine)
    engine.connect(windowContents())
    await expect(api.invoke('app.info', {})).resolves.toMatchObject({ version: '9.9.9', runtime: 'electron' })
    expect(await desktop.lastEngineCrash()).toBeNull()

    const inFlight = api.invoke('datasets.list', {})
    rec.children[0].crash(134)
    const error = await inFlight.catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'internal', message: 'The engine process exited with code 134 during this call; it was restarted. Run the operation again.' })

    expect(rec.children).toHaveLength(2)
    await expect(api.invoke('app.info', {})).resolves.toMatchObject({ version: '9.9.9' })
    expect(told).toHaveLength(1)
    expect(told[0]).toMatchObject({ exitCode: 134, message: expect.stringContaining('exited with code 134') })
    expect(await desktop.lastEngineCrash()).toEqual(told[0])
  }, 60_000)
})
