// Builds main (Electron), preload and renderer; the engine stays external native-module-wise.
import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import vue from '@vitejs/plugin-vue'
import { META_CONTENT_SECURITY_POLICY } from './src/shared/csp'

const nativeModules = ['better-sqlite3', 'onnxruntime-node', 'sharp', 'electron']

// Worker-thread entries of the engine (src/main/engine/worker-threads.ts, moduleEntry): each is built to
// out/main/<name>.js, where the bundled engine (out/main/chunks/) finds it.
const workerEntries = {
  'bootstrap-worker': resolve('src/main/engine/metrics/bootstrap-worker.ts'),
  // The preprocessing pool's worker (src/main/engine/runner/preprocess-pool.ts finds it beside the bundle).
  'preprocess-worker': resolve('src/main/engine/runner/preprocess-worker.ts'),
  // The blind baseline's folds (src/main/engine/runner/blind-thread.ts), off the engine thread.
  'blind-worker': resolve('src/main/engine/runner/blind-worker.ts')
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: { index: resolve('src/main/index.ts'), ...workerEntries },
        external: nativeModules
      }
    }
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // Sandboxed preloads must be CommonJS.
        output: { format: 'cjs', entryFileNames: '[name].cjs' }
      }
    }
  },
  renderer: {
    root: 'src/renderer',
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve('src/renderer/index.html') } }
    },
    plugins: [vue(), { name: 'mia-csp', transformIndexHtml: (html: string) => html.replace('%MIA_META_CSP%', META_CONTENT_SECURITY_POLICY) }]
  }
})
