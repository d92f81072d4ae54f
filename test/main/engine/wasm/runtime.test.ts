// The WebAssembly runtime: committed kernels match their .wat, memory limits are errors (worker threads: ../worker-threads.test.ts).
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../../../src/main/engine'
import { NN_WASM_BASE64 } from '../../../../src/main/engine/attacks/kernels/nn-wasm'
import { RESAMPLE_WASM_BASE64 } from '../../../../src/main/engine/metrics/resample-wasm'
import { compileWasm, instantiate, sharedMemory, WASM_PAGE } from '../../../../src/main/engine/wasm'
import { assembleWat, generatedModule, moduleSource } from '../../../../src/main/engine/wasm/assemble'
import { WorkbenchError } from '../../../../src/shared/contract/errors'

const ENGINE = path.join(REPO_ROOT, 'src', 'main', 'engine')

describe('assemble', () => {
  it('regenerates every committed kernel module byte for byte', async () => {
    for (const wat of ['attacks/kernels/nn.wat', 'metrics/resample.wat', 'preprocess/pil-resample.wat'].map((f) => path.join(ENGINE, f))) {
      const { file, constant } = generatedModule(wat)
      expect(moduleSource(path.basename(wat), constant, await assembleWat(wat))).toBe(fs.readFileSync(file, 'utf8'))
    }
    expect(generatedModule('/x/nn.wat')).toEqual({ file: '/x/nn-wasm.ts', constant: 'NN_WASM_BASE64' })
  })
})

describe('runtime', () => {
  it('compiles a module once and instantiates it on shared memory that every instance sees', () => {
    expect(compileWasm(NN_WASM_BASE64)).toBe(compileWasm(NN_WASM_BASE64))
    const memory = sharedMemory({ bytes: 3 * WASM_PAGE + 1, tooLarge: () => new WorkbenchError({ code: 'internal', message: 'too large' }) })
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer)
    expect(memory.buffer.byteLength).toBe(4 * WASM_PAGE)
    const a = instantiate<{ transpose(src: number, dst: number, rows: number, cols: number, lds: number, ldd: number): void }>(compileWasm(NN_WASM_BASE64), memory)
    const m = new Float32Array(memory.buffer, 0, 32)
    m.set(Array.from({ length: 16 }, (_, i) => i))
    a.transpose(0, 64, 4, 4, 4, 4)
    expect(Array.from(m.subarray(16, 20))).toEqual([0, 4, 8, 12])
    expect(compileWasm(RESAMPLE_WASM_BASE64)).not.toBe(compileWasm(NN_WASM_BASE64))
  })

  it("refuses memory beyond the limit with the caller's error, naming the pages", () => {
    const tooLarge = (pages: number): WorkbenchError => new WorkbenchError({ code: 'invalid-input', message: `needs ${pages} pages` })
    expect(() => sharedMemory({ bytes: 10 * WASM_PAGE, maximumPages: 4, tooLarge })).toThrow('needs 10 pages')
    expect(() => sharedMemory({ bytes: 2 ** 32 + 1, tooLarge })).toThrow('needs 65537 pages')
  })
})
