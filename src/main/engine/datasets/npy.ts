// NumPy .npy matrices (n × d, float16/32/64, C order) read row ranges at a time: the file is never loaded whole.
import type { FileHandle } from 'node:fs/promises'
import { float16ToFloat32 } from '../float16'
import { openRegularFile } from './safe-read'

/** A 2-D .npy file: where its rows start and how to decode them. */
export interface NpyMatrix {
  file: string
  rows: number
  cols: number
  dtype: 'f2' | 'f4' | 'f8'
  /** Byte offset of row 0. */
  dataOffset: number
}

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])
const BYTES = { f2: 2, f4: 4, f8: 8 } as const

/** Why a file is not a matrix this reader takes; `file` names it. */
export class NpyError extends Error {
  constructor(
    readonly file: string,
    message: string
  ) {
    super(`${file}: ${message}`)
  }
}

/** Parse the header of a .npy file (format 1.0–3.0); only little-endian float 2-D C-order arrays are accepted. */
export async function readNpyHeader(file: string): Promise<NpyMatrix> {
  const fh = await openRegularFile(file)
  try {
    const head = Buffer.alloc(12)
    await fh.read(head, 0, 12, 0)
    if (!head.subarray(0, 6).equals(MAGIC)) throw new NpyError(file, 'not a NumPy .npy file (magic bytes missing)')
    const major = head[6]
    const lenBytes = major === 1 ? 2 : 4
    const headerLen = lenBytes === 2 ? head.readUInt16LE(8) : head.readUInt32LE(8)
    const start = 8 + lenBytes
    if (headerLen > 1 << 20) throw new NpyError(file, `header of ${headerLen} bytes is implausibly large`)
    const text = Buffer.alloc(headerLen)
    await fh.read(text, 0, headerLen, start)
    const header = text.toString(major >= 3 ? 'utf8' : 'latin1')
    const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1]
    const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1]
    const shape = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1]
    if (!descr || !fortran || shape === undefined) throw new NpyError(file, 'header lacks descr, fortran_order or shape')
    const dtype = ({ '<f2': 'f2', '<f4': 'f4', '<f8': 'f8', '|f2': 'f2' } as const)[descr as '<f2']
    if (!dtype) throw new NpyError(file, `dtype ${descr} is not a little-endian float16/32/64`)
    if (fortran === 'True') throw new NpyError(file, 'Fortran-ordered arrays are not read; save with np.ascontiguousarray')
    const dims = shape
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
      .map(Number)
    if (dims.length !== 2 || dims.some((x) => !Number.isInteger(x) || x < 0)) throw new NpyError(file, `shape (${shape}) is not a 2-D matrix`)
    const matrix: NpyMatrix = { file, rows: dims[0], cols: dims[1], dtype, dataOffset: start + headerLen }
    const size = (await fh.stat()).size
    const need = matrix.dataOffset + matrix.rows * matrix.cols * BYTES[dtype]
    if (size < need) throw new NpyError(file, `holds ${size} bytes, ${need} are needed for ${matrix.rows} × ${matrix.cols} ${descr}: the file is truncated`)
    return matrix
  } finally {
    await fh.close()
  }
}

/** Rows [start, start + count) as one row-major Float32Array, read with `fh` (an open handle of `m.file`). */
export async function readNpyRows(fh: FileHandle, m: NpyMatrix, start: number, count: number): Promise<Float32Array> {
  const width = BYTES[m.dtype]
  const n = count * m.cols
  const buf = Buffer.alloc(n * width)
  const { bytesRead } = await fh.read(buf, 0, buf.length, m.dataOffset + start * m.cols * width)
  if (bytesRead !== buf.length) throw new NpyError(m.file, `ends before row ${start + count}`)
  if (m.dtype === 'f4') return new Float32Array(buf.buffer, buf.byteOffset, n).slice()
  if (m.dtype === 'f8') {
    const out = new Float32Array(n)
    for (let i = 0; i < n; i++) out[i] = buf.readDoubleLE(i * 8)
    return out
  }
  return float16ToFloat32(new Uint16Array(buf.buffer, buf.byteOffset, n))
}
