// Temp workspaces and engine configs for tests.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { MessageChannel } from 'node:worker_threads'
import { createEngine, sourceConfig, type EngineConfig } from '../../src/main/engine'
import { createEngineClient, type EngineClient } from '../../src/main/host/client'
import { serveEngine } from '../../src/main/host/serve-engine'

/** A fresh temp directory, removed by the returned cleanup. */
export function tempDir(prefix = 'mia-test-'): { dir: string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) }
}

/** Engine config on a temp workspace, validating every output against the contract. */
export function testConfig(workspaceDir: string, overrides: Partial<EngineConfig> = {}): EngineConfig {
  return sourceConfig({ workspaceDir, checkOutputs: true, ...overrides })
}

/** An engine served over an in-process MessageChannel: the host protocol without a thread. */
export async function inProcessClient(config: EngineConfig): Promise<{ client: EngineClient; close(): Promise<void> }> {
  const engine = createEngine(config)
  const { port1, port2 } = new MessageChannel()
  const host = serveEngine(engine, port1)
  const client = createEngineClient(port2)
  await client.ready
  return {
    client,
    async close() {
      host.close()
      port1.close()
      port2.close()
      await engine.dispose()
    }
  }
}
