// Caption tokenization with @huggingface/tokenizers from a model's tokenizer.json: CLIP's start/end
// tokens, truncation to the context length keeping the end token, padding, int64 tensors for ONNX.

import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { Tokenizer } from '@huggingface/tokenizers'
import { WorkbenchError } from '../../../shared/contract/errors'

/** A loaded tokenizer plus the conventions tokenize() applies. */
export interface CaptionTokenizer {
  /** Context length L (77 for CLIP): every row of ids has exactly L entries. */
  contextLength: number
  /** Id written after the end token up to L (CLIP in HF pads with <|endoftext|> = 49407). */
  padId: number
  /** Ids the post-processor puts before / after the caption, e.g. [49406] and [49407]. */
  prefix: number[]
  suffix: number[]
  /** Where it came from, for messages. */
  source: string
  /** The underlying tokenizers.js instance. */
  tokenizer: Tokenizer
}

/** Token tensors for a batch of N captions, row-major N × L. */
export interface TokenizedBatch {
  ids: BigInt64Array
  attentionMask: BigInt64Array
  /** Tokens kept per caption, start and end tokens included. */
  lengths: Int32Array
  /** The caption had more tokens than fit; it was cut before the end token. */
  truncated: boolean[]
  /** The caption held bytes that are not UTF-8 (or lone surrogates); they became U+FFFD. */
  invalidText: boolean[]
}

/** Options for loadTokenizer. */
export interface LoadTokenizerOptions {
  /** Overrides tokenizer_config.json's model_max_length. */
  contextLength?: number
  /** tokenizer_config.json text when `source` is tokenizer.json text. */
  configJson?: string
}

const DEFAULT_CONTEXT = 77
const MAX_CONTEXT = 16_384
/** No CLIP-vocabulary token spans more than 32 characters: 32 × L non-space characters overflow L tokens. */
const CHARS_PER_TOKEN_BOUND = 32
/** Whatever happens, never hand the BPE more than this many characters (its cost is superlinear). */
const MAX_CHARS = 65_536

function badModel(source: string, message: string, cause?: unknown): WorkbenchError {
  return new WorkbenchError({ code: 'bad-model', message, item: source, hint: "Re-export the model's tokenizer (tokenizer.json and tokenizer_config.json)." }, { cause })
}

function parseJson(text: string, file: string, source: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw badModel(source, `${file} does not parse: ${(err as Error).message}; re-export the model's tokenizer.`, err)
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badModel(source, `${file} is not a JSON object; re-export the model's tokenizer.`)
  return value as Record<string, unknown>
}

async function readSources(source: string, options: LoadTokenizerOptions): Promise<{ tokenizerText: string; configText?: string; label: string }> {
  if (source.trimStart().startsWith('{')) return { tokenizerText: source, configText: options.configJson, label: 'tokenizer.json' }
  const file = path.join(source, 'tokenizer.json')
  let tokenizerText: string
  try {
    tokenizerText = await readFile(file, 'utf8')
  } catch (err) {
    throw badModel(file, `The model folder has no readable tokenizer.json (${(err as Error).message}).`, err)
  }
  const configText = await readFile(path.join(source, 'tokenizer_config.json'), 'utf8').catch(() => undefined)
  return { tokenizerText, configText, label: file }
}

function tokenName(value: unknown): string | undefined {
  if (typeof value === 'string') return value
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content
  return undefined
}

/** Special ids around a caption, found by encoding a probe with and without special tokens. */
function specialLayout(tokenizer: Tokenizer): { prefix: number[]; suffix: number[] } {
  const body = tokenizer.encode('a', { add_special_tokens: false }).ids
  const full = tokenizer.encode('a').ids
  for (let i = 0; i + body.length <= full.length && body.length > 0; i++) {
    if (body.every((id, k) => full[i + k] === id)) return { prefix: full.slice(0, i), suffix: full.slice(i + body.length) }
  }
  return { prefix: [], suffix: [] }
}

function contextLengthOf(config: Record<string, unknown>, options: LoadTokenizerOptions, source: string): number {
  const requested = options.contextLength
  if (requested !== undefined) {
    if (!Number.isInteger(requested) || requested < 2 || requested > MAX_CONTEXT) throw badModel(source, `Context length ${requested} is not an integer from 2 to ${MAX_CONTEXT}.`)
    return requested
  }
  // transformers writes a huge sentinel (1e30) when the length is unknown: fall back to CLIP's 77.
  const m = config.model_max_length
  return typeof m === 'number' && Number.isInteger(m) && m >= 2 && m <= MAX_CONTEXT ? m : DEFAULT_CONTEXT
}

/**
 * Load a tokenizer from a model folder (tokenizer.json + optional tokenizer_config.json) or from
 * tokenizer.json text. Throws `bad-model` when the files are missing, do not parse or are unsupported.
 */
export async function loadTokenizer(source: string, options: LoadTokenizerOptions = {}): Promise<CaptionTokenizer> {
  const sources = await readSources(source, options)
  // Building a real CLIP tokenizer costs ~0.25 s (JSON parse + BPE tables), paid by every embedding pass before its first
  // batch: tokenizers are reused by content (the files' text, not their path), so an edited file is never stale.
  const key = JSON.stringify([sources.tokenizerText.length, options.contextLength ?? null, sources.configText ?? null, sources.label])
  const known = loaded.get(key)
  if (known && known.tokenizerText === sources.tokenizerText) return known.tokenizer
  const tokenizer = build(sources, options)
  loaded.delete(key)
  loaded.set(key, { tokenizerText: sources.tokenizerText, tokenizer })
  if (loaded.size > TOKENIZERS_KEPT) loaded.delete(loaded.keys().next().value!)
  return tokenizer
}

/** Recently built tokenizers (least recently built first), keyed by everything that shapes them but tokenizer.json's text. */
const loaded = new Map<string, { tokenizerText: string; tokenizer: CaptionTokenizer }>()
const TOKENIZERS_KEPT = 4

function build({ tokenizerText, configText, label }: { tokenizerText: string; configText?: string; label: string }, options: LoadTokenizerOptions): CaptionTokenizer {
  const json = parseJson(tokenizerText, 'tokenizer.json', label)
  const config = configText === undefined ? {} : parseJson(configText, 'tokenizer_config.json', label)
  let tokenizer: Tokenizer
  try {
    tokenizer = new Tokenizer(json, config)
  } catch (err) {
    throw badModel(label, `tokenizer.json cannot be used: ${(err as Error).message}; re-export the model's tokenizer.`, err)
  }
  const { prefix, suffix } = specialLayout(tokenizer)
  const padToken = tokenName(config.pad_token)
  const padJson = (json.padding as { pad_id?: unknown } | null | undefined)?.pad_id
  const padId = (padToken !== undefined ? tokenizer.token_to_id(padToken) : undefined) ?? (typeof padJson === 'number' ? padJson : undefined) ?? suffix.at(-1) ?? 0
  const contextLength = contextLengthOf(config, options, label)
  if (prefix.length + suffix.length >= contextLength) throw badModel(label, `Context length ${contextLength} leaves no room for text between ${prefix.length + suffix.length} special tokens.`)
  return { contextLength, padId, prefix, suffix, source: label, tokenizer }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Caption text as a well-formed string; bytes are decoded as UTF-8 with U+FFFD for invalid sequences. */
function captionText(caption: string | Uint8Array): { text: string; invalid: boolean } {
  if (typeof caption === 'string') {
    const text = caption.replace(LONE_SURROGATE, '\uFFFD')
    return { text, invalid: text !== caption }
  }
  const text = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false }).decode(caption)
  let invalid = false
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(caption)
  } catch {
    invalid = true
  }
  return { text, invalid }
}

/** Index of the last whitespace character in text[from, to), or -1. */
function lastSpace(text: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (/\s/.test(text[i])) return i
  return -1
}

/**
 * Body ids of a caption. Captions over 32 × L characters are first tokenized up to their last
 * whitespace in that window: CLIP's pre-tokenizer never joins pieces across whitespace and no token
 * spans more than 32 characters, so when that head already overflows L its leading ids are the full
 * caption's, and the BPE (superlinear in a piece's length) never sees a 10,000-character input.
 * Only a window with no whitespace in its second half is cut mid-piece.
 */
function bodyIds(tok: CaptionTokenizer, text: string, room: number): { ids: number[]; cut: boolean } {
  const window = CHARS_PER_TOKEN_BOUND * tok.contextLength
  if (text.length > window) {
    const space = lastSpace(text, window >> 1, window)
    const head = text.slice(0, space >= 0 ? space : window)
    const ids = tok.tokenizer.encode(head, { add_special_tokens: false }).ids
    if (ids.length > room) return { ids, cut: true }
  }
  const cut = text.length > MAX_CHARS
  return { ids: tok.tokenizer.encode(cut ? text.slice(0, MAX_CHARS) : text, { add_special_tokens: false }).ids, cut }
}

/**
 * Tokenize captions into N × L int64 ids and attention mask: prefix + caption tokens + suffix, cut to
 * L keeping the end token (as transformers' truncation=True does), then padded with `padId`.
 */
export function tokenize(tok: CaptionTokenizer, captions: ReadonlyArray<string | Uint8Array>, contextLength = tok.contextLength): TokenizedBatch {
  const L = contextLength
  const room = L - tok.prefix.length - tok.suffix.length
  if (!Number.isInteger(L) || room < 1) throw new WorkbenchError({ code: 'invalid-input', message: `Context length ${L} leaves no room for caption tokens.`, item: tok.source })
  const n = captions.length
  const batch: TokenizedBatch = {
    ids: new BigInt64Array(n * L).fill(BigInt(tok.padId)),
    attentionMask: new BigInt64Array(n * L),
    lengths: new Int32Array(n),
    truncated: new Array<boolean>(n).fill(false),
    invalidText: new Array<boolean>(n).fill(false)
  }
  for (let i = 0; i < n; i++) {
    const { text, invalid } = captionText(captions[i])
    const body = bodyIds(tok, text, room)
    const kept = body.ids.length > room ? body.ids.slice(0, room) : body.ids
    const row = [...tok.prefix, ...kept, ...tok.suffix]
    for (let k = 0; k < row.length; k++) {
      batch.ids[i * L + k] = BigInt(row[k])
      batch.attentionMask[i * L + k] = 1n
    }
    batch.lengths[i] = row.length
    batch.truncated[i] = body.ids.length > room || body.cut
    batch.invalidText[i] = invalid
  }
  return batch
}
