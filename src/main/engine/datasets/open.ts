// openDataset: decides what a path is (manifest file, folder with dataset.json/manifest, image folder) and opens it.
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'
import { countFolder, folderHash, folderRecords, LABELS_FILE, readLabels } from './folder'
import { DATASET_JSON, exists, licenseText, readDatasetJson, toDataset } from './descriptor'
import type { DatasetJson } from './descriptor'
import { sha256File } from './hash'
import { countManifest, manifestKindOf, manifestRecords } from './manifest'
import type { ManifestSource } from './manifest'
import type { Dataset, DatasetInfo } from './types'

/** Manifest names looked for, in order, when dataset.json does not name one. */
export const DEFAULT_MANIFESTS = ['manifest.csv', 'manifest.jsonl'] as const

async function openManifest(file: string, root: string, meta: DatasetJson | undefined, signal?: AbortSignal): Promise<Dataset> {
  const kind = manifestKindOf(file)
  if (!kind) throw new WorkbenchError({ code: 'bad-dataset', item: file, message: `${file} is not a manifest: expected a .csv or .jsonl file.`, hint: 'Give a CSV (with header) or JSON Lines manifest, or a folder of images.' })
  if (!(await exists(file))) throw new WorkbenchError({ code: 'not-found', item: file, message: `The manifest ${file} does not exist.`, hint: `Check the "manifest" entry of ${DATASET_JSON}, or add the file.` })
  const stem = path.basename(file, path.extname(file))
  const info: DatasetInfo = {
    name: meta?.name ?? (stem === 'manifest' ? path.basename(root) : stem),
    description: meta?.description ?? '',
    license: licenseText(meta),
    root,
    manifestPath: file,
    kind,
    hash: await sha256File(file, signal)
  }
  const src: ManifestSource = { file, kind, root }
  return toDataset(info, (o) => manifestRecords(src, o), (o) => countManifest(src, o))
}

async function openFolder(root: string, meta: DatasetJson | undefined, signal?: AbortSignal): Promise<Dataset> {
  const labelsFile = path.join(root, LABELS_FILE)
  const labels = (await exists(labelsFile)) ? await readLabels(labelsFile) : undefined
  const info: DatasetInfo = {
    name: meta?.name ?? path.basename(root),
    description: meta?.description ?? '',
    license: licenseText(meta),
    root,
    manifestPath: root,
    kind: 'folder',
    hash: await folderHash(root, signal)
  }
  return toDataset(info, (o) => folderRecords(root, labels, o), (o) => countFolder(root, o))
}

/**
 * Open a dataset: a manifest file (.csv/.jsonl; its folder is the root, a dataset.json beside it
 * supplies name and licence), or a folder — with dataset.json naming the manifest, else with
 * manifest.csv / manifest.jsonl, else read as a plain folder of images with .txt captions.
 * Reads the whole manifest once to hash it; items are streamed later.
 */
export async function openDataset(pathOrDir: string, options: { signal?: AbortSignal } = {}): Promise<Dataset> {
  const abs = path.resolve(pathOrDir)
  const st = await stat(abs).catch(() => undefined)
  if (!st) throw new WorkbenchError({ code: 'not-found', item: abs, message: `No dataset at ${abs}: the path does not exist.`, hint: 'Give a dataset folder or a manifest file (.csv, .jsonl).' })
  if (st.isFile()) return openManifest(abs, path.dirname(abs), await readDatasetJson(path.dirname(abs)), options.signal)
  const meta = await readDatasetJson(abs)
  if (meta?.manifest) return openManifest(path.resolve(abs, meta.manifest), abs, meta, options.signal)
  for (const name of DEFAULT_MANIFESTS) {
    if (await exists(path.join(abs, name))) return openManifest(path.join(abs, name), abs, meta, options.signal)
  }
  return openFolder(abs, meta, options.signal)
}
