// Models store: the model list from the engine, adding, inspecting, pulling and forgetting models, and their errors.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ModelInfo, ModelInspection } from '../../../shared/contract/models'
import type { ProgressEvent } from '../../../shared/contract/events'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'
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

  /** Inspections by folder path: what `mia models inspect` shows (towers, variant, preprocessing, every problem). */
  const inspections = ref<Record<string, ModelInspection>>({})
  const inspecting = ref<string | null>(null)

  async function inspect(path: string, variant?: string): Promise<ModelInspection | null> {
    inspecting.value = path
    try {
      const out = await invoke('models.inspect', variant ? { path, variant } : { path })
      inspections.value = { ...inspections.value, [path]: out }
      return out
    } catch (err) {
      error.value = toErrorData(err)
      return null
    } finally {
      inspecting.value = null
    }
  }

  /** Pull a hub repo into the Hugging Face cache (byte progress in `pullProgress`); the list then shows it. */
  const pulling = ref(false)
  const pullProgress = ref<ProgressEvent | null>(null)
  const pullController = ref<AbortController | null>(null)

  async function pull(repoId: string, variant?: string): Promise<ModelInfo | null> {
    pulling.value = true
    pullProgress.value = null
    pullController.value = new AbortController()
    try {
      const info = await invoke(
        'models.pull',
        { repoId, ...(variant ? { variant } : {}) },
        { signal: pullController.value.signal, onEvent: (e) => void (e.type === 'progress' && (pullProgress.value = e)) }
      )
      error.value = null
      await load()
      return info
    } catch (err) {
      const data = toErrorData(err)
      if (data.code !== 'cancelled') error.value = data
      return null
    } finally {
      pulling.value = false
      pullController.value = null
    }
  }

  function cancelPull(): void {
    pullController.value?.abort()
  }

  /** Load once; screens that only need names call this. */
  async function ensure(): Promise<void> {
    if (!loaded.value && !list.loading.value) await load()
  }

  return { models, hint, loading: list.loading, loaded, adding: adding.loading, error, load, add, remove, ensure, inspections, inspecting, inspect, pulling, pullProgress, pull, cancelPull }
})
