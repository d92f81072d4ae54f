// Declares window.workbench (exactly the contract's WorkbenchApi) and window.workbenchDesktop (native dialogs); both Electron-only.
import type { WorkbenchApi } from '../shared/contract/api'

/** What the user is picking: a model folder, or a dataset (a manifest file or an image folder). */
export type PickPurpose = 'model' | 'dataset-folder' | 'dataset-manifest'

/** Native abilities only the desktop app has; the renderer feature-detects them. */
export interface DesktopBridge {
  /** Open a native picker; resolves with the chosen absolute path, or null when the user cancels. */
  pickPath(purpose: PickPurpose): Promise<string | null>
}

declare global {
  interface Window {
    workbench?: WorkbenchApi
    workbenchDesktop?: DesktopBridge
  }
}

export {}
