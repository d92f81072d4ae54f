// Electron utilityProcess entry: receives its config, then serves the engine on every port main brokers.
import { createEngine, type Engine } from '../engine'
import type { EngineConfig } from '../engine/config'
import { serveEngine } from './serve-engine'
import type { PortLike } from './protocol'

interface ParentMessage {
  data: { kind: 'config'; config: EngineConfig } | { kind: 'connect' }
  ports: Array<{ postMessage(m: unknown): void; on(e: 'message', l: (m: unknown) => void): unknown; start(): void }>
}

const parentPort = (process as unknown as { parentPort: { on(e: 'message', l: (m: ParentMessage) => void): void } }).parentPort
let engine: Engine | null = null

parentPort.on('message', (message) => {
  if (message.data.kind === 'config') {
    engine = createEngine(message.data.config)
    return
  }
  const port = message.ports[0]
  if (!engine || !port) return
  serveEngine(engine, port as PortLike)
  port.start()
})
