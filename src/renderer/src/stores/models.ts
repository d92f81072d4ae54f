// Models store: the model list from the engine, adding and forgetting model folders, and their errors.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ModelInfo } from '../../../shared/contract/models'
import type { WorkbenchErrorData } from '../../../shared/contract/errors'
import type { OpOutput } from '../../../shared/contract/operations'
import { invoke } from '../api/call'
import { useCall } from '../composables/useCall'

export const useModelsStore = defineStore('models', () => {
  const models = ref<ModelInfo[]>([])
  const hint = ref<string | null>(null)
  const loaded = ref(false)
  const error = ref<WorkbenchErrorData | null>(null)
  const list = useCall<OpOutput<'models.list'>>({ error })
  const adding = useCall<ModelInfo>({ mode: 'each', error })
  const removing = useCall<unknown>({ mode: 'each', error })

  async function load(): Promise<void> {
    const out = await list.run((signal) => invoke('models.list', {}, { signal }))
    if (!out) return
    models.value = out.models
    hint.value = out.hint
    loaded.value = true
  }

  /** Register a model folder; the engine describes it (errors included) and the list is refreshed. */
  async function add(path: string): Promise<ModelInfo | null> {
    const info = await adding.run(() => invoke('models.add', { path }))
    if (info) await load()
    return info ?? null
  }

  /** Forget a user-added model folder. */
  async function remove(path: string): Promise<void> {
    if (await removing.run(() => invoke('models.remove', { path }))) models.value = models.value.filter((m) => m.path !== path)
  }

  /** Load once; screens that only need names call this. */
  async function ensure(): Promise<void> {
    if (!loaded.value && !list.loading.value) await load()
  }

  return { models, hint, loading: list.loading, loaded, adding: adding.loading, error, load, add, remove, ensure }
})
