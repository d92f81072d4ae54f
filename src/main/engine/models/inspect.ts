// The inspection view of a model folder (models.inspect, the Models screen): description plus towers, preprocessing, tokenizer.
import path from 'node:path'
import type { ModelInspection } from '../../../shared/contract/models'
import { PIL_RESAMPLE } from '../preprocess'
import type { ImagePreprocessConfig } from '../preprocess'
import type { ModelDescription } from './describe'
import { toModelInfo } from './describe'

const FILTER_NAMES = Object.fromEntries(Object.entries(PIL_RESAMPLE).map(([k, v]) => [v, k.toLowerCase()])) as Record<number, string>

function resizeText(p: ImagePreprocessConfig): string {
  if (!p.doResize) return 'none'
  if ('shortestEdge' in p.size) return `shortest edge ${p.size.shortestEdge}`
  if (p.size.fit === 'longest') return `longest side into ${p.size.height}×${p.size.width}, padded with ${p.padFill ?? 0}`
  return `squash to ${p.size.height}×${p.size.width}`
}

/** Inspection of a described folder, named `name`. */
export function toModelInspection(d: ModelDescription, name = d.name): ModelInspection {
  const p = d.preprocess
  return {
    ...toModelInfo(d, name),
    hasAttentionMask: d.hasAttentionMask,
    quantized: d.quantized,
    towers: { vision: d.towers.vision, text: d.towers.text },
    preprocessing:
      p && d.preprocessOrder
        ? {
            source: d.preprocessSource,
            order: d.preprocessOrder,
            resize: resizeText(p),
            crop: p.doCenterCrop ? `centre ${p.cropSize.height}×${p.cropSize.width}` : null,
            interpolation: FILTER_NAMES[p.resample] ?? String(p.resample),
            mean: [...p.imageMean],
            std: [...p.imageStd]
          }
        : null,
    tokenizer: d.tokenizerDir
      ? {
          file: path.relative(d.path, path.join(d.tokenizerDir, 'tokenizer.json')).split(path.sep).join('/'),
          contextLength: d.contextLength,
          ...(d.tokenizerKind ? { kind: d.tokenizerKind } : {})
        }
      : null
  }
}
