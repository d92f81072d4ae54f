// Public surface of the engine's WebAssembly runtime: compiled modules and the shared memory worker threads share
// (the threads themselves start through worker-threads.ts).
export { compileWasm, sharedMemory, instantiate, WASM_PAGE, MAX_WASM_PAGES } from './runtime'
export type { WasmModule, SharedWasmMemory, SharedMemoryRequest } from './runtime'
