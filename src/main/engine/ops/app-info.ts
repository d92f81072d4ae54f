// app.info: version, runtime, paths and an honest capability report.
import fs from 'node:fs'
import path from 'node:path'
import type { AppInfo } from '../../../shared/contract/operations'
import type { Capabilities, ProviderChoice } from '../../../shared/contract/models'
import type { EngineConfig } from '../config'
import { probeExecutionProviders } from '../models'
import { defaultPreprocessThreads } from '../runner/preprocess-pool'
import { uvThreadpoolOf } from '../runner/uv-threadpool.cjs'

/** Whether an Electron binary is installed next to the app (source checkouts may lack it offline). */
export function detectElectronRuntime(config: EngineConfig): { available: boolean; reason: string | null } {
  if (config.runtime === 'electron') return { available: true, reason: null }
  const pkgDir = path.join(config.appRoot, 'node_modules', 'electron')
  const pathTxt = path.join(pkgDir, 'path.txt')
  if (!fs.existsSync(pkgDir)) return { available: false, reason: 'The electron package is not installed; browser mode (`mia serve`) is used instead.' }
  if (!fs.existsSync(pathTxt)) {
    return {
      available: false,
      reason: "Electron's binary was not downloaded (offline install); the workbench opens in browser mode. Run `npm run setup` with network access to get the desktop app."
    }
  }
  const binary = path.join(pkgDir, 'dist', fs.readFileSync(pathTxt, 'utf8').trim())
  if (!fs.existsSync(binary)) return { available: false, reason: `Electron's binary is missing at ${binary}; rerun \`npm run setup\` online.` }
  return { available: true, reason: null }
}

/** Capabilities of this installation, with every fallback explained. */
export async function capabilities(config: EngineConfig): Promise<Capabilities> {
  const electron = detectElectronRuntime(config)
  const eps = await probeExecutionProviders()
  const fallbacks = [...eps.fallbacks]
  if (electron.reason) fallbacks.push(electron.reason)
  return {
    electronRuntime: electron.available,
    executionProviders: eps.available,
    // A software adapter (SwiftShader) is listed but is no GPU: `gpu` says whether `auto` runs on a real one.
    gpu: eps.auto.some((p) => p !== 'cpu'),
    adapter: eps.adapter,
    fallbacks
  }
}

/** The choice behind the engine's provider order (models/providers.ts: `providerOrder(choice)`, or none for auto). */
export function defaultProviderOf(config: Pick<EngineConfig, 'inference'>): ProviderChoice {
  return config.inference?.providers?.[0] ?? 'auto'
}

/** The app.info operation. */
export async function appInfo(config: EngineConfig): Promise<AppInfo> {
  return {
    name: 'MIA Workbench',
    version: config.appVersion,
    runtime: config.runtime,
    nodeVersion: process.versions.node,
    platform: process.platform,
    arch: process.arch,
    paths: {
      workspace: config.workspaceDir,
      bundledModels: path.join(config.resourcesDir, 'models'),
      bundledDatasets: path.join(config.resourcesDir, 'datasets')
    },
    capabilities: await capabilities(config),
    defaultProvider: defaultProviderOf(config),
    threads: { preprocessing: defaultPreprocessThreads(), uvThreadpool: uvThreadpoolOf(process.env) }
  }
}
