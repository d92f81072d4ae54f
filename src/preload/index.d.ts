// Declares window.workbench (exactly the contract's WorkbenchApi) and window.workbenchDesktop (native dialogs, engine crashes); both Electron-only.
import type { WorkbenchApi } from '../shared/contract/api'

/** What the user is picking: a model folder, or a dataset (a manifest file or an image folder). */
export type PickPurpose = 'model' | 'dataset-folder' | 'dataset-manifest'

/** The last time the engine process died: main restarts it and rejects the calls that were running. */
export interface EngineCrash {
  /** What happened, in a sentence the UI shows as it is. */
  message: string
  /** The process's exit code. */
  exitCode: number
  /** When main saw it exit (ISO 8601). */
  at: string
}

/** Native abilities only the desktop app has; the renderer feature-detects them. */
export interface DesktopBridge {
  /** Open a native picker; resolves with the chosen absolute path, or null when the user cancels. */
  pickPath(purpose: PickPurpose): Promise<string | null>
  /** The engine's last crash since the app started, or null (also after the window reloads). */
  lastEngineCrash(): Promise<EngineCrash | null>
  /** Called when the engine crashes while this window is open (after its running calls were rejected). */
  onEngineCrash(listener: (crash: EngineCrash) => void): void
}

declare global {
  interface Window {
    workbench?: WorkbenchApi
    workbenchDesktop?: DesktopBridge
  }
}

export {}
