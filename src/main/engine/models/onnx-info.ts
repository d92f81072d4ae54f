// Reads an ONNX file's interface and weight statistics from its protobuf without loading the weights.
import fs from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'
import { float16ToFloat32 } from '../float16'
import { logitAffines, type GraphNode, type LogitAffine } from './logit-affine'
import { ProtobufError, ProtobufFileReader, WIRE } from './protobuf-reader'

/** One graph input or output: element type as onnxruntime names it, shape with symbolic dims as strings. */
export interface OnnxValueInfo {
  name: string
  type: string
  /** null when the graph declares no shape (unknown rank). */
  shape: Array<number | string> | null
}

/** What the registry needs to know about one .onnx file. */
export interface OnnxFileInfo {
  file: string
  bytes: number
  irVersion: number
  producer: string
  /** Opset of the default ONNX domain. */
  opset: number | null
  inputs: OnnxValueInfo[]
  outputs: OnnxValueInfo[]
  /** Elements of weight initializers (see countsAsParameter). */
  parameterCount: number
  /** Initializer elements per element type, e.g. { float32: 87e6 }. */
  weightElements: Record<string, number>
  /** External-data files the initializers point to, relative to the .onnx file. */
  externalData: string[]
  /** Distinct operator types of the main graph. */
  ops: string[]
  /** Most rows of any rank-2 initializer: a token-embedding table has at least the tokenizer's vocabulary. */
  maxInitializerRows: number
  /** Values of one-element float initializers by name (e.g. SigLIP's `logit_scale`, `logit_bias`). */
  scalars: Record<string, number>
  /** Per logits output of a combined graph, the scalar multiplier and bias of the image–text product (logit-affine.ts). */
  logitAffine: Record<string, LogitAffine>
}

// TensorProto.DataType numbers (onnx.proto3) -> onnxruntime-node type names.
const ELEM_TYPES: Record<number, string> = {
  1: 'float32',
  2: 'uint8',
  3: 'int8',
  4: 'uint16',
  5: 'int16',
  6: 'int32',
  7: 'int64',
  8: 'string',
  9: 'bool',
  10: 'float16',
  11: 'float64',
  12: 'uint32',
  13: 'uint64',
  14: 'complex64',
  15: 'complex128',
  16: 'bfloat16',
  21: 'uint4',
  22: 'int4'
}
const FLOAT_TYPES = new Set(['float32', 'float16', 'bfloat16', 'float64'])
const QUANT_TYPES = new Set(['int8', 'uint8', 'int4', 'uint4'])

/** Operators that only appear in quantized graphs (onnxruntime quantization tool, MatMulNBits / MatMulBnb4 4-bit). */
export const QUANTIZATION_OPS = new Set([
  'QuantizeLinear',
  'DequantizeLinear',
  'DynamicQuantizeLinear',
  'MatMulInteger',
  'ConvInteger',
  'QLinearMatMul',
  'QLinearConv',
  'MatMulNBits',
  'MatMulBnb4',
  'GatherBlockQuantized',
  'DynamicQuantizeMatMul',
  'QAttention'
])

/**
 * A weight is a floating-point initializer of rank >= 1, or an 8/4-bit one of rank >= 2 (quantized
 * weights); scalars and int64 shape constants are not. For an fp32/fp16 export of CLIP this equals
 * PyTorch's parameter count less the 0-d logit_scale.
 */
function countsAsParameter(type: string, rank: number): boolean {
  return (FLOAT_TYPES.has(type) && rank >= 1) || (QUANT_TYPES.has(type) && rank >= 2)
}

type Reader = ProtobufFileReader

async function sub(r: Reader, wire: number, end: number, body: (stop: number) => Promise<void>): Promise<void> {
  if (wire !== WIRE.bytes) throw new ProtobufError(`expected a length-delimited field at offset ${r.pos}`)
  const n = await r.length(end)
  const stop = r.pos + n
  await body(stop)
  r.pos = stop
}

async function fields(r: Reader, end: number, on: (field: number, wire: number) => Promise<boolean>): Promise<void> {
  for (let t = await r.tag(end); t; t = await r.tag(end)) {
    if (!(await on(t.field, t.wire))) await r.skip(t.wire, end)
  }
}

async function str(r: Reader, wire: number, end: number): Promise<string> {
  let s = ''
  await sub(r, wire, end, async (stop) => {
    s = await r.string(stop - r.pos)
  })
  return s
}

async function readDim(r: Reader, end: number): Promise<number | string> {
  let dim: number | string = '?'
  await fields(r, end, async (f, w) => {
    if (f === 1 && w === WIRE.varint) dim = await r.varint()
    else if (f === 2) dim = await str(r, w, end)
    else return false
    return true
  })
  return dim
}

async function readValueInfo(r: Reader, end: number): Promise<OnnxValueInfo> {
  const v: OnnxValueInfo = { name: '', type: 'unknown', shape: null }
  await fields(r, end, async (f, w) => {
    if (f === 1) v.name = await str(r, w, end)
    else if (f === 2) {
      // TypeProto.tensor_type (1) -> elem_type (1), shape (2) -> dim (1)
      await sub(r, w, end, (typeEnd) =>
        fields(r, typeEnd, async (tf, tw) => {
          if (tf !== 1) return false
          await sub(r, tw, typeEnd, (tensorEnd) =>
            fields(r, tensorEnd, async (ef, ew) => {
              if (ef === 1 && ew === WIRE.varint) v.type = ELEM_TYPES[await r.varint()] ?? 'unknown'
              else if (ef === 2) {
                v.shape = []
                await sub(r, ew, tensorEnd, (shapeEnd) =>
                  fields(r, shapeEnd, async (df, dw) => {
                    if (df !== 1) return false
                    await sub(r, dw, shapeEnd, async (dimEnd) => void v.shape!.push(await readDim(r, dimEnd)))
                    return true
                  })
                )
              } else return false
              return true
            })
          )
          return true
        })
      )
    } else return false
    return true
  })
  return v
}

interface Initializer {
  name: string
  type: string
  dims: number[]
  location: string | null
  /** float_data (field 4) or raw_data (field 9) of at most 8 bytes: a scalar's value; larger weights are skipped. */
  small: { floats: number[]; raw: Buffer | null }
}

async function readSmallData(r: Reader, f: number, w: number, end: number, t: Initializer): Promise<void> {
  if (f === 4 && w === WIRE.fixed32) {
    t.small.floats.push((await r.bytes(4)).readFloatLE(0))
    return
  }
  const n = await r.length(end)
  if (n > 8) {
    r.pos += n
    return
  }
  const b = await r.bytes(n)
  if (f === 9) t.small.raw = b
  else for (let k = 0; k + 4 <= n; k += 4) t.small.floats.push(b.readFloatLE(k))
}

/** The value of a one-element float32/float16 initializer, or null. */
function scalarValue(t: Initializer): number | null {
  if (t.dims.reduce((a, b) => a * b, 1) !== 1) return null
  if (t.type === 'float32') return t.small.floats[0] ?? (t.small.raw?.length === 4 ? t.small.raw.readFloatLE(0) : null)
  if (t.type === 'float16' && t.small.raw?.length === 2) return float16ToFloat32(new Uint16Array([t.small.raw.readUInt16LE(0)]))[0]
  return null
}

async function readTensorHeader(r: Reader, end: number): Promise<Initializer> {
  const t: Initializer = { name: '', type: 'unknown', dims: [], location: null, small: { floats: [], raw: null } }
  await fields(r, end, async (f, w) => {
    if (f === 1) t.dims.push(...(await r.int64s(w, end)))
    else if (f === 4 || (f === 9 && w === WIRE.bytes)) await readSmallData(r, f, w, end, t)
    else if (f === 2 && w === WIRE.varint) t.type = ELEM_TYPES[await r.varint()] ?? 'unknown'
    else if (f === 8) t.name = await str(r, w, end)
    else if (f === 13) {
      // StringStringEntryProto {key 1, value 2}; the "location" entry names the external file.
      let key = ''
      let value = ''
      await sub(r, w, end, (entryEnd) =>
        fields(r, entryEnd, async (ef, ew) => {
          if (ef === 1) key = await str(r, ew, entryEnd)
          else if (ef === 2) value = await str(r, ew, entryEnd)
          else return false
          return true
        })
      )
      if (key === 'location') t.location = value
    } else return false
    return true
  })
  return t
}

interface NodeParts extends GraphNode {
  /** A Constant node's one-element float value ("value" tensor or "value_float"), else null. */
  value: number | null
}

/** AttributeProto {name 1, f 2, t 5}: the scalar an attribute holds, if it is one. */
async function readAttributeScalar(r: Reader, end: number): Promise<{ name: string; value: number | null }> {
  const a = { name: '', value: null as number | null }
  await fields(r, end, async (f, w) => {
    if (f === 1) a.name = await str(r, w, end)
    else if (f === 2 && w === WIRE.fixed32) a.value = (await r.bytes(4)).readFloatLE(0)
    else if (f === 5) await sub(r, w, end, async (stop) => void (a.value = scalarValue(await readTensorHeader(r, stop))))
    else return false
    return true
  })
  return a
}

/** NodeProto {input 1, output 2, op_type 4, attribute 5}. */
async function readNode(r: Reader, end: number): Promise<NodeParts> {
  const n: NodeParts = { op: '', inputs: [], outputs: [], value: null }
  const attributes: Array<{ name: string; value: number | null }> = []
  await fields(r, end, async (f, w) => {
    if (f === 1) n.inputs.push(await str(r, w, end))
    else if (f === 2) n.outputs.push(await str(r, w, end))
    else if (f === 4) n.op = await str(r, w, end)
    else if (f === 5) await sub(r, w, end, async (stop) => void attributes.push(await readAttributeScalar(r, stop)))
    else return false
    return true
  })
  if (n.op === 'Constant') n.value = attributes.find((a) => a.name === 'value' || a.name === 'value_float')?.value ?? null
  return n
}

interface GraphParts {
  inputs: OnnxValueInfo[]
  outputs: OnnxValueInfo[]
  initializers: Initializer[]
  ops: Set<string>
  nodes: NodeParts[]
}

async function readGraph(r: Reader, end: number): Promise<GraphParts> {
  const g: GraphParts = { inputs: [], outputs: [], initializers: [], ops: new Set(), nodes: [] }
  await fields(r, end, async (f, w) => {
    if (f === 1)
      await sub(r, w, end, async (stop) => {
        const node = await readNode(r, stop)
        g.ops.add(node.op)
        g.nodes.push(node)
      })
    else if (f === 5) await sub(r, w, end, async (stop) => void g.initializers.push(await readTensorHeader(r, stop)))
    else if (f === 11) await sub(r, w, end, async (stop) => void g.inputs.push(await readValueInfo(r, stop)))
    else if (f === 12) await sub(r, w, end, async (stop) => void g.outputs.push(await readValueInfo(r, stop)))
    else return false
    return true
  })
  return g
}

function summarise(file: string, bytes: number, head: { ir: number; producer: string; opset: number | null }, g: GraphParts): OnnxFileInfo {
  const initNames = new Set(g.initializers.map((i) => i.name))
  const weightElements: Record<string, number> = {}
  let parameterCount = 0
  let maxInitializerRows = 0
  const scalars: Record<string, number> = {}
  for (const init of g.initializers) {
    const value = scalarValue(init)
    if (value !== null) scalars[init.name] = value
    if (init.dims.length === 2) maxInitializerRows = Math.max(maxInitializerRows, init.dims[0])
    const n = init.dims.reduce((a, b) => a * b, 1)
    weightElements[init.type] = (weightElements[init.type] ?? 0) + n
    if (countsAsParameter(init.type, init.dims.length)) parameterCount += n
  }
  const constants = new Map(g.nodes.flatMap((n) => (n.value !== null && n.outputs.length === 1 ? [[n.outputs[0], n.value] as const] : [])))
  const scalarOf = (name: string): number | null => (Object.hasOwn(scalars, name) ? scalars[name] : (constants.get(name) ?? null))
  const externalData = [...new Set(g.initializers.flatMap((i) => (i.location ? [i.location] : [])))]
  return {
    file,
    bytes,
    irVersion: head.ir,
    producer: head.producer,
    opset: head.opset,
    // IR < 4 lists initializers among the inputs; they are weights, not feeds.
    inputs: g.inputs.filter((i) => !initNames.has(i.name)),
    outputs: g.outputs,
    parameterCount,
    weightElements,
    externalData,
    ops: [...g.ops].filter(Boolean).sort(),
    maxInitializerRows,
    scalars,
    logitAffine: logitAffines(
      g.nodes,
      g.outputs.map((o) => o.name),
      scalarOf
    )
  }
}

async function readModel(r: Reader, file: string): Promise<OnnxFileInfo> {
  const head = { ir: 0, producer: '', opset: null as number | null }
  let graph: GraphParts | null = null
  await fields(r, r.size, async (f, w) => {
    if (f === 1 && w === WIRE.varint) head.ir = await r.varint()
    else if (f === 2) head.producer = await str(r, w, r.size)
    else if (f === 7) await sub(r, w, r.size, async (stop) => void (graph = await readGraph(r, stop)))
    else if (f === 8) {
      let domain = ''
      let version = 0
      await sub(r, w, r.size, (stop) =>
        fields(r, stop, async (of, ow) => {
          if (of === 1) domain = await str(r, ow, stop)
          else if (of === 2 && ow === WIRE.varint) version = await r.varint()
          else return false
          return true
        })
      )
      if (domain === '' || domain === 'ai.onnx') head.opset = version
    } else return false
    return true
  })
  if (graph === null || head.ir === 0) throw new ProtobufError('it parses as protobuf but has no ONNX graph or IR version')
  return summarise(file, r.size, head, graph)
}

const notOnnxHint = 'Replace it with the real .onnx file from the model export (Hugging Face layout: onnx/vision_model.onnx, onnx/text_model.onnx or onnx/model.onnx).'

async function sniff(file: string, bytes: number): Promise<WorkbenchError | null> {
  const name = path.basename(file)
  if (bytes === 0) return new WorkbenchError({ code: 'bad-model', item: file, message: `${name} is empty (0 bytes).`, hint: notOnnxHint })
  const handle = await fs.open(file, 'r')
  const head = Buffer.alloc(Math.min(bytes, 64))
  try {
    await handle.read(head, 0, head.length, 0)
  } finally {
    await handle.close()
  }
  const text = head.toString('latin1')
  if (text.startsWith('version https://git-lfs')) {
    return new WorkbenchError({
      code: 'bad-model',
      item: file,
      message: `${name} is a Git LFS pointer, not the model itself.`,
      hint: 'Run `git lfs pull` in the repository the model came from, or download the file directly.'
    })
  }
  if (/^\s*[<{[]/.test(text)) {
    const preview = text
      .replace(/[^\x20-\x7e]/g, ' ')
      .trim()
      .slice(0, 40)
    return new WorkbenchError({ code: 'bad-model', item: file, message: `${name} is not an ONNX model: it is text starting with "${preview}".`, hint: notOnnxHint })
  }
  return null
}

/** Interface, opset and weight statistics of an .onnx file; throws 'bad-model' naming the file if it is not ONNX. */
export async function readOnnxInfo(file: string): Promise<OnnxFileInfo> {
  const name = path.basename(file)
  let reader: ProtobufFileReader
  try {
    reader = await ProtobufFileReader.open(file)
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === 'ENOENT'
    throw new WorkbenchError({ code: 'bad-model', item: file, message: missing ? `${name} does not exist.` : `${name} cannot be read: ${(err as Error).message}`, hint: notOnnxHint }, { cause: err })
  }
  try {
    const sniffed = await sniff(file, reader.size)
    if (sniffed) throw sniffed
    return await readModel(reader, file)
  } catch (err) {
    if (!(err instanceof ProtobufError)) throw err
    const truncated = /file ends/.test(err.message)
    const message = truncated ? `${name} is truncated or corrupt (${reader.size} bytes; ${err.message}).` : `${name} is not a valid ONNX model (${err.message}).`
    throw new WorkbenchError({ code: 'bad-model', item: file, message, hint: truncated ? 'Download or export the file again; it is incomplete.' : notOnnxHint }, { cause: err })
  } finally {
    await reader.close()
  }
}
