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

function typeOf(part: unknown): string | null {
  const t = (part as { type?: unknown } | null | undefined)?.type
  return typeof t === 'string' ? t : null
}

/** Types inside a (possibly Sequence) normalizer or pre-tokenizer. */
function partTypes(part: unknown): string[] {
  const p = part as { normalizers?: unknown; pretokenizers?: unknown } | null | undefined
  const inner = Array.isArray(p?.normalizers) ? p.normalizers : Array.isArray(p?.pretokenizers) ? p.pretokenizers : null
  if (inner) return inner.flatMap(partTypes)
  const t = typeOf(part)
  return t ? [t] : []
}

/**
 * tokenizer.json in words: "Unigram (SentencePiece; Metaspace)", "BPE (byte fallback; Replace)", "BPE (ByteLevel)".
 * A Precompiled normalizer is flagged: tokenizers.js applies NFKC in place of its charsmap (rare characters may differ).
 */
export function tokenizerKind(json: Record<string, unknown>): string {
  const model = (json.model ?? {}) as Record<string, unknown>
  const type = typeof model.type === 'string' ? model.type : Array.isArray(model.vocab) ? 'Unigram' : 'BPE'
  const traits = [...(type === 'Unigram' ? ['SentencePiece'] : []), ...(model.byte_fallback === true ? ['byte fallback'] : [])]
  const parts = [...new Set([...partTypes(json.normalizer), ...partTypes(json.pre_tokenizer)])].map((t) => (t === 'Precompiled' ? 'Precompiled (as NFKC)' : t))
  const inner = [...traits, ...parts].join('; ')
  return inner ? `${type} (${inner})` : type
}

/** Add a problem when tokenizer.json yields ids the text graph has no embedding row for; returns its kind (tokenizerKind). */
export async function checkTokenizerFits(dir: string, tokenizerDir: string, text: TowerIo | null, graph: OnnxFileInfo | undefined, problems: Problems): Promise<string | null> {
  if (!text || !graph) return null
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
    return null
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
  return tokenizerKind(json)
}
