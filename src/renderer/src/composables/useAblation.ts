// The WSA pool-size ablation on the Results screen (issue 21): run it for the open experiment with progress per fit,
// cancel it, and keep its table for this session per experiment (it is seconds to minutes of fitting, not cached work).
import { onScopeDispose, ref, shallowRef } from 'vue'
import { DEFAULT_ABLATION_LAMBDAS, DEFAULT_ABLATION_SIZES, type WsaAblation } from '../../../shared/contract/ablation'
import type { ExportFile } from '../../../shared/contract/exports'
import { toErrorData, type WorkbenchErrorData } from '../../../shared/contract/errors'
import { invoke } from '../api/call'
import { saveFile } from './useExport'

/** Ablations computed in this window, by experiment id: reopening the results page shows the last one again. */
const done = new Map<string, WsaAblation>()

export interface AblationProgress {
  done: number
  total: number
  message: string
  /** Seconds left at the recent pace of fits; null until there is one. */
  etaSeconds: number | null
}

/** Run, cancel and export the ablation of experiment `id()`. */
export function useAblation(id: () => string, save: (file: ExportFile) => void = saveFile) {
  const result = shallowRef<WsaAblation | null>(done.get(id()) ?? null)
  const running = ref(false)
  const progress = ref<AblationProgress | null>(null)
  const error = ref<WorkbenchErrorData | null>(null)
  const exporting = ref(false)
  let controller: AbortController | null = null

  async function run(): Promise<void> {
    const experiment = id()
    controller?.abort()
    controller = new AbortController()
    running.value = true
    error.value = null
    progress.value = { done: 0, total: DEFAULT_ABLATION_SIZES.length * DEFAULT_ABLATION_LAMBDAS.length, message: 'Reading the cached embeddings…', etaSeconds: null }
    try {
      const out = await invoke(
        'experiments.ablation',
        { id: experiment, sizes: [...DEFAULT_ABLATION_SIZES], lambdas: [...DEFAULT_ABLATION_LAMBDAS] },
        {
          signal: controller.signal,
          onEvent: (e) => e.type === 'progress' && (progress.value = { done: e.done, total: e.total, message: e.message ?? progress.value?.message ?? '', etaSeconds: e.etaSeconds ?? null })
        }
      )
      done.set(experiment, out)
      if (id() === experiment) result.value = out
    } catch (err) {
      const data = toErrorData(err)
      if (data.code !== 'cancelled') error.value = data
    } finally {
      running.value = false
      progress.value = null
    }
  }

  function cancel(): void {
    controller?.abort()
  }

  async function exportAs(format: 'svg' | 'pdf' | 'png' | 'csv'): Promise<void> {
    if (!result.value) return
    exporting.value = true
    try {
      save(await invoke('export.ablation', { ablation: result.value, format, widthIn: 6.9 }))
    } catch (err) {
      error.value = toErrorData(err)
    } finally {
      exporting.value = false
    }
  }

  /** The experiment changed under the page: show its own last ablation, if any. */
  function reset(): void {
    controller?.abort()
    result.value = done.get(id()) ?? null
    error.value = null
  }

  // Leaving the page stops the fits: the engine would otherwise keep fitting for a table nobody reads.
  onScopeDispose(() => controller?.abort())

  return { result, running, progress, error, exporting, run, cancel, exportAs, reset }
}
