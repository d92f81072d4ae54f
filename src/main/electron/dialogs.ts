// Native file pickers: a model folder, a dataset folder or a dataset manifest file.
import { dialog, type BrowserWindow, type OpenDialogOptions } from 'electron'

/** What the renderer may ask to pick (mirrors PickPurpose in src/preload/index.d.ts). */
export const PICK_PURPOSES = ['model', 'dataset-folder', 'dataset-manifest'] as const
export type PickPurpose = (typeof PICK_PURPOSES)[number]

const OPTIONS: Record<PickPurpose, OpenDialogOptions> = {
  model: { title: 'Add a model folder (Hugging Face ONNX layout)', properties: ['openDirectory'] },
  'dataset-folder': { title: 'Import an image folder (images with .txt captions, or a dataset.json)', properties: ['openDirectory'] },
  'dataset-manifest': {
    title: 'Import a dataset manifest',
    properties: ['openFile'],
    filters: [
      { name: 'Manifests', extensions: ['json', 'csv', 'jsonl'] },
      { name: 'All files', extensions: ['*'] }
    ]
  }
}

/** Show the picker for `purpose` on `win`; the chosen path, or null when cancelled. */
export async function pickPath(win: BrowserWindow, purpose: PickPurpose): Promise<string | null> {
  const result = await dialog.showOpenDialog(win, OPTIONS[purpose])
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]
}
