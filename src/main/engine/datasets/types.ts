// Types shared by the dataset readers and the validator: items, dataset info, per-item issues.

/** Ground truth of one item (design doc, "Dataset manifest (v1)"). */
export type Membership = 'member' | 'nonmember' | 'unknown'

/** What an experiment uses the item for (attacks.md, "Roles of data in an experiment"). */
export type Role = 'target' | 'reference' | 'pool'

export const MEMBERSHIPS: readonly Membership[] = ['member', 'nonmember', 'unknown']
export const ROLES: readonly Role[] = ['target', 'reference', 'pool']

/** One (image, caption) pair as a reader yields it. */
export interface Item {
  id: string
  /**
   * Absolute path of the image file (may not exist; `validateDataset` checks); for a webdataset item
   * the tar shard, with `member` naming the file inside it; '' for embedding-only datasets. Read the
   * bytes with `readItemImage`, name them with `imageLabel`.
   */
  imagePath: string
  /** The image is this entry of the tar archive `imagePath`. */
  member?: { name: string; offset: number; size: number }
  /** Hugging Face parquet datasets: the image is the `bytes` of struct column `column` at `row` of the shard `imagePath`. */
  parquetCell?: { row: number; column: string }
  /** Embedding-only datasets: the row of the item's precomputed image and text embeddings. */
  vectors?: { shard: number; row: number }
  caption: string
  membership: Membership
  role: Role
  /** ISO 8601 date or date-time exactly as written in the manifest. */
  timestamp?: string
  /** Every manifest column / JSON key that is not a known field, as text; used for slices. */
  metadata: Record<string, string>
  /**
   * The image lies outside the dataset folder (absolute path or `..`), judged lexically. Allowed
   * for local files the user chose; browser mode must never serve such a path (issue 9).
   */
  escapesRoot: boolean
  /** 1-based line of the manifest where the item's record starts (manifest datasets only). */
  line?: number
}

/** How a dataset is stored; `clip-retrieval` holds embeddings, no images. */
export type DatasetKind = 'manifest-csv' | 'manifest-jsonl' | 'folder' | 'coco' | 'img2dataset' | 'webdataset' | 'clip-retrieval' | 'hf-parquet'

/** Where a dataset came from and what identifies its content. */
export interface DatasetInfo {
  name: string
  description: string
  /** Licence or attribution text from dataset.json ('' when none is given). */
  license: string
  /** Absolute dataset folder: image paths are judged against it for `escapesRoot`. */
  root: string
  /** Absolute manifest path; the captions JSON for COCO; for an image folder or img2dataset output, the folder itself. */
  manifestPath: string
  kind: DatasetKind
  /**
   * sha256 hex identifying the dataset's listing. Manifest: the manifest file's bytes. Folder:
   * the sorted item list (relative path, image byte size, caption text hash) plus labels.csv
   * bytes — content, not mtimes, so a copied folder keeps its hash. COCO: the captions JSON's
   * bytes, labels.csv and the dataset.json rule. img2dataset: the key listing (file names, image
   * size, caption and JSON content hashes), labels.csv and the rule. Image bytes are not included
   * (the store keys images by their own content hash).
   */
  hash: string
  /** Embedding-only datasets: the precomputed vectors' size, the model that made them (dataset.json `model`), parts. */
  embeddings?: { dim: number; model: string | null; parts: number }
}

/** Precomputed image and text embeddings of an embedding-only dataset, read by item. */
export interface VectorSource {
  dim: number
  /** The model that produced them, as dataset.json names it; null when it does not. */
  model: string | null
  /** Image and text vectors of `items` (each with `vectors`), row-major n × dim, as stored (not normalised). */
  read(items: ReadonlyArray<Pick<Item, 'id' | 'vectors'>>): Promise<{ image: Float32Array; text: Float32Array }>
}

/** Machine-readable issue codes; the UI and CLI branch on these, never on message text. */
export type IssueCode =
  // reader, errors (the item is unusable)
  | 'column-count'
  | 'bad-quote'
  | 'bad-json'
  | 'missing-field'
  | 'missing-id'
  | 'missing-image-path'
  | 'remote-image'
  | 'bad-membership'
  | 'bad-role'
  | 'bad-timestamp'
  | 'duplicate-id'
  | 'unknown-image'
  | 'download-failed'
  | 'corrupt-archive'
  | 'symlink-loop'
  // reader, warnings
  | 'path-escapes-root'
  | 'missing-caption'
  | 'label-without-image'
  // validator, errors
  | 'missing-file'
  | 'not-a-file'
  | 'unreadable-file'
  | 'zero-byte-file'
  | 'corrupt-image'
  // validator, warnings
  | 'duplicate-content'
  | 'empty-caption'
  | 'caption-too-long'
  | 'caption-not-utf8'

/**
 * One problem with one item. `error`: runs skip the item (and list it); `warning`: the item is
 * used, the user should know.
 */
export interface DatasetIssue {
  /** The item id, or `line N` when the record has no usable id. */
  itemId: string
  line?: number
  severity: 'error' | 'warning'
  code: IssueCode
  message: string
  hint: string
}

/** One record of a dataset: the item when one could be built, and its reader-level issues. */
export interface DatasetRecord {
  item?: Item
  line?: number
  issues: DatasetIssue[]
}

/** Options for iterating a dataset. */
export interface IterateOptions {
  signal?: AbortSignal
}

/** Options for `items()`: without `onIssue`, the first error throws a `bad-dataset` WorkbenchError. */
export interface ItemsOptions extends IterateOptions {
  /** Receives every issue; items with errors are then skipped instead of throwing. */
  onIssue?: (issue: DatasetIssue) => void
}

/** An opened dataset: its info and restartable streams over its records. */
export interface Dataset {
  info: DatasetInfo
  /** Usable items in dataset order (errors throw or go to `onIssue`, see ItemsOptions). */
  items(options?: ItemsOptions): AsyncIterable<Item>
  /** Every record with its reader-level issues, including unusable ones. */
  records(options?: IterateOptions): AsyncIterable<DatasetRecord>
  /** Number of records (manifest rows or image files), counted by streaming. */
  count(options?: IterateOptions): Promise<number>
  /** Embedding-only datasets (no images): their vectors. */
  vectors?: VectorSource
}
