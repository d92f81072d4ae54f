// Public surface of the engine's WebAssembly runtime: compiled modules, shared or thread-private memory (worker
// threads start through worker-threads.ts).
export { compileWasm, sharedMemory, privateMemory, instantiate, WASM_PAGE, MAX_WASM_PAGES } from './runtime'
export type { WasmModule, SharedWasmMemory, SharedMemoryRequest, PrivateWasmMemory } from './runtime'
