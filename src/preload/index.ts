// Preload: exposes window.workbench = exactly WorkbenchApi over the MessagePort main brokers to the engine, and native pickers.
import { contextBridge, ipcRenderer } from 'electron'
import type { WorkbenchApi } from '../shared/contract/api'
import type { DesktopBridge, PickPurpose } from './index.d'
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
ipcRenderer.on('engine-port', (event) => {
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
  pickPath: (purpose: PickPurpose) => ipcRenderer.invoke('dialog:pick-path', { purpose }) as Promise<string | null>
}
contextBridge.exposeInMainWorld('workbenchDesktop', desktop)
