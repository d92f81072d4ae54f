// Public surface of the augment module: canonical specs, seeded views and previews.
export { type RgbImage, assertRgbImage, createRgbImage } from './image'
export {
  AUG_VERSION,
  DEFAULT_BANK_TEXT,
  TRANSFORM_NAMES,
  type AugBank,
  type AugTransform,
  type BankEntry,
  type Range,
  type TransformName,
  defaultBank,
  formatBank,
  formatTransform,
  parseBank,
  parseTransform,
  viewCount,
  viewSpec,
  viewTransform
} from './spec'
export { applyTransform, applyView } from './bank'
export { type PreviewOptions, type ViewPreview, previewViews } from './preview'
