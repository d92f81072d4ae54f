// App store: version, runtime, transport and capabilities shown in the shell.
import { defineStore } from 'pinia'
import type { AppInfo } from '../../../shared/contract/operations'
import { useApi, transportKind } from '../api/transport'
import { useCall } from '../composables/useCall'

export const useAppStore = defineStore('app', () => {
  const call = useCall<AppInfo>()
  const transport = transportKind()

  async function load(): Promise<void> {
    await call.run(() => useApi().invoke('app.info', {}))
  }

  return { info: call.result, error: call.error, transport, load }
})
