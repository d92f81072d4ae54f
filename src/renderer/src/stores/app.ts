// App store: version, runtime, transport and capabilities shown in the shell, and the engine's last crash (desktop).
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo } from '../../../shared/contract/operations'
import type { EngineCrash } from '../../../preload/index.d'
import type { WorkbenchErrorData } from '../../../shared/contract/errors'
import { toErrorData } from '../../../shared/contract/errors'
import { transportKind, useApi } from '../api/transport'
import { useDesktop } from '../composables/useDesktop'

export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null)
  const error = ref<WorkbenchErrorData | null>(null)
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
    try {
      info.value = await useApi().invoke('app.info', {})
      error.value = null
    } catch (err) {
      error.value = toErrorData(err)
    }
  }

  return { info, error, transport, engineCrash, load }
})
