// Content hashes: files streamed, image bytes, caption text. The embedding cache is keyed by these.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { throwIfAborted } from '../../../shared/contract/errors'

/** sha256 hex of a file, streamed in 1 MiB chunks so multi-GB manifests never sit in memory. */
export async function sha256File(filePath: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  const stream = createReadStream(filePath, { highWaterMark: 1 << 20 })
  for await (const chunk of stream) {
    throwIfAborted(signal)
    hash.update(chunk as Buffer)
  }
  return hash.digest('hex')
}

/** sha256 hex of bytes; the content hash of an image is this over its file bytes, unchanged. */
export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/**
 * sha256 hex of the UTF-8 encoding of `text`, exactly as given: no trimming, no Unicode
 * normalisation. The caption hash is this; NFC is deliberately not applied because whether NFD
 * and NFC spell the same tokens is the tokenizer's decision (CLIP's normalises, others may not),
 * and the model fingerprint already covers the tokenizer — hashing exact text can never give a
 * stale cache hit, at the price of rare misses.
 */
export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

/** Cache key of a caption's content (see `sha256Text` for why the text is not normalised). */
export const captionHash = sha256Text

/** Cache key of an image's content: the sha256 of its bytes as stored on disk. */
export const imageHash = sha256Bytes
