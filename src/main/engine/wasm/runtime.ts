// The engine's WebAssembly: compile a committed module once per process, make shared (or thread-private) memory, instantiate on it.
import { WorkbenchError } from '../../../shared/contract/errors'

/** A compiled module; structured-cloneable, so worker threads instantiate it without recompiling. */
export type WasmModule = object

/** A shared WebAssembly memory; its buffer is visible to every thread it is posted to. */
export interface SharedWasmMemory {
  readonly buffer: SharedArrayBuffer
}

// Why: the Node typings (lib ES2023, no DOM) declare no WebAssembly values; this is the part we use.
interface WasmApi {
  Module: new (bytes: Uint8Array) => WasmModule
  Instance: new (module: WasmModule, imports: object) => { exports: unknown }
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => SharedWasmMemory & PrivateWasmMemory
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly

/** A growable memory that only the thread which made it uses (kernels without worker threads). */
export interface PrivateWasmMemory {
  readonly buffer: ArrayBuffer
  /** Add `pages` pages; throws a RangeError when the engine cannot. Views made before it are detached. */
  grow(pages: number): number
}

/** Bytes in a WebAssembly page. */
export const WASM_PAGE = 65536
/** Pages a 32-bit memory may hold (4 GiB). */
export const MAX_WASM_PAGES = 65536

const compiled = new Map<string, WasmModule>()

/** The module whose binary is `base64` (a generated `*-wasm.ts`, see assemble.ts), compiled once per process. */
export function compileWasm(base64: string): WasmModule {
  let module = compiled.get(base64)
  if (!module) {
    module = new wasm.Module(Buffer.from(base64, 'base64'))
    compiled.set(base64, module)
  }
  return module
}

/** How much shared memory to make and what to say when it cannot be had. */
export interface SharedMemoryRequest {
  /** Bytes needed now (rounded up to pages). */
  bytes: number
  /** Most pages the memory may ever have (default: exactly what `bytes` needs; at most MAX_WASM_PAGES). */
  maximumPages?: number
  /** The error when `bytes` exceeds `maximumPages`, given the pages it would need. */
  tooLarge(pages: number): WorkbenchError
}

/** A shared memory of at least `bytes`, for the threads that will instantiate kernels on it. */
export function sharedMemory(request: SharedMemoryRequest): SharedWasmMemory {
  const pages = Math.max(1, Math.ceil(request.bytes / WASM_PAGE))
  const maximum = Math.min(request.maximumPages ?? pages, MAX_WASM_PAGES)
  if (pages > maximum) throw request.tooLarge(pages)
  return new wasm.Memory({ initial: pages, maximum, shared: true })
}

/** A private memory of at least `bytes`, growable up to 4 GiB (its module imports a non-shared memory). */
export function privateMemory(bytes: number): PrivateWasmMemory {
  return new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / WASM_PAGE)) })
}

/** Instantiate `module` on `memory` (its only import, `env.memory`); `T` is the shape of its exports. */
export function instantiate<T>(module: WasmModule, memory: SharedWasmMemory | PrivateWasmMemory): T {
  return new wasm.Instance(module, { env: { memory } }).exports as T
}
