// Declares window.workbench: exactly the contract's WorkbenchApi (present only in Electron).
import type { WorkbenchApi } from '../shared/contract/api'

declare global {
  interface Window {
    workbench?: WorkbenchApi
  }
}

export {}
