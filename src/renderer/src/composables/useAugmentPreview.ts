// Live augmentation preview: re-renders the K views of a sample item shortly after the bank, seed or dataset changes.
import { shallowRef, onBeforeUnmount, type Ref } from 'vue'
import type { OpOutput } from '../../../shared/contract/operations'
import { invoke } from '../api/call'
import { useDebounced } from './useDebounced'
import { useCall } from './useCall'

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
  const call = useCall<OpOutput<'augment.preview'>>()

  async function refresh(s: PreviewSource): Promise<void> {
    if (!s.enabled || !s.dataset) return
    const out = await call.run((signal) => invoke('augment.preview', { dataset: s.dataset, bank: s.bank, seed: s.seed, size: 96 }, { signal }))
    // A parse error of the bank keeps the last good views on screen next to the message.
    if (out) preview.value = out
  }

  useDebounced(
    () => ({ ...source.value }),
    (s) => void refresh(s),
    ms
  )
  onBeforeUnmount(call.cancel)

  return { preview, loading: call.loading, error: call.error }
}
