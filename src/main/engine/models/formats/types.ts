// What a model format (folder layout as published) tells the loader: tower files, I/O names, configs.
import type { ImagePreprocessConfig } from '../../preprocess'
import type { TowerNames, VariantFiles } from '../layout'

export type { TowerNames } from '../layout'

/** Folder layouts the workbench reads without conversion (README "Model layouts"). */
export type FormatId = 'huggingface' | 'openclip' | 'clip-as-service' | 'siglip' | 'siglip2'

/** The order of resize/crop and RGB conversion: OpenCLIP/OpenAI resize first, Hugging Face converts first. */
export type PreprocessOrder = 'huggingface' | 'openclip'

/** Preprocessing, tokenizer and size facts read from the format's config files. */
export interface FormatConfigs {
  preprocess: ImagePreprocessConfig
  /** The file the preprocessing came from (relative), or null when the format's defaults are used. */
  preprocessSource: string | null
  order: PreprocessOrder
  /** Folder (relative, '.' for the model folder) holding tokenizer.json and tokenizer_config.json. */
  tokenizerDir: string
  /** Context length from the config files (the graph wins where it fixes one). */
  contextLength: number | null
  /** Embedding size from the config files, checked against the graphs. */
  embedDim: number | null
  /** Config files that belong to the model, relative paths (fingerprinted). */
  files: string[]
  /** Things the user should know (defaults assumed, values inferred). */
  notes: string[]
  /** 'lowercase': the model was trained on lowercased captions and its tokenizer.json does not lowercase (SigLIP 2). */
  captionCase?: 'lowercase'
}

/** One registered folder layout. */
export interface ModelFormat {
  id: FormatId
  /** Human name used in messages and the README table. */
  label: string
  /** True when the folder's file names match this layout. */
  detect(dir: string): Promise<boolean>
  /** Variants found in the folder, best first; `others` are .onnx files the layout does not name. */
  variants(dir: string): Promise<{ variants: VariantFiles[]; others: string[] }>
  names: { vision: TowerNames; text: TowerNames; combined?: { vision: TowerNames; text: TowerNames } }
  /** Read and validate the config files; `graphSize` is the vision graph's static size, when it has one. */
  configs(dir: string, graphSize: number | null): Promise<FormatConfigs>
  /** How a folder of this format should look (hint of load errors). */
  hint: string
  /** The model's pairwise score: SigLIP's sigmoid(exp(t)·cos + b) (models/score-rule.ts finds t and b); default cosine. */
  pairwise?: 'sigmoid'
}
