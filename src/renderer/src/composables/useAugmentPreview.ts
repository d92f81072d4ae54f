// Live augmentation preview: re-renders the K views of a sample item shortly after the bank, seed or dataset changes.
import { ref, shallowRef, onBeforeUnmount, type Ref } from 'vue'
import type { OpOutput } from '../../../shared/contract/operations'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'
import { invoke } from '../api/call'
import { useDebounced } from './useDebounced'

/** What the preview depends on; `enabled` false leaves the last preview as it was and asks nothing. */
export interface PreviewSource {
  enabled: boolean
  dataset: string
  bank: string
  seed: number
}

/** Preview state following `source` (debounced); a newer request cancels an older one still rendering. */
export function useAugmentPreview(source: Ref<PreviewSource>, ms = 400) {
  const preview = shallowRef<OpOutput<'augment.preview'> | null>(null)
  const loading = ref(false)
  const error = ref<WorkbenchErrorData | null>(null)
  let controller: AbortController | null = null

  async function refresh(s: PreviewSource): Promise<void> {
    if (!s.enabled || !s.dataset) return
    controller?.abort()
    const mine = new AbortController()
    controller = mine
    loading.value = true
    try {
      const out = await invoke('augment.preview', { dataset: s.dataset, bank: s.bank, seed: s.seed, size: 96 }, { signal: mine.signal })
      if (controller !== mine) return
      preview.value = out
      error.value = null
    } catch (err) {
      const data = toErrorData(err)
      // A parse error of the bank keeps the last good views on screen next to the message.
      if (controller === mine && data.code !== 'cancelled') error.value = data
    } finally {
      if (controller === mine) {
        loading.value = false
        controller = null
      }
    }
  }

  useDebounced(() => ({ ...source.value }), (s) => void refresh(s), ms)
  onBeforeUnmount(() => controller?.abort())

  return { preview, loading, error }
}
