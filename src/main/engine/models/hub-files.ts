// Which files of a hub repository a layout needs: decided from the repo's file list, before any download.
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'
import type { FormatId } from './formats'
import { groupVariants, variantMatches } from './layout'

/** Config files read beside the graphs in any layout (models/formats/). */
const ROOT_CONFIGS = ['config.json', 'preprocessor_config.json', 'preprocess_cfg.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'model_card.json']
// Compiled formats immich publishes next to the ONNX graphs (ARM NN, RKNN): not for onnxruntime.
const FOREIGN = /\.(armnn|rknn|tflite|mlmodel)$/

/** External-data files of a graph: `<graph>_data`, `<graph>.data`, `<graph>_data_1` … in the same folder. */
function externalData(all: string[], graph: string): string[] {
  return all.filter((p) => p !== graph && p.startsWith(graph) && /^(_data|\.data)/.test(p.slice(graph.length)))
}

/** The files to fetch for `variant` (a weights name or variant id; default: the best complete one). */
export function filesToPull(repoId: string, all: string[], variant?: string): { format: FormatId; variant: string; files: string[] } {
  const has = new Set(all)
  const configs = (dir: string): string[] => ROOT_CONFIGS.map((n) => (dir ? `${dir}/${n}` : n)).filter((p) => has.has(p))
  if (has.has('visual/model.onnx') || has.has('textual/model.onnx')) {
    const tower = all.filter((p) => /^(visual|textual)\/[^/]+$/.test(p) && !FOREIGN.test(p))
    return { format: 'openclip', variant: 'separate', files: [...new Set([...configs(''), ...tower])] }
  }
  if (has.has('visual.onnx') || has.has('textual.onnx')) {
    const graphs = ['visual.onnx', 'textual.onnx'].filter((g) => has.has(g))
    return { format: 'clip-as-service', variant: 'separate', files: [...configs(''), ...graphs, ...graphs.flatMap((g) => externalData(all, g))] }
  }
  const onnxDir = all.some((p) => p.startsWith('onnx/')) ? 'onnx' : '.'
  const names = all.filter((p) => (onnxDir === 'onnx' ? /^onnx\/[^/]+\.onnx$/.test(p) : /^[^/]+\.onnx$/.test(p))).map((p) => path.posix.basename(p))
  const { variants } = groupVariants(onnxDir, names)
  const complete = variants.filter((v) => v.layout === 'combined' || (v.vision && v.text))
  const v = variant === undefined ? complete[0] : complete.find((x) => variantMatches(x, variant))
  if (!v) {
    const have = complete.map((x) => x.id).join(', ')
    throw new WorkbenchError({
      code: 'not-found',
      item: repoId,
      message: complete.length
        ? `${repoId} has no complete variant "${variant}"; it has: ${have}.`
        : `${repoId} holds no CLIP ONNX files in a layout the workbench reads (Hugging Face onnx/, OpenCLIP visual/ + textual/, clip-as-service visual.onnx + textual.onnx).`,
      hint: complete.length ? 'Pass --variant with one of these.' : 'Look for an ONNX export of the model (e.g. Xenova/*, immich-app/*), or export one with optimum.'
    })
  }
  const graphs = [v.vision, v.text, v.combined].filter((g): g is string => Boolean(g)).map((g) => g.split(path.sep).join('/'))
  return { format: 'huggingface', variant: v.id, files: [...configs(''), ...graphs, ...graphs.flatMap((g) => externalData(all, g))] }
}
