// Starts the engine worker for one CLI command and always stops it afterwards.
import path from 'node:path'
import { sourceConfig, type EngineConfig } from '../main/engine/ring-api'
import { startEngineWorker } from '../main/host/worker-host'
import type { EngineClient } from '../main/host/client'
import { providerOrder, type ProviderChoice } from '../shared/contract/models'

/** Global CLI options that shape the engine. */
export interface GlobalOptions {
  workspace?: string
  /** Browser mode: only bundled or registered models and datasets are read. */
  registeredOnly?: boolean
  /** Browser mode: runs may read images outside their dataset folder (never served). */
  readOutsideRoot?: boolean
  threads?: number
  provider?: ProviderChoice
  batchSize?: number
}

/** Engine config for the CLI: source paths plus the chosen workspace. */
export function cliConfig(options: GlobalOptions): EngineConfig {
  return sourceConfig({
    ...(options.workspace ? { workspaceDir: path.resolve(options.workspace) } : {}),
    registeredOnly: options.registeredOnly,
    readOutsideRoot: options.readOutsideRoot,
    batchSize: options.batchSize,
    inference: { intraOpNumThreads: options.threads, providers: options.provider ? providerOrder(options.provider) : undefined }
  })
}

/** Run `fn` with a client of a fresh engine worker; Ctrl-C cancels in-flight work first. */
export async function withEngine<T>(options: GlobalOptions, fn: (client: EngineClient, signal: AbortSignal) => Promise<T>): Promise<T> {
  const worker = await startEngineWorker(cliConfig(options))
  const controller = new AbortController()
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(130)
    process.stderr.write('\nCancelling… (Ctrl-C again to quit at once)\n')
    controller.abort()
  }
  process.on('SIGINT', onSigint)
  try {
    return await fn(worker.client, controller.signal)
  } finally {
    process.off('SIGINT', onSigint)
    await worker.terminate()
  }
}
