// Debounced watcher: runs `effect` once the source has been still for `ms` (live previews while typing).
import { onBeforeUnmount, watch, type WatchSource } from 'vue'

/** Call `effect` with the latest value of `source`, `ms` after it last changed (and once at the start). */
export function useDebounced<T>(source: WatchSource<T>, effect: (value: T) => void, ms = 350): void {
  let timer: ReturnType<typeof setTimeout> | null = null
  const stop = watch(
    source,
    (value) => {
      if (timer) clearTimeout(timer)
      timer = setTimeout(() => effect(value), ms)
    },
    { immediate: true, deep: true }
  )
  onBeforeUnmount(() => {
    stop()
    if (timer) clearTimeout(timer)
  })
}
