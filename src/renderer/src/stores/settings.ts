// Settings store: the run settings a user keeps between experiments (issue 19: the execution provider), kept in this
// browser's localStorage so the New experiment form and the status bar start from the last choice.
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { ProviderChoiceSchema, type ProviderChoice } from '../../../shared/contract/models'

const PROVIDER_KEY = 'mia.provider'

/** The stored provider, or null when none (or something the contract no longer knows) is stored. */
function storedProvider(): ProviderChoice | null {
  try {
    const parsed = ProviderChoiceSchema.safeParse(globalThis.localStorage?.getItem(PROVIDER_KEY))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

export const useSettingsStore = defineStore('settings', () => {
  const stored = storedProvider()
  /** The provider new experiments ask for; each run records it and what really ran. */
  const provider = ref<ProviderChoice>(stored ?? 'auto')
  /** Whether the user chose it (stored); until then it follows the engine's own default (`adoptEngineDefault`). */
  let chosen = stored !== null
  let adopting = false
  // Synchronous, so that an adopted default (below) is told apart from a user's choice.
  watch(
    provider,
    (p) => {
      if (adopting) return
      chosen = true
      try {
        globalThis.localStorage?.setItem(PROVIDER_KEY, p)
      } catch {
        // Storage refused (private mode, quota): the choice still holds for this session.
      }
    },
    { flush: 'sync' }
  )
  /** Start from the provider the engine was started with (`mia --provider webgpu serve`), unless the user chose one. */
  function adoptEngineDefault(p: ProviderChoice): void {
    if (chosen || p === provider.value) return
    adopting = true
    provider.value = p
    adopting = false
  }
  return { provider, adoptEngineDefault }
})
