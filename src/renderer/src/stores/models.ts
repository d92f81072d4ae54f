// Models store: the model list from the engine, adding and forgetting model folders, and their errors.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ModelInfo } from '../../../shared/contract/models'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'
import { invoke } from '../api/call'

export const useModelsStore = defineStore('models', () => {
  const models = ref<ModelInfo[]>([])
  const hint = ref<string | null>(null)
  const loading = ref(false)
  const loaded = ref(false)
  const adding = ref(false)
  const error = ref<WorkbenchErrorData | null>(null)

  async function load(): Promise<void> {
    loading.value = true
    try {
      const out = await invoke('models.list', {})
      models.value = out.models
      hint.value = out.hint
      loaded.value = true
      error.value = null
    } catch (err) {
      error.value = toErrorData(err)
    } finally {
      loading.value = false
    }
  }

  /** Register a model folder; the engine describes it (errors included) and the list is refreshed. */
  async function add(path: string): Promise<ModelInfo | null> {
    adding.value = true
    try {
      const info = await invoke('models.add', { path })
      error.value = null
      await load()
      return info
    } catch (err) {
      error.value = toErrorData(err)
      return null
    } finally {
      adding.value = false
    }
  }

  /** Forget a user-added model folder. */
  async function remove(path: string): Promise<void> {
    try {
      await invoke('models.remove', { path })
      models.value = models.value.filter((m) => m.path !== path)
      error.value = null
    } catch (err) {
      error.value = toErrorData(err)
    }
  }

  /** Load once; screens that only need names call this. */
  async function ensure(): Promise<void> {
    if (!loaded.value && !loading.value) await load()
  }

  return { models, hint, loading, loaded, adding, error, load, add, remove, ensure }
})
