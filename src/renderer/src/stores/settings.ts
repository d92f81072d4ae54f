// Settings store: the run settings a user keeps between experiments (issue 19: the execution provider), kept in this
// browser's localStorage so the New experiment form and the status bar start from the last choice.
import { defineStore } from 'pinia'
import { ref, watch } from 'vue'
import { ProviderChoiceSchema, type ProviderChoice } from '../../../shared/contract/models'

const PROVIDER_KEY = 'mia.provider'

/** The stored provider, or `auto` when none (or something the contract no longer knows) is stored. */
function storedProvider(): ProviderChoice {
  try {
    const parsed = ProviderChoiceSchema.safeParse(globalThis.localStorage?.getItem(PROVIDER_KEY))
    return parsed.success ? parsed.data : 'auto'
  } catch {
    return 'auto'
  }
}

export const useSettingsStore = defineStore('settings', () => {
  /** The provider new experiments ask for; each run records it and what really ran. */
  const provider = ref<ProviderChoice>(storedProvider())
  watch(provider, (p) => {
    try {
      globalThis.localStorage?.setItem(PROVIDER_KEY, p)
    } catch {
      // Storage refused (private mode, quota): the choice still holds for this session.
    }
  })
  return { provider }
})
