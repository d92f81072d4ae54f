// App store: version, runtime, transport and capabilities shown in the shell.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { AppInfo } from '../../../shared/contract/operations'
import type { WorkbenchErrorData } from '../../../shared/contract/errors'
import { toErrorData } from '../../../shared/contract/errors'
import { transportKind, useApi } from '../api/transport'

export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null)
  const error = ref<WorkbenchErrorData | null>(null)
  const transport = transportKind()

  async function load(): Promise<void> {
    try {
      info.value = await useApi().invoke('app.info', {})
      error.value = null
    } catch (err) {
      error.value = toErrorData(err)
    }
  }

  return { info, error, transport, load }
})
