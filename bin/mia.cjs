#!/usr/bin/env node
// `mia` launcher: runs the TypeScript CLI from the source checkout through tsx's loader. CommonJS on purpose: libuv's
// thread pool is sized from the environment at its first use, which loading an ESM entry already is
// (src/main/engine/runner/uv-threadpool.cjs).
'use strict'
require('../src/main/engine/runner/uv-threadpool.cjs').withUvThreadpool(process.env)
import('tsx/esm/api').then(({ register }) => {
  register()
  return import('../src/cli/main.ts')
})
