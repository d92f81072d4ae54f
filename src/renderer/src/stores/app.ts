// App store: version, runtime, transport and capabilities shown in the shell, and the engine's last crash (desktop).
import { defineStore } from 'pinia'
import type { AppInfo } from '../../../shared/contract/operations'
import { ref } from 'vue'
import type { EngineCrash } from '../../../preload/index.d'
import { transportKind, useApi } from '../api/transport'
import { useCall } from '../composables/useCall'
import { useDesktop } from '../composables/useDesktop'
import { useSettingsStore } from './settings'

export const useAppStore = defineStore('app', () => {
  const call = useCall<AppInfo>()
  const transport = transportKind()
  /** The engine process's last crash (desktop only): main restarted it and the calls it held were rejected. */
  const engineCrash = ref<EngineCrash | null>(null)

  let watching = false
  function watchEngine(): void {
    const desktop = useDesktop()
    if (!desktop || watching) return
    watching = true
    desktop.onEngineCrash((crash) => (engineCrash.value = crash))
    void desktop.lastEngineCrash().then((crash) => (engineCrash.value ??= crash))
  }

  async function load(): Promise<void> {
    watchEngine()
    const info = await call.run(() => useApi().invoke('app.info', {}))
    if (info?.defaultProvider) useSettingsStore().adoptEngineDefault(info.defaultProvider)
  }

  return { info: call.result, error: call.error, transport, engineCrash, load }
})
