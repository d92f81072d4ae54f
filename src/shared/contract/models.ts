// Schemas of model descriptions and capabilities shared by engine, transports and renderer.
import { z } from 'zod'
import { WorkbenchErrorDataSchema } from './error-schema'

/** One file of a model folder and its size in bytes. */
export const ModelFileSchema = z.object({ path: z.string(), bytes: z.number().int().nonnegative() })

/** Folder layouts the workbench reads without conversion (README "Model layouts"). */
export const ModelFormatSchema = z.enum(['huggingface', 'openclip', 'clip-as-service', 'siglip', 'siglip2'])

/**
 * The model's own pairwise image–text score (docs/attacks.md "CSA"): CLIP's cosine, or SigLIP's match probability
 * sigmoid(exp(logitScale) · cos + logitBias) with the trained parameters as the export stores them (`source`).
 */
export const ScoreRuleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('cosine') }),
  z.object({ kind: z.literal('sigmoid'), logitScale: z.number().finite(), logitBias: z.number().finite(), source: z.string() })
])
export type ScoreRule = z.infer<typeof ScoreRuleSchema>

/**
 * The name an added model is known by (`--model NAME`): not a path and no `@` (that starts a variant), so the name can
 * never be read as a folder or a variant (engine/services.ts resolveModel).
 */
export const ModelNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^/\\@]+$/, 'a model name holds no "/", "\\" or "@"')
  .refine((n) => !n.startsWith('.'), 'a model name does not start with "."')

/** A model folder as the registry sees it; `error` is set when it cannot be loaded. */
export const ModelInfoSchema = z.object({
  name: z.string(),
  path: z.string(),
  source: z.enum(['bundled', 'user']),
  fingerprint: z.string().nullable(),
  layout: z.enum(['separate', 'combined']).nullable(),
  embeddingDim: z.number().int().positive().nullable(),
  imageSize: z.number().int().positive().nullable(),
  contextLength: z.number().int().positive().nullable(),
  precision: z.enum(['fp32', 'fp16', 'quantized']).nullable(),
  parameterCount: z.number().int().nonnegative().nullable(),
  files: z.array(ModelFileSchema),
  /** Model-card facts when the folder ships one (architecture, training set, measured AUCs). */
  card: z.record(z.string(), z.unknown()).nullable(),
  error: WorkbenchErrorDataSchema.nullable(),
  /** Folder layout; the described variant and all variants; weights as published (fp32, fp16, int8, ...). */
  format: ModelFormatSchema.nullable().optional(),
  variant: z.string().nullable().optional(),
  variants: z.array(z.string()).optional(),
  weights: z.string().nullable().optional(),
  /** Hugging Face cache entries: the repo id and the snapshot revision (commit) described. */
  repoId: z.string().nullable().optional(),
  revision: z.string().nullable().optional(),
  /** Facts the user should know (defaults assumed, sizes read from the first batch). */
  notes: z.array(z.string()).optional(),
  /** Every problem found; `error` is the first. */
  problems: z.array(WorkbenchErrorDataSchema).optional(),
  /** The pairwise score CSA reports for this model; absent in descriptions made before it existed (cosine). */
  scoreRule: ScoreRuleSchema.optional()
})
export type ModelInfo = z.infer<typeof ModelInfoSchema>

/** How one tower is fed and read, as its graph declares it. */
export const TowerIoSchema = z.object({
  file: z.string(),
  input: z.string(),
  inputType: z.string(),
  inputShape: z.array(z.union([z.number(), z.string()])).nullable(),
  mask: z.string().nullable(),
  output: z.string(),
  fixedBatch: z.number().int().positive().nullable()
})

/** Everything `mia models inspect` and the Models screen show, before any run. */
export const ModelInspectionSchema = ModelInfoSchema.extend({
  hasAttentionMask: z.boolean(),
  quantized: z.boolean(),
  towers: z.object({ vision: TowerIoSchema.nullable(), text: TowerIoSchema.nullable() }),
  preprocessing: z
    .object({
      /** The file it came from; null when the format's defaults are assumed. */
      source: z.string().nullable(),
      /** OpenCLIP/OpenAI resize and crop before RGB conversion; Hugging Face converts first. */
      order: z.enum(['huggingface', 'openclip']),
      resize: z.string(),
      crop: z.string().nullable(),
      interpolation: z.string(),
      mean: z.array(z.number()),
      std: z.array(z.number())
    })
    .nullable(),
  tokenizer: z
    .object({
      file: z.string(),
      contextLength: z.number().int().positive().nullable(),
      /** tokenizer.json's model and normalizer, e.g. "Unigram (SentencePiece, Metaspace)"; absent when unreadable. */
      kind: z.string().optional()
    })
    .nullable()
})
export type ModelInspection = z.infer<typeof ModelInspectionSchema>

/** Execution providers a user can ask for; `auto` tries CUDA, then WebGPU, then the CPU (docs/attacks.md § Providers). */
export const ProviderChoiceSchema = z.enum(['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'])
export type ProviderChoice = z.infer<typeof ProviderChoiceSchema>

/**
 * The providers to try for a choice: an explicit one first with the CPU as its fallback, so a run says which one ran
 * and why (models/session.ts); undefined for `auto`, the platform table of models/providers.ts.
 */
export function providerOrder(choice: ProviderChoice): Array<Exclude<ProviderChoice, 'auto'>> | undefined {
  return choice === 'auto' ? undefined : [...new Set([choice, 'cpu' as const])]
}

/**
 * The GPU behind the WebGPU provider. onnxruntime-node does not expose Dawn's adapter info, so it is read from the
 * driver the platform offers (`source`: the Vulkan driver manifest on Linux, the platform API elsewhere).
 */
export const GpuAdapterSchema = z.object({
  vendor: z.string(),
  architecture: z.string(),
  description: z.string(),
  backend: z.enum(['vulkan', 'metal', 'd3d12']),
  /** A software rasteriser (SwiftShader): correct but slow; its timings say nothing about GPUs. */
  software: z.boolean(),
  driver: z.string().nullable(),
  source: z.enum(['vulkan-manifest', 'platform'])
})
export type GpuAdapter = z.infer<typeof GpuAdapterSchema>

/** What this installation can run, and what falls back to what. */
export const CapabilitiesSchema = z.object({
  electronRuntime: z.boolean(),
  /** Execution providers onnxruntime-node can use here, in preference order; `cpu` always last. */
  executionProviders: z.array(z.string()),
  gpu: z.boolean(),
  /** The WebGPU adapter that answered a probe session; null when WebGPU is unavailable (`fallbacks` says why). */
  adapter: GpuAdapterSchema.nullable(),
  /** Human explanations: why a faster provider or the desktop runtime is not available. */
  fallbacks: z.array(z.string())
})
export type Capabilities = z.infer<typeof CapabilitiesSchema>
