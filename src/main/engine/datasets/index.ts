// Public surface of datasets: open manifests, COCO captions, img2dataset output and image folders as item streams, validate them, hash content.
export { openDataset, DEFAULT_MANIFESTS } from './open'
export { DATASET_JSON } from './descriptor'
export { MAX_COCO_JSON_BYTES } from './coco'
export { validateDataset, DEFAULT_CONTEXT_LENGTH, DEFAULT_MAX_CAPTION_CHARS } from './validate'
export type { ValidateOptions, ValidationReport } from './validate'
export { checkImageBytes, DEFAULT_MAX_PIXELS } from './image-check'
export { imageLabel, imageRef, imageStamp, readImageRef, imageRefStamp, readItemImage } from './image-source'
export { DataFileError, readRegularFile, realPathInside } from './safe-read'
export { sha256File, sha256Bytes, sha256Text, captionHash, imageHash } from './hash'
export { IMAGE_EXTENSIONS } from './folder'
export { LABELS_FILE } from './labels-file'
export { MEMBERSHIPS, ROLES } from './types'
export type {
  Dataset,
  DatasetInfo,
  DatasetIssue,
  DatasetRecord,
  IssueCode,
  Item,
  ItemsOptions,
  IterateOptions,
  Membership,
  Role,
  VectorSource
} from './types'
export { thumbnailDataUrl } from './thumbnail'
