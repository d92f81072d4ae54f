// Export: asks the engine for a figure, table, slices table, scores CSV or record, saves it via a Blob download and keeps its caption.
import { ref } from 'vue'
import type { ExportFile, FigureFormat, FigureKind, TableFormat } from '../../../shared/contract/exports'
import { invoke } from '../api/call'
import { useCall } from './useCall'

/** One export the user asked for. */
export type ExportRequest =
  | { kind: 'figure'; figure: FigureKind; format: FigureFormat; widthIn: number }
  | { kind: 'table'; format: TableFormat }
  | { kind: 'slices'; format: TableFormat }
  | { kind: 'scores' }
  | { kind: 'record' }
  /** Per-record agreement at `fpr`: the Venn (2–3 experiments) or UpSet figure, or the per-record flags as CSV. */
  | { kind: 'agreement'; format: FigureFormat | 'csv'; fpr: number; widthIn: number }

/** The bytes of an export file (base64 for binary formats). */
export function fileBytes(file: ExportFile): BlobPart {
  if (file.encoding === 'utf8') return file.data
  const raw = atob(file.data)
  const bytes = new Uint8Array(raw.length)
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i)
  return bytes
}

/** Save a file through the browser's download path (Chromium and Electron both honour `<a download>`). */
export function saveFile(file: ExportFile): void {
  const url = URL.createObjectURL(new Blob([fileBytes(file)], { type: file.mime }))
  const a = document.createElement('a')
  a.href = url
  a.download = file.fileName
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  // Revoke later: revoking at once can cancel the download before it has read the blob.
  setTimeout(() => URL.revokeObjectURL(url), 60_000)
}

/** Export state for a screen showing experiments `ids()` (Results: one, Compare: several). */
export function useExport(ids: () => string[], save: (file: ExportFile) => void = saveFile) {
  const call = useCall<ExportFile>({ mode: 'each' })
  const copied = ref(false)

  async function run(request: ExportRequest): Promise<ExportFile | null> {
    const list = ids()
    if (list.length === 0) return null
    copied.value = false
    const file = await call.run(async () => {
      if (request.kind === 'figure') return invoke('export.figure', { ids: list, figure: request.figure, format: request.format, widthIn: request.widthIn })
      if (request.kind === 'table') return invoke('export.table', { ids: list, format: request.format })
      if (request.kind === 'slices') return invoke('export.slices', { id: list[0], format: request.format })
      if (request.kind === 'scores') return invoke('export.scores', { id: list[0] })
      if (request.kind === 'agreement') return invoke('export.agreement', { ids: list, fpr: request.fpr, format: request.format, widthIn: request.widthIn })
      return invoke('export.record', { id: list[0] })
    })
    if (file) save(file)
    return file ?? null
  }

  /** Copy the provenance caption of the last export. */
  async function copyCaption(): Promise<void> {
    const last = call.result.value
    if (!last) return
    try {
      await navigator.clipboard.writeText(last.caption)
      copied.value = true
    } catch {
      // Clipboard access can be refused (permissions, no focus); the caption stays selectable on screen.
      copied.value = false
    }
  }

  return { busy: call.loading, last: call.result, error: call.error, copied, run, copyCaption }
}
