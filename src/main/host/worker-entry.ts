// worker_threads entry: builds an engine from workerData and serves it on the parent port.
import { parentPort, workerData } from 'node:worker_threads'
import { createEngine } from '../engine'
import type { EngineConfig } from '../engine/config'
import { serveEngine } from './serve-engine'

if (!parentPort) throw new Error('worker-entry must run inside a worker thread')
serveEngine(createEngine(workerData as EngineConfig), parentPort)
