// models.list: bundled models from resources/models plus the ones the user added.
import path from 'node:path'
import type { OpOutput } from '../../../shared/contract/operations'
import type { EngineConfig } from '../config'
import { listModels } from '../models'

/** The models.list operation. */
export async function listModelsOp(config: EngineConfig): Promise<OpOutput<'models.list'>> {
  const bundledDir = path.join(config.resourcesDir, 'models')
  const models = await listModels([{ dir: bundledDir, source: 'bundled' }])
  const hint = models.length === 0 ? `No models found. Put a CLIP export in Hugging Face ONNX layout under ${bundledDir} or add a model folder.` : null
  return { models, hint }
}
