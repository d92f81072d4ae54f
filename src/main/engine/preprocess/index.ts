// Public surface of the preprocessing module: image decode/preprocess with PIL/HF semantics and caption tokenization.

export { CLIP_IMAGE_DEFAULTS, readPreprocessorConfig } from './image-config'
export type { ImagePreprocessConfig } from './image-config'
export { DEFAULT_MAX_PIXELS, decodeImage } from './image-decode'
export type { DecodedImage, DecodeOptions } from './image-decode'
export { preprocessGeometry, preprocessImage, preprocessInto, resizeAndCrop, resizeOutputSize } from './image'
export type { PreprocessGeometry, RgbImage } from './image'
export { PIL_RESAMPLE } from './pil-resample'
export { loadTokenizer, tokenize } from './text'
export type { CaptionTokenizer, LoadTokenizerOptions, TokenizedBatch } from './text'
