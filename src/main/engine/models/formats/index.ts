// The registered folder layouts, in detection order: a new layout is one module plus one line here.
import { clipAsService } from './clip-as-service'
import { huggingface } from './huggingface'
import { openclip } from './openclip'
import { siglip, siglip2 } from './siglip'
import type { FormatId, ModelFormat } from './types'

export type { FormatConfigs, FormatId, ModelFormat, PreprocessOrder, TowerNames } from './types'

/** Most specific first (SigLIP shares Hugging Face's file names; config.json tells it apart); Hugging Face last, as its loose onnx/ matching also explains empty folders. */
export const FORMATS: readonly ModelFormat[] = [openclip, clipAsService, siglip2, siglip, huggingface]

/** The layout of `dir` (Hugging Face when nothing matches, so its error explains what is missing). */
export async function detectFormat(dir: string): Promise<ModelFormat> {
  for (const f of FORMATS) if (await f.detect(dir)) return f
  return huggingface
}

/** A registered format by id. */
export function formatById(id: FormatId): ModelFormat {
  return FORMATS.find((f) => f.id === id) ?? huggingface
}
