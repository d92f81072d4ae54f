// Streaming protobuf wire-format reader over a file: reads headers, seeks past large payloads.
import fs from 'node:fs/promises'

const CHUNK = 64 * 1024

/** Wire types of the protobuf encoding (https://protobuf.dev/programming-guides/encoding/). */
export const WIRE = { varint: 0, fixed64: 1, bytes: 2, fixed32: 5 } as const

/** Thrown when the bytes are not valid protobuf; callers turn it into a model error. */
export class ProtobufError extends Error {
  override name = 'ProtobufError'
}

/** A forward-only cursor over a file; `skip` never reads the skipped bytes, so weights cost nothing. */
export class ProtobufFileReader {
  pos = 0
  private buf = Buffer.alloc(0)
  private bufStart = 0

  private constructor(
    private readonly handle: fs.FileHandle,
    readonly size: number
  ) {}

  /** Open `file` for reading. */
  static async open(file: string): Promise<ProtobufFileReader> {
    const handle = await fs.open(file, 'r')
    try {
      const { size } = await handle.stat()
      return new ProtobufFileReader(handle, size)
    } catch (err) {
      await handle.close()
      throw err
    }
  }

  /** Release the file handle. */
  async close(): Promise<void> {
    await this.handle.close()
  }

  private buffered(n: number): boolean {
    return this.pos >= this.bufStart && this.pos + n <= this.bufStart + this.buf.length
  }

  private async fill(n: number): Promise<void> {
    if (this.pos + n > this.size) throw new ProtobufError(`needs ${n} bytes at offset ${this.pos} but the file ends at ${this.size}`)
    const length = Math.min(Math.max(n, CHUNK), this.size - this.pos)
    const buf = Buffer.alloc(length)
    const { bytesRead } = await this.handle.read(buf, 0, length, this.pos)
    if (bytesRead < n) throw new ProtobufError(`short read at offset ${this.pos}`)
    this.buf = buf.subarray(0, bytesRead)
    this.bufStart = this.pos
  }

  /** A varint as a JS number (exact below 2^53; int64 values >= 2^63 come back negative). */
  async varint(): Promise<number> {
    let value = 0
    for (let shift = 0; shift < 70; shift += 7) {
      if (!this.buffered(1)) await this.fill(1)
      const b = this.buf[this.pos - this.bufStart]
      this.pos += 1
      value += (b & 0x7f) * 2 ** shift
      if ((b & 0x80) === 0) return value >= 2 ** 63 ? value - 2 ** 64 : value
    }
    throw new ProtobufError(`varint longer than 10 bytes at offset ${this.pos}`)
  }

  /** The next field key, or null at `end`. */
  async tag(end: number): Promise<{ field: number; wire: number } | null> {
    if (this.pos >= end) return null
    const key = await this.varint()
    const wire = key % 8
    const field = Math.floor(key / 8)
    if (field === 0 || wire === 3 || wire === 4 || wire > 5) {
      throw new ProtobufError(`invalid field key ${key} (field ${field}, wire type ${wire}) at offset ${this.pos}`)
    }
    return { field, wire }
  }

  /** Length of a length-delimited field, checked against the enclosing message end. */
  async length(end: number): Promise<number> {
    const n = await this.varint()
    if (n < 0 || this.pos + n > end) {
      const limit = end === this.size ? 'the file ends' : 'its enclosing message ends'
      throw new ProtobufError(`a field at offset ${this.pos} claims ${n} bytes but ${limit} at byte ${end}`)
    }
    return n
  }

  /** `n` bytes as a UTF-8 string. */
  async string(n: number): Promise<string> {
    if (!this.buffered(n)) await this.fill(n)
    const start = this.pos - this.bufStart
    this.pos += n
    return this.buf.toString('utf8', start, start + n)
  }

  /** A copy of the next `n` bytes. */
  async bytes(n: number): Promise<Buffer> {
    if (!this.buffered(n)) await this.fill(n)
    const start = this.pos - this.bufStart
    this.pos += n
    return Buffer.from(this.buf.subarray(start, start + n))
  }

  /** Skip a field's payload of the given wire type without reading it. */
  async skip(wire: number, end: number): Promise<void> {
    if (wire === WIRE.varint) await this.varint()
    else if (wire === WIRE.fixed64) this.pos += 8
    else if (wire === WIRE.fixed32) this.pos += 4
    else if (wire === WIRE.bytes) {
      const n = await this.length(end)
      this.pos += n
    }
    if (this.pos > end) throw new ProtobufError(`field runs past its message end ${end}`)
  }

  /** Repeated int64: packed (one length-delimited run) or a single unpacked varint. */
  async int64s(wire: number, end: number): Promise<number[]> {
    if (wire === WIRE.varint) return [await this.varint()]
    if (wire !== WIRE.bytes) throw new ProtobufError(`unexpected wire type ${wire} for int64 at offset ${this.pos}`)
    const n = await this.length(end)
    const stop = this.pos + n
    const out: number[] = []
    while (this.pos < stop) out.push(await this.varint())
    return out
  }
}
