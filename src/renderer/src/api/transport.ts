// Picks the transport: window.workbench in Electron (preload), HTTP + SSE in browser mode. One WorkbenchApi either way.
import type { WorkbenchApi } from '../../../shared/contract/api'
import { createHttpClient } from './http-client'

let api: WorkbenchApi | null = null

/** Which transport the renderer talks through. */
export function transportKind(): 'electron' | 'http' {
  return typeof window !== 'undefined' && window.workbench ? 'electron' : 'http'
}

/** The API for this renderer. */
export function useApi(): WorkbenchApi {
  api ??= transportKind() === 'electron' ? window.workbench! : createHttpClient()
  return api
}

/** Replace the API (component tests). */
export function setApi(value: WorkbenchApi | null): void {
  api = value
}
