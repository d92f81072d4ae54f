// App store: on the desktop it shows the engine's last crash, whether it happened before the window loaded or while it is open.
// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useAppStore } from '../../../src/renderer/src/stores/app'
import type { DesktopBridge, EngineCrash } from '../../../src/preload/index.d'
import { installFakeApi } from '../fake-api'

const crash = (at: string): EngineCrash => ({ message: 'The engine process exited with code 134; it was restarted and running operations were lost.', exitCode: 134, at })

/** A desktop bridge whose main already recorded `last`; `fire` is a crash while the window is open. */
function installDesktop(last: EngineCrash | null): { fire(c: EngineCrash): void } {
  const listeners: Array<(c: EngineCrash) => void> = []
  const desktop: DesktopBridge = { pickPath: async () => null, lastEngineCrash: async () => last, onEngineCrash: (l) => void listeners.push(l) }
  window.workbenchDesktop = desktop
  return { fire: (c) => listeners.forEach((l) => l(c)) }
}

describe('app store: engine crashes', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    installFakeApi().on('app.info', () => ({}) as never)
  })
  afterEach(() => delete window.workbenchDesktop)

  it('shows a crash main recorded before this window loaded', async () => {
    installDesktop(crash('2026-01-01T10:00:00.000Z'))
    const app = useAppStore()
    await app.load()
    await Promise.resolve()
    expect(app.engineCrash).toMatchObject({ exitCode: 134, at: '2026-01-01T10:00:00.000Z' })
  })

  it('shows a crash while the window is open, and registers its listener once over reloads', async () => {
    const desktop = installDesktop(null)
    const app = useAppStore()
    await app.load()
    await app.load()
    expect(app.engineCrash).toBeNull()
    desktop.fire(crash('2026-01-01T11:00:00.000Z'))
    expect(app.engineCrash?.at).toBe('2026-01-01T11:00:00.000Z')
  })

  it('has nothing to show in browser mode', async () => {
    const app = useAppStore()
    await app.load()
    expect(app.engineCrash).toBeNull()
  })
})
