// A loaded CLIP model: raw image/text embeddings from its ONNX sessions, opened lazily.
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'
import type { ModelDescription } from './describe'
import type { GpuAdapter } from '../../../shared/contract/models'
import type { Feed, OnnxSession, SessionOptions } from './session'
import type { ProviderName } from './providers'
import { createSession } from './session'

type Tower = 'vision' | 'text'

/** Embeds preprocessed images and tokenized captions; outputs are raw (callers L2-normalise). */
export class ClipModel {
  private sessions = new Map<string, Promise<OnnxSession>>()
  private opened: OnnxSession[] = []
  private disposed = false

  constructor(
    readonly description: ModelDescription,
    private readonly options: SessionOptions = {}
  ) {
    if (description.error) throw new WorkbenchError(description.error)
  }

  /** Embedding size (columns of every result). */
  get dim(): number {
    return this.description.embeddingDim ?? 0
  }

  /** Provider of the opened session(s), e.g. `webgpu`, or `webgpu+cpu` when one tower fell back; null before `load()`. */
  get provider(): string | null {
    const names = [...new Set<ProviderName>(this.opened.map((s) => s.provider))]
    return names.length ? names.join('+') : null
  }

  /** The GPU behind a WebGPU session; null on other providers or before the first embed. */
  get adapter(): GpuAdapter | null {
    return this.opened.find((s) => s.adapter)?.adapter ?? null
  }

  /** Why a faster provider was not used (null when the preferred one runs or nothing is open yet). */
  get fallbackReason(): string | null {
    const reasons = [...new Set(this.opened.map((s) => s.fallbackReason).filter((r): r is string => r !== null))]
    return reasons.length ? reasons.join(' ') : null
  }

  private session(tower: Tower): Promise<OnnxSession> {
    if (this.disposed) throw new WorkbenchError({ code: 'inference-failed', item: this.description.path, message: `Model ${this.description.name} was disposed.`, hint: 'Open it again from the registry.' })
    const file = this.description.onnx.combined ?? this.description.onnx[tower]
    if (!file) throw new WorkbenchError({ code: 'bad-model', item: this.description.path, message: `Model ${this.description.name} has no ${tower} graph.` })
    let pending = this.sessions.get(file)
    if (!pending) {
      pending = createSession(file, this.options).then((s) => {
        this.opened.push(s)
        return s
      })
      pending.catch(() => this.sessions.delete(file))
      this.sessions.set(file, pending)
    }
    return pending
  }

  /** Open the sessions now (otherwise the first embed does), so provider and fallbackReason are known. */
  async load(): Promise<void> {
    await Promise.all([this.session('vision'), this.session('text')])
  }

  /** Raw image_embeds (n × dim) for `n` images given as CHW float32 pixels, already resized and normalised. */
  async embedImages(pixels: Float32Array, n: number): Promise<Float32Array> {
    const s = this.description.imageSize ?? 0
    const per = 3 * s * s
    if (pixels.length !== n * per) this.badInput(`embedImages got ${pixels.length} values for ${n} images; ${n} × 3 × ${s} × ${s} = ${n * per} expected.`)
    const session = await this.session('vision')
    return this.batched(session, 'image_embeds', 'pixel_values', n, (start, count) => ({
      pixel_values: { data: pixels.subarray(start * per, (start + count) * per), dims: [count, 3, s, s] }
    }))
  }

  /** Raw text_embeds (n × dim) for `n` captions of `L` int64 token ids each (mask: 1 = token, 0 = padding). */
  async embedTexts(ids: BigInt64Array, mask: BigInt64Array | undefined, n: number, L: number): Promise<Float32Array> {
    if (ids.length !== n * L) this.badInput(`embedTexts got ${ids.length} ids for ${n} captions of ${L} tokens.`)
    if (mask && mask.length !== ids.length) this.badInput(`embedTexts got an attention mask of ${mask.length} values for ${ids.length} ids.`)
    const session = await this.session('text')
    const needsMask = session.inputs.some((i) => i.name === 'attention_mask')
    return this.batched(session, 'text_embeds', 'input_ids', n, (start, count) => {
      const feeds: Record<string, Feed> = { input_ids: { data: ids.subarray(start * L, (start + count) * L), dims: [count, L] } }
      // No mask means every position is a token, as Hugging Face assumes when attention_mask is omitted.
      if (needsMask) feeds.attention_mask = { data: mask ? mask.subarray(start * L, (start + count) * L) : new BigInt64Array(count * L).fill(1n), dims: [count, L] }
      return feeds
    })
  }

  private badInput(message: string): never {
    throw new WorkbenchError({ code: 'invalid-input', item: this.description.path, message: `${this.description.name}: ${message}` })
  }

  /** Run in chunks when the graph fixes its batch size; add dummy inputs of the other tower for combined graphs. */
  private async batched(session: OnnxSession, outName: string, batchInput: string, n: number, feedsFor: (start: number, count: number) => Record<string, Feed>): Promise<Float32Array> {
    const out = new Float32Array(n * this.dim)
    const fixed = session.inputs.find((i) => i.name === batchInput)?.shape[0]
    const step = typeof fixed === 'number' ? fixed : Math.max(n, 1)
    for (let start = 0; start < n; start += step) {
      const count = Math.min(step, n - start)
      // A graph with a fixed batch gets its last, short chunk padded with copies of the chunk's last row (dropped below).
      const feeds = { ...this.dummies(session, batchInput), ...padFeeds(feedsFor(start, count), count, step) }
      const result = (await session.run(feeds, [outName]))[outName]
      if (result.dims.length !== 2 || result.dims[0] !== step || result.dims[1] !== this.dim) {
        throw new WorkbenchError({ code: 'inference-failed', item: session.file, message: `${path.basename(session.file)} returned ${outName} of shape [${result.dims.join(', ')}]; expected [${step}, ${this.dim}].` })
      }
      out.set((result.data as Float32Array).subarray(0, count * this.dim), start * this.dim)
    }
    return out
  }

  /** A combined graph needs both towers' inputs; the unused tower gets one minimal item. */
  private dummies(session: OnnxSession, batchInput: string): Record<string, Feed> {
    const feeds: Record<string, Feed> = {}
    const s = this.description.imageSize ?? 0
    const length = (shape: Array<number | string>): number => (typeof shape[1] === 'number' ? shape[1] : 2)
    for (const input of session.inputs) {
      if (input.name === batchInput || (batchInput === 'input_ids' && input.name === 'attention_mask')) continue
      if (input.name === 'pixel_values') feeds.pixel_values = { data: new Float32Array(3 * s * s), dims: [1, 3, s, s] }
      if (input.name === 'input_ids') feeds.input_ids = { data: new BigInt64Array(length(input.shape)), dims: [1, length(input.shape)] }
      if (input.name === 'attention_mask') feeds.attention_mask = { data: new BigInt64Array(length(input.shape)).fill(1n), dims: [1, length(input.shape)] }
    }
    return feeds
  }

  /** Release all sessions; the model cannot be used afterwards. */
  async dispose(): Promise<void> {
    this.disposed = true
    const pending = [...this.sessions.values()]
    this.sessions.clear()
    const sessions = await Promise.allSettled(pending)
    await Promise.all(sessions.map((r) => (r.status === 'fulfilled' ? r.value.dispose() : undefined)))
    this.opened = []
  }
}

/** Feeds of `count` rows grown to `step` rows by repeating the last row; unchanged when they already fill the batch. */
export function padFeeds(feeds: Record<string, Feed>, count: number, step: number): Record<string, Feed> {
  if (count === step) return feeds
  const out: Record<string, Feed> = {}
  for (const [name, feed] of Object.entries(feeds)) {
    const per = feed.data.length / count
    const data = feed.data instanceof Float32Array ? new Float32Array(step * per) : new BigInt64Array(step * per)
    data.set(feed.data as never)
    const last = feed.data.subarray((count - 1) * per)
    for (let r = count; r < step; r++) data.set(last as never, r * per)
    out[name] = { data, dims: [step, ...feed.dims.slice(1)] }
  }
  return out
}
