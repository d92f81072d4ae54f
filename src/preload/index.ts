// Preload: exposes window.workbench = exactly WorkbenchApi over the MessagePort main brokers to the engine, native pickers and engine crashes.
import { contextBridge, ipcRenderer } from 'electron'
import type { WorkbenchApi } from '../shared/contract/api'
import type { DesktopBridge, EngineCrash, PickPurpose } from './index.d'
import { toErrorData } from '../shared/contract/errors'
import { createEngineClient } from '../main/host/client'
import type { PortLike } from '../main/host/protocol'

const listeners: Array<(m: unknown) => void> = []
/** The renderer-side end of the engine channel (a DOM MessagePort). */
interface EnginePort {
  postMessage(message: unknown): void
  start(): void
  onmessage: ((event: { data: unknown }) => void) | null
}

let port: EnginePort | null = null
const queue: unknown[] = []

// The port arrives after load (and again after an engine restart); calls made earlier are queued.
const bridge: PortLike = {
  postMessage: (message) => (port ? port.postMessage(message) : queue.push(message)),
  on: (_event, listener) => listeners.push(listener)
}
const crashListeners: Array<(crash: EngineCrash) => void> = []
let seenCrash: string | null = null

/**
 * A port that comes with a crash we have not seen replaces a dead process: the calls sent to it will never be
 * answered, so they are rejected now (a window that reloads after the crash holds none) and listeners are told.
 */
function noteCrash(crash: EngineCrash | null | undefined): void {
  if (!crash || crash.at === seenCrash) return
  seenCrash = crash.at
  client.failAll(`The engine process exited with code ${crash.exitCode} during this call; it was restarted. Run the operation again.`)
  for (const listener of crashListeners) listener(crash)
}

ipcRenderer.on('engine-port', (event, message?: { crash?: EngineCrash | null }) => {
  noteCrash(message?.crash)
  const next = event.ports[0] as unknown as EnginePort
  next.onmessage = (e) => listeners.forEach((l) => l(e.data))
  next.start()
  port = next
  for (const m of queue.splice(0)) next.postMessage(m)
})

const client = createEngineClient(bridge)
const api: WorkbenchApi = {
  // Errors cross the context bridge as plain data: class instances would lose code, item and hint.
  invoke: (op, input, options) => client.invoke(op, input, options).catch((err: unknown) => Promise.reject(toErrorData(err))),
  cancel: (requestId) => client.cancel(requestId)
}
contextBridge.exposeInMainWorld('workbench', api)

// Dialogs need main (the sandboxed renderer cannot open them); main checks the sender and the purpose.
const desktop: DesktopBridge = {
  pickPath: (purpose: PickPurpose) => ipcRenderer.invoke('dialog:pick-path', { purpose }) as Promise<string | null>,
  lastEngineCrash: () => ipcRenderer.invoke('engine:last-crash') as Promise<EngineCrash | null>,
  onEngineCrash: (listener) => void crashListeners.push(listener)
}
contextBridge.exposeInMainWorld('workbenchDesktop', desktop)
