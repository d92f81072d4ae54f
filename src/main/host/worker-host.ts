// Starts the engine in a worker thread and returns a client for it (CLI, server, tests).
import { Worker } from 'node:worker_threads'
import type { EngineConfig } from '../engine/config'
import { createEngineClient, type EngineClient } from './client'

/** A running engine worker: its client and a way to stop it. */
export interface EngineWorker {
  client: EngineClient
  terminate(): Promise<void>
}

/** Spawn the engine worker; resolves once the engine announced it is ready. */
export async function startEngineWorker(config: EngineConfig): Promise<EngineWorker> {
  const worker = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), { workerData: config })
  const client = createEngineClient(worker)
  let exited = false
  const onExit = (code: number): void => {
    exited = true
    client.failAll(`The engine worker exited with code ${code}.`)
  }
  worker.on('exit', onExit)
  worker.on('error', (err) => client.failAll(`The engine worker crashed: ${err.message}`))
  await Promise.race([client.ready, new Promise((_, reject) => worker.once('error', reject))])
  return {
    client,
    async terminate() {
      if (!exited) await worker.terminate()
    }
  }
}
