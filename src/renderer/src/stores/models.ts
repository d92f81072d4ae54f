// Models store: the model list from the engine and its loading state.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ModelInfo } from '../../../shared/contract/models'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'
import { useApi } from '../api/transport'

export const useModelsStore = defineStore('models', () => {
  const models = ref<ModelInfo[]>([])
  const hint = ref<string | null>(null)
  const loading = ref(false)
  const error = ref<WorkbenchErrorData | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    try {
      const out = await useApi().invoke('models.list', {})
      models.value = out.models
      hint.value = out.hint
      error.value = null
    } catch (err) {
      error.value = toErrorData(err)
    } finally {
      loading.value = false
    }
  }

  return { models, hint, loading, error, load }
})
