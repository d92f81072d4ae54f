// Engine configuration: where bundled resources and the user's workspace live.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { SessionOptions } from './models'

/** Paths and switches an engine is created with. */
export interface EngineConfig {
  /** Folder holding `models/` and `datasets/` shipped with the app (read-only). */
  resourcesDir: string
  /** Folder of the user's workspace: the SQLite cache and exports. */
  workspaceDir: string
  appVersion: string
  /** 'electron' when hosted in Electron's utility process. */
  runtime: 'node' | 'electron'
  /** Repository or app root; used to look for optional runtimes (Electron binary). */
  appRoot: string
  /** Validate every operation's output against the contract (tests and development). */
  checkOutputs?: boolean
  /**
   * Browser mode: operations read only bundled or registered models and datasets (adding one is the explicit,
   * token-authenticated act that registers it), so the server never becomes a reader of arbitrary files (issue 9).
   */
  registeredOnly?: boolean
  /**
   * Whether runs read images whose real path (symlinks resolved) lies outside the dataset folder. Unset: yes, except in
   * browser mode (`registeredOnly`), where `mia serve --read-outside-root` is needed. Never served either way (SECURITY.md).
   */
  readOutsideRoot?: boolean
  /** onnxruntime settings: provider preference, threads, GPU index (defaults: see models/session.ts). */
  inference?: SessionOptions
  /** Images or captions per inference batch (default 32). */
  batchSize?: number
  /** Hugging Face hub cache to list and pull models into (default: $HF_HUB_CACHE, $HF_HOME/hub, ~/.cache/huggingface/hub). */
  hfCacheDir?: string
}

/** The repository root when running from source. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')

/** Default workspace: $MIA_WORKSPACE, else ~/.mia-workbench. */
export function defaultWorkspaceDir(): string {
  return process.env.MIA_WORKSPACE ?? path.join(os.homedir(), '.mia-workbench')
}

/** Config for running from a source checkout (CLI, server, tests). */
export function sourceConfig(overrides: Partial<EngineConfig> = {}): EngineConfig {
  return {
    resourcesDir: path.join(REPO_ROOT, 'resources'),
    workspaceDir: defaultWorkspaceDir(),
    appVersion: process.env.npm_package_version ?? readVersion(),
    runtime: 'node',
    appRoot: REPO_ROOT,
    ...overrides
  }
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version?: unknown }
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0'
  } catch {
    return '0.0.0'
  }
}
