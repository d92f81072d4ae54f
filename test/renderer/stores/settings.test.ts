// Settings store: the provider new experiments ask for starts from the engine's own default (`mia --provider … serve`)
// until the user chooses one, and a user's choice (stored) always wins over it.
// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { useSettingsStore } from '../../../src/renderer/src/stores/settings'
import { useAppStore } from '../../../src/renderer/src/stores/app'
import { installFakeApi } from '../fake-api'

describe('settings store: provider', () => {
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
  })

  it('follows the engine default while nothing was chosen, without storing it', () => {
    const settings = useSettingsStore()
    expect(settings.provider).toBe('auto')
    settings.adoptEngineDefault('webgpu')
    expect(settings.provider).toBe('webgpu')
    expect(localStorage.getItem('mia.provider')).toBeNull()
    settings.adoptEngineDefault('cpu') // a restarted engine with another default
    expect(settings.provider).toBe('cpu')
  })

  it("keeps the user's choice, made here or stored earlier", () => {
    const settings = useSettingsStore()
    settings.provider = 'cpu'
    settings.adoptEngineDefault('webgpu')
    expect(settings.provider).toBe('cpu')
    expect(localStorage.getItem('mia.provider')).toBe('cpu')

    setActivePinia(createPinia())
    const reopened = useSettingsStore()
    reopened.adoptEngineDefault('webgpu')
    expect(reopened.provider).toBe('cpu')
  })

  it("takes app.info's defaultProvider when the app store loads", async () => {
    installFakeApi().on('app.info', () => ({ defaultProvider: 'webgpu' }) as never)
    await useAppStore().load()
    expect(useSettingsStore().provider).toBe('webgpu')
  })
})
