// The window's security settings (issue 9 checklist), checked against a recording stand-in for Electron's API:
// the binary is absent here, but the options the code passes to Electron are not.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../../src/shared/csp'

const calls = vi.hoisted(() => ({
  options: null as Record<string, unknown> | null,
  handlers: {} as Record<string, (...a: unknown[]) => unknown>,
  openExternal: [] as string[],
  headers: null as ((details: unknown, cb: (r: unknown) => void) => void) | null,
  permission: null as ((wc: unknown, p: string, cb: (ok: boolean) => void) => void) | null
}))

vi.mock('electron', () => {
  class BrowserWindow {
    webContents = {
      on: (event: string, fn: (...a: unknown[]) => unknown) => (calls.handlers[event] = fn),
      setWindowOpenHandler: (fn: (...a: unknown[]) => unknown) => (calls.handlers['window-open'] = fn)
    }
    constructor(options: Record<string, unknown>) {
      calls.options = options
    }
    once(): void {}
    loadFile(): Promise<void> {
      return Promise.resolve()
    }
    loadURL(): Promise<void> {
      return Promise.resolve()
    }
  }
  return {
    BrowserWindow,
    shell: { openExternal: (url: string) => calls.openExternal.push(url) },
    session: {
      defaultSession: {
        webRequest: { onHeadersReceived: (fn: typeof calls.headers) => (calls.headers = fn) },
        setPermissionRequestHandler: (fn: typeof calls.permission) => (calls.permission = fn)
      }
    }
  }
})

describe('main window security', () => {
  beforeEach(async () => {
    calls.openExternal = []
    const { createMainWindow } = await import('../../../src/main/electron/window')
    createMainWindow()
  })

  it('isolates and sandboxes the renderer without Node integration', () => {
    expect(calls.options?.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, allowRunningInsecureContent: false })
  })

  it('sets a strict CSP on every response and denies every permission request', () => {
    let headers: Record<string, string[]> = {}
    calls.headers!({ responseHeaders: {} }, (r) => (headers = (r as { responseHeaders: Record<string, string[]> }).responseHeaders))
    const csp = headers['Content-Security-Policy'][0]
    expect(csp).toBe(CONTENT_SECURITY_POLICY)
    expect(csp).toMatch(/default-src 'self'/)
    expect(csp).toMatch(/script-src 'self';/)
    expect(csp).toMatch(/object-src 'none'/)
    expect(csp).toMatch(/frame-ancestors 'none'/)
    let granted: boolean | null = null
    calls.permission!(null, 'media', (ok) => (granted = ok))
    expect(granted).toBe(false)
  })

  it('blocks navigation and new windows; only clicked http(s) links go to the system browser', () => {
    let prevented = false
    calls.handlers['will-navigate']({ preventDefault: () => (prevented = true) }, 'https://evil.example')
    expect(prevented).toBe(true)
    expect(calls.handlers['window-open']({ url: 'https://arxiv.org/abs/2310.00108' })).toEqual({ action: 'deny' })
    expect(calls.handlers['window-open']({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' })
    expect(calls.handlers['window-open']({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' })
    expect(calls.openExternal).toEqual(['https://arxiv.org/abs/2310.00108'])
  })
})
