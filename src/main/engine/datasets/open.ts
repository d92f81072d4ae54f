// openDataset: decides what a path is (manifest, COCO captions, img2dataset output, tar shards, image folder) and opens it.
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'
import { isClipRetrievalFolder, openClipRetrieval } from './clip-retrieval'
import { isHfParquetFolder, openHfParquet } from './hf-parquet'
import { cocoRoot, findCocoJson, openCoco } from './coco'
import { countFolder, folderHash, folderRecords } from './folder'
import { LABELS_FILE, readLabels } from './labels-file'
import { DATASET_JSON, exists, folderInfo, licenseText, readDatasetJson, toDataset } from './descriptor'
import type { DatasetJson } from './descriptor'
import { sha256File } from './hash'
import { isImg2datasetFolder, openImg2dataset } from './img2dataset'
import { countManifest, manifestKindOf, manifestRecords } from './manifest'
import type { ManifestSource } from './manifest'
import type { Dataset, DatasetInfo } from './types'
import { isWebdatasetFolder, openWebdataset } from './webdataset'
import { assertRegularFile } from './safe-read'

/** Manifest names looked for, in order, when dataset.json does not name one. */
export const DEFAULT_MANIFESTS = ['manifest.csv', 'manifest.jsonl'] as const

async function openManifest(file: string, root: string, meta: DatasetJson | undefined, signal?: AbortSignal): Promise<Dataset> {
  const kind = manifestKindOf(file)
  if (!kind)
    throw new WorkbenchError({
      code: 'bad-dataset',
      item: file,
      message: `${file} is not a manifest: expected a .csv or .jsonl file.`,
      hint: 'Give a CSV (with header) or JSON Lines manifest, or a folder of images.'
    })
  if (!(await exists(file)))
    throw new WorkbenchError({ code: 'not-found', item: file, message: `The manifest ${file} does not exist.`, hint: `Check the "manifest" entry of ${DATASET_JSON}, or add the file.` })
  await assertRegularFile(file)
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
  return toDataset(
    info,
    (o) => manifestRecords(src, o),
    (o) => countManifest(src, o)
  )
}

async function openFolder(root: string, meta: DatasetJson | undefined, signal?: AbortSignal): Promise<Dataset> {
  const labelsFile = path.join(root, LABELS_FILE)
  const labels = (await exists(labelsFile)) ? await readLabels(labelsFile) : undefined
  const info: DatasetInfo = {
    ...folderInfo(root, meta),
    manifestPath: root,
    kind: 'folder',
    hash: await folderHash(root, signal)
  }
  return toDataset(
    info,
    (o) => folderRecords(root, labels, o),
    (o) => countFolder(root, o)
  )
}

/** Open a COCO folder: the captions file dataset.json names, else the one `findCocoJson` finds. */
async function openCocoFolder(root: string, meta: DatasetJson | undefined, signal?: AbortSignal): Promise<Dataset> {
  const file = meta?.annotations ? path.resolve(root, meta.annotations) : await findCocoJson(root)
  if (!file)
    throw new WorkbenchError({
      code: 'bad-dataset',
      item: root,
      message: `${root} is marked as COCO in ${DATASET_JSON} but holds no captions file (annotations/captions_*.json).`,
      hint: `Name the file in ${DATASET_JSON}: {"format": "coco", "annotations": "annotations/captions_val2017.json"}.`
    })
  return openCoco(file, root, meta, signal)
}

/**
 * Open a dataset. A file: `.tar` → one webdataset shard; `.json` → COCO captions (root = its folder, or the parent of an
 * `annotations/` folder); `dataset.json` → its folder; else a manifest (.csv/.jsonl; a dataset.json
 * beside it supplies name and licence). A folder, first rule that applies: dataset.json `format`
 * (coco, img2dataset); dataset.json `manifest`; manifest.csv / manifest.jsonl; a COCO captions
 * file (see `findCocoJson`); img2dataset shard folders (see `isImg2datasetFolder`); else a plain
 * folder with `.tar` shards (webdataset); clip-retrieval output (`img_emb/` + `metadata/`); else a plain folder of images with .txt captions. Hashing reads the listing once; items are streamed later.
 */
export async function openDataset(pathOrDir: string, options: { signal?: AbortSignal } = {}): Promise<Dataset> {
  const abs = path.resolve(pathOrDir)
  const { signal } = options
  const st = await stat(abs).catch(() => undefined)
  if (!st)
    throw new WorkbenchError({
      code: 'not-found',
      item: abs,
      message: `No dataset at ${abs}: the path does not exist.`,
      hint: 'Give a dataset folder, a manifest file (.csv, .jsonl) or a COCO captions file (.json).'
    })
  if (!st.isFile() && !st.isDirectory()) await assertRegularFile(abs)
  if (st.isFile() && path.basename(abs) === DATASET_JSON) return openDataset(path.dirname(abs), options)
  if (st.isFile() && path.extname(abs).toLowerCase() === '.json') return openCoco(abs, cocoRoot(abs), await readDatasetJson(cocoRoot(abs)), signal)
  // One webdataset shard: read as a one-shard webdataset, with the labels.csv and dataset.json of its folder.
  if (st.isFile() && path.extname(abs).toLowerCase() === '.tar') return openWebdataset(path.dirname(abs), await readDatasetJson(path.dirname(abs)), signal, [path.basename(abs)])
  if (st.isFile()) return openManifest(abs, path.dirname(abs), await readDatasetJson(path.dirname(abs)), signal)
  const meta = await readDatasetJson(abs)
  if (meta?.format === 'coco') return openCocoFolder(abs, meta, signal)
  if (meta?.format === 'img2dataset') return openImg2dataset(abs, meta, signal)
  if (meta?.format === 'webdataset') return openWebdataset(abs, meta, signal)
  if (meta?.format === 'clip-retrieval') return openClipRetrieval(abs, meta, signal)
  if (meta?.format === 'hf-parquet') return openHfParquet(abs, meta, signal)
  if (meta?.manifest) return openManifest(path.resolve(abs, meta.manifest), abs, meta, signal)
  for (const name of DEFAULT_MANIFESTS) {
    if (await exists(path.join(abs, name))) return openManifest(path.join(abs, name), abs, meta, signal)
  }
  const coco = await findCocoJson(abs)
  if (coco) return openCoco(coco, abs, meta, signal)
  if (await isImg2datasetFolder(abs)) return openImg2dataset(abs, meta, signal)
  if (await isWebdatasetFolder(abs)) return openWebdataset(abs, meta, signal)
  if (await isClipRetrievalFolder(abs)) return openClipRetrieval(abs, meta, signal)
  if (await isHfParquetFolder(abs)) return openHfParquet(abs, meta, signal)
  return openFolder(abs, meta, signal)
}
