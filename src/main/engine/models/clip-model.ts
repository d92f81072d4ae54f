// A loaded CLIP model: raw image/text embeddings from its ONNX sessions, opened lazily.
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'
import type { ModelDescription } from './describe'
import type { GpuAdapter } from '../../../shared/contract/models'
import type { TowerIo } from './layout'
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

  /** True after dispose(): the registry then opens a fresh model for the same files. */
  get isDisposed(): boolean {
    return this.disposed
  }

  /** Embedding size (columns of every result); read from the first batch when the graphs name it symbolically. */
  get dim(): number {
    return this.description.embeddingDim ?? this.learnedDim ?? 0
  }

  private learnedDim: number | null = null

  /** Learn a symbolic embedding size from vectors this model stored earlier: a rerun served by the cache runs no batch. */
  adoptDim(vectorLength: number): void {
    if (!this.dim && Number.isInteger(vectorLength) && vectorLength > 0) this.learnedDim = vectorLength
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
    if (this.disposed)
      throw new WorkbenchError({ code: 'inference-failed', item: this.description.path, message: `Model ${this.description.name} was disposed.`, hint: 'Open it again from the registry.' })
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

  private io(tower: Tower): TowerIo {
    const io = this.description.towers[tower]
    if (!io) throw new WorkbenchError({ code: 'bad-model', item: this.description.path, message: `Model ${this.description.name} has no usable ${tower} tower.` })
    return io
  }

  /** Open the sessions now (otherwise the first embed does), so provider and fallbackReason are known. */
  async load(): Promise<void> {
    await Promise.all([this.session('vision'), this.session('text')])
  }

  /** Raw image embeddings (n × dim) for `n` images given as CHW float32 pixels, already resized and normalised. */
  async embedImages(pixels: Float32Array, n: number): Promise<Float32Array> {
    const s = this.description.imageSize ?? 0
    const per = 3 * s * s
    if (pixels.length !== n * per) this.badInput(`embedImages got ${pixels.length} values for ${n} images; ${n} × 3 × ${s} × ${s} = ${n * per} expected.`)
    const io = this.io('vision')
    const session = await this.session('vision')
    return this.batched(session, io, n, (start, count, rows) => {
      const data = new Float32Array(rows * per)
      data.set(pixels.subarray(start * per, (start + count) * per))
      return { [io.input]: { data, dims: [rows, 3, s, s] } }
    })
  }

  /** Raw text embeddings (n × dim) for `n` captions of `L` int64 token ids each (mask: 1 = token, 0 = padding). */
  async embedTexts(ids: BigInt64Array, mask: BigInt64Array | undefined, n: number, L: number): Promise<Float32Array> {
    if (ids.length !== n * L) this.badInput(`embedTexts got ${ids.length} ids for ${n} captions of ${L} tokens.`)
    if (mask && mask.length !== ids.length) this.badInput(`embedTexts got an attention mask of ${mask.length} values for ${ids.length} ids.`)
    const io = this.io('text')
    const session = await this.session('text')
    return this.batched(session, io, n, (start, count, rows) => {
      const part = new BigInt64Array(rows * L)
      part.set(ids.subarray(start * L, (start + count) * L))
      const feeds: Record<string, Feed> = { [io.input]: { data: part, dims: [rows, L] } }
      // No mask means every position is a token, as Hugging Face assumes when attention_mask is omitted.
      if (io.mask) {
        const m = new BigInt64Array(rows * L).fill(1n)
        if (mask && !io.padAttended) m.set(mask.subarray(start * L, (start + count) * L))
        feeds[io.mask] = { data: m, dims: [rows, L] }
      }
      return feeds
    })
  }

  private badInput(message: string): never {
    throw new WorkbenchError({ code: 'invalid-input', item: this.description.path, message: `${this.description.name}: ${message}` })
  }

  /**
   * Run in chunks of the graph's fixed batch size (immich exports fix 1), padding the last chunk and
   * dropping the padded rows; add dummy inputs of the other tower for combined graphs.
   */
  private async batched(session: OnnxSession, io: TowerIo, n: number, feedsFor: (start: number, count: number, rows: number) => Record<string, Feed>): Promise<Float32Array> {
    const fixed = session.inputs.find((i) => i.name === io.input)?.shape[0]
    const step = typeof fixed === 'number' && fixed > 0 ? fixed : Math.max(n, 1)
    let out: Float32Array | null = n === 0 ? new Float32Array(0) : null
    for (let start = 0; start < n; start += step) {
      const count = Math.min(step, n - start)
      const feeds = { ...this.dummies(session, io), ...feedsFor(start, count, step) }
      const result = (await session.run(feeds, [io.output]))[io.output]
      const dim = this.checkResult(session, io, result.dims, step)
      out ??= new Float32Array(n * dim)
      out.set((result.data as Float32Array).subarray(0, count * dim), start * dim)
    }
    return out!
  }

  /** The embedding size of a result, learning it when the graph names it symbolically. */
  private checkResult(session: OnnxSession, io: TowerIo, dims: number[], rows: number): number {
    const expected = this.dim || dims[1]
    if (dims.length !== 2 || dims[0] !== rows || dims[1] !== expected || !(expected > 0)) {
      throw new WorkbenchError({
        code: 'inference-failed',
        item: session.file,
        message: `${path.basename(session.file)} returned ${io.output} of shape [${dims.join(', ')}]; expected [${rows}, ${expected || 'dim'}].`,
        hint: 'Both towers must output one embedding per item, of the same size.'
      })
    }
    if (!this.dim) this.learnedDim = expected
    return expected
  }

  /** A combined graph needs both towers' inputs; the unused tower gets one minimal item. */
  private dummies(session: OnnxSession, io: TowerIo): Record<string, Feed> {
    const feeds: Record<string, Feed> = {}
    const s = this.description.imageSize ?? 0
    const other = io === this.description.towers.vision ? this.description.towers.text : this.description.towers.vision
    if (!other || other.file !== io.file) return feeds
    const length = (shape: Array<number | string>): number => (typeof shape[1] === 'number' ? shape[1] : 2)
    for (const input of session.inputs) {
      if (input.name === io.input || input.name === io.mask) continue
      if (input.name === other.input && other === this.description.towers.vision) feeds[input.name] = { data: new Float32Array(3 * s * s), dims: [1, 3, s, s] }
      else if (input.name === other.input) feeds[input.name] = { data: new BigInt64Array(length(input.shape)), dims: [1, length(input.shape)] }
      else if (input.name === other.mask) feeds[input.name] = { data: new BigInt64Array(length(input.shape)).fill(1n), dims: [1, length(input.shape)] }
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
