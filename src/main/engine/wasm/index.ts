// Public surface of the engine's WebAssembly runtime: compiled modules, shared memory, and the worker threads that share it.
export { compileWasm, sharedMemory, privateMemory, instantiate, WASM_PAGE, MAX_WASM_PAGES } from './runtime'
export type { WasmModule, SharedWasmMemory, SharedMemoryRequest, PrivateWasmMemory } from './runtime'
export { moduleEntry, startWorker } from './threads'
export type { WorkerScript } from './threads'
