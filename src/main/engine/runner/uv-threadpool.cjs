// libuv's thread pool is one per process, sized once, at its first use (default: 4 threads). It runs sharp's decodes
// for every preprocessing worker thread, onnxruntime-node's session runs and file reads, so with cores − 1
// preprocessing workers (runner/preprocess-pool.ts) four threads would let a 16-core GPU host decode only four
// images at a time. The size has to be in the environment before anything uses the pool: set here by a CommonJS entry
// (bin/mia.cjs, the portable build's launch.cjs) or passed to a new process (Electron's engine utilityProcess). An ESM
// entry is too late: loading it already reads files on the pool (test/main/engine/runner/uv-threadpool.test.ts shows both).
// CommonJS so that those entries can load it synchronously, before any module of the app.
'use strict'
const os = require('node:os')

/** libuv's own bounds: at most 1024 threads; an unset, zero or unreadable value means 4. */
const LIBUV_MAX = 1024
const LIBUV_DEFAULT = 4

/** Threads for a machine of `cores`: one per preprocessing worker (cores − 1), plus the inference run and file reads. */
function uvThreadpoolSize(cores) {
  return Math.min(LIBUV_MAX, Math.max(LIBUV_DEFAULT, cores + 2))
}

/** The size libuv takes from `env` (as libuv reads UV_THREADPOOL_SIZE). */
function uvThreadpoolOf(env) {
  const n = parseInt(env.UV_THREADPOOL_SIZE ?? '', 10)
  return n > 0 ? Math.min(LIBUV_MAX, n) : LIBUV_DEFAULT
}

/** Sets env.UV_THREADPOOL_SIZE for `cores` unless the user set it (their choice wins); returns env. */
function withUvThreadpool(env, cores = os.availableParallelism()) {
  if (!env.UV_THREADPOOL_SIZE) env.UV_THREADPOOL_SIZE = String(uvThreadpoolSize(cores))
  return env
}

module.exports = { uvThreadpoolSize, uvThreadpoolOf, withUvThreadpool }
