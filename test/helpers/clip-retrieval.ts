// Writes clip-retrieval output folders (img_emb/*.npy, text_emb/*.npy, metadata/*.parquet) from code, as LAION ships them.
import fs from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { parquetWriteFile } from 'hyparquet-writer'
import { float32ToFloat16 } from '../../src/main/engine/float16'

/** The .npy header (format 1.0) of an n × d little-endian float matrix, padded to 64 bytes as numpy does. */
function npyHeader(rows: number, cols: number, dtype: 'f2' | 'f4'): Buffer {
  let dict = `{'descr': '<${dtype}', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`
  const total = 10 + dict.length + 1
  dict += ' '.repeat((64 - (total % 64)) % 64) + '\n'
  const head = Buffer.alloc(10)
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(head)
  head.writeUInt16LE(dict.length, 8)
  return Buffer.concat([head, Buffer.from(dict, 'latin1')])
}

function encodeRows(data: Float32Array, dtype: 'f2' | 'f4'): Buffer {
  if (dtype === 'f4') return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  return Buffer.from(float32ToFloat16(data).buffer)
}

/** An .npy file written in row-major chunks, so a million rows never sit in memory. */
export class NpyWriter {
  private readonly fd: number
  constructor(
    file: string,
    rows: number,
    cols: number,
    private readonly dtype: 'f2' | 'f4' = 'f2'
  ) {
    fs.mkdirSync(path.dirname(file), { recursive: true })
    this.fd = fs.openSync(file, 'w')
    fs.writeSync(this.fd, npyHeader(rows, cols, dtype))
  }

  write(chunk: Float32Array): void {
    fs.writeSync(this.fd, encodeRows(chunk, this.dtype))
  }

  close(): void {
    fs.closeSync(this.fd)
  }
}

/** Write an n × d matrix as .npy from row-major chunks. */
export function writeNpy(file: string, rows: number, cols: number, chunks: Iterable<Float32Array>, dtype: 'f2' | 'f4' = 'f2'): void {
  const w = new NpyWriter(file, rows, cols, dtype)
  try {
    for (const chunk of chunks) w.write(chunk)
  } finally {
    w.close()
  }
}

/** One part: metadata columns (same length) and its image / text embeddings. */
export interface PartSpec {
  columns: Record<string, Array<string | number | null>>
  image: Float32Array
  text: Float32Array
  dim: number
  dtype?: 'f2' | 'f4'
  rowGroupSize?: number
}

/** Write `parts` as clip-retrieval part 0, 1, … under `root`. */
export async function writeClipRetrieval(root: string, parts: PartSpec[]): Promise<void> {
  for (const [i, p] of parts.entries()) {
    const rows = p.image.length / p.dim
    writeNpy(path.join(root, 'img_emb', `img_emb_${i}.npy`), rows, p.dim, [p.image], p.dtype)
    writeNpy(path.join(root, 'text_emb', `text_emb_${i}.npy`), rows, p.dim, [p.text], p.dtype)
    await writeMetadata(path.join(root, 'metadata', `metadata_${i}.parquet`), p.columns, p.rowGroupSize)
  }
}

/** Write metadata columns as a snappy parquet file (the codec pyarrow and clip-retrieval use). */
export async function writeMetadata(file: string, columns: PartSpec['columns'], rowGroupSize?: number, codec: 'SNAPPY' | 'GZIP' = 'SNAPPY'): Promise<void> {
  fs.mkdirSync(path.dirname(file), { recursive: true })
  await parquetWriteFile({
    filename: file,
    codec,
    // pandas.to_parquet(compression='gzip') files: node's zlib writes the pages, the reader must decode them itself.
    compressors: { GZIP: (bytes: Uint8Array) => new Uint8Array(gzipSync(bytes)) },
    columnData: Object.entries(columns).map(([name, data]) => ({ name, data, type: typeof data.find((v) => v !== null) === 'number' ? ('DOUBLE' as const) : ('STRING' as const) })),
    ...(rowGroupSize ? { rowGroupSize } : {})
  })
}
