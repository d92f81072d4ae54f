// Does the tokenizer fit the text graph? Its largest id must index the graph's token-embedding table.
import fs from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'
import type { Problems, TowerIo } from './layout'
import type { OnnxFileInfo } from './onnx-info'

/** Largest token id tokenizer.json can produce (vocabulary and added tokens); null when it cannot tell. */
export function maxTokenId(json: Record<string, unknown>): number | null {
  const model = (json.model ?? {}) as Record<string, unknown>
  let max = -1
  const vocab = model.vocab
  // BPE/WordPiece map token -> id; Unigram (SentencePiece) lists [token, score] pairs in id order.
  if (Array.isArray(vocab)) max = vocab.length - 1
  else if (vocab && typeof vocab === 'object') for (const id of Object.values(vocab)) if (typeof id === 'number' && id > max) max = id
  for (const t of Array.isArray(json.added_tokens) ? json.added_tokens : []) {
    const id = (t as { id?: unknown }).id
    if (typeof id === 'number' && id > max) max = id
  }
  return max >= 0 ? max : null
}

/** Add a problem when tokenizer.json yields ids the text graph has no embedding row for. */
export async function checkTokenizerFits(dir: string, tokenizerDir: string, text: TowerIo | null, graph: OnnxFileInfo | undefined, problems: Problems): Promise<void> {
  if (!text || !graph) return
  const file = path.join(dir, tokenizerDir, 'tokenizer.json')
  let json: Record<string, unknown>
  try {
    json = JSON.parse(await fs.readFile(file, 'utf8')) as Record<string, unknown>
  } catch (err) {
    problems.push(
      new WorkbenchError({
        code: 'bad-model',
        item: file,
        message: `${path.relative(dir, file)} cannot be read as JSON: ${(err as Error).message}`,
        hint: 'Restore the tokenizer.json of the same export.'
      })
    )
    return
  }
  const maxId = maxTokenId(json)
  const rows = graph.maxInitializerRows
  if (maxId !== null && rows > 0 && maxId >= rows) {
    problems.push(
      new WorkbenchError({
        code: 'bad-model',
        item: file,
        message: `${path.relative(dir, file)} does not fit the text graph: it produces token ids up to ${maxId}, but no weight table of ${text.file} has more than ${rows} rows.`,
        hint: 'Use the tokenizer.json of the same model export (CLIP uses 49,408 tokens; SigLIP 32,000 or 256,000).'
      })
    )
  }
}
