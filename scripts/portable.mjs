// `npm run portable`: dist/mia-<version>-linux-x64.tar.xz (Node runtime, bundled CLI/engine, native add-ons, `mia`
// launcher) and dist/mia-<version>-demo.tar.xz (demo models and datasets), which unpack into the same folder.
// Everything the CLI does not load stays out: tsx, Electron, the renderer, other platforms' binaries.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'))
const name = `mia-${version}`
const dist = path.join(root, 'dist')
const stage = path.join(dist, 'stage', name)
const demoStage = path.join(dist, 'stage-demo', name)
if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`The portable build is for linux-x64; this is ${process.platform}-${process.arch}.`)

/** Package files the CLI loads at run time (paths relative to node_modules; directories copied whole). */
const NATIVE = [
  'onnxruntime-node/package.json',
  'onnxruntime-node/dist',
  'onnxruntime-node/bin/napi-v6/linux/x64',
  'onnxruntime-common/package.json',
  'onnxruntime-common/dist/cjs',
  'sharp/package.json',
  'sharp/lib',
  'sharp/dist',
  '@img/sharp-linux-x64',
  '@img/sharp-libvips-linux-x64',
  '@img/colour',
  'detect-libc',
  'semver',
  'better-sqlite3/package.json',
  'better-sqlite3/lib',
  'better-sqlite3/build/Release/better_sqlite3.node',
  'bindings',
  'file-uri-to-path',
  '@resvg/resvg-js',
  '@resvg/resvg-js-linux-x64-gnu',
  // Loaded with createRequire at the first figure (src/main/engine/figures/svg.ts): its self-contained build only.
  'echarts/package.json',
  'echarts/dist/echarts.js'
]

function copy(rel, toRoot) {
  const from = path.join(root, 'node_modules', rel)
  if (!fs.existsSync(from)) throw new Error(`node_modules/${rel} is missing; run npm run setup first.`)
  fs.cpSync(from, path.join(toRoot, 'node_modules', rel), { recursive: true, dereference: true })
}

function bundle() {
  const out = path.join(stage, 'app', 'out', 'cli')
  // The engine reads resources and package.json three levels above its module (src/main/engine/config.ts REPO_ROOT).
  const banner = 'import { createRequire as __miaRequire } from "node:module"; const require = __miaRequire(import.meta.url);'
  const externals = ['onnxruntime-node', 'sharp', 'better-sqlite3', '@resvg/resvg-js', 'tsx', 'tsx/esm/api'].flatMap((e) => ['--external:' + e])
  const esbuild = path.join(root, 'node_modules', '.bin', 'esbuild')
  const entries = [
    `main=${path.join(root, 'src/cli/main.ts')}`,
    `worker-bootstrap=${path.join(root, 'src/main/host/worker-entry.ts')}`,
    `preprocess-worker=${path.join(root, 'src/main/engine/runner/preprocess-worker.ts')}`,
    // Found beside the engine by src/main/engine/worker-threads.ts (moduleEntry, .mjs).
    `bootstrap-worker=${path.join(root, 'src/main/engine/metrics/bootstrap-worker.ts')}`,
    `blind-worker=${path.join(root, 'src/main/engine/runner/blind-worker.ts')}`
  ]
  execFileSync(
    esbuild,
    [
      ...entries,
      '--bundle',
      '--platform=node',
      '--format=esm',
      '--target=node20',
      '--minify-syntax',
      `--outdir=${out}`,
      '--out-extension:.js=.mjs',
      `--banner:js=${banner}`,
      '--log-level=warning',
      ...externals
    ],
    { stdio: 'inherit' }
  )
}

function launcher() {
  const text = `#!/bin/sh
# MIA Workbench, portable: runs the bundled CLI on the bundled Node runtime, from wherever this folder is.
here=$(CDPATH= cd -- "\${0%/*}" && pwd -P)
exec "$here/runtime/node" "$here/app/out/cli/launch.cjs" "$@"
`
  fs.writeFileSync(path.join(stage, 'mia'), text, { mode: 0o755 })
  // As bin/mia.cjs: a CommonJS entry sizes libuv's thread pool before the ESM bundle loads (src/main/engine/runner/uv-threadpool.cjs).
  const cli = path.join(stage, 'app', 'out', 'cli')
  fs.copyFileSync(path.join(root, 'src/main/engine/runner/uv-threadpool.cjs'), path.join(cli, 'uv-threadpool.cjs'))
  const launch = `'use strict'
require('./uv-threadpool.cjs').withUvThreadpool(process.env)
import('./main.mjs')
`
  fs.writeFileSync(path.join(cli, 'launch.cjs'), launch)
}

function tarXz(dir, file) {
  fs.rmSync(file, { force: true })
  execFileSync('tar', ['-C', path.dirname(dir), '--owner=0', '--group=0', '-cf', file.replace(/\.xz$/, ''), path.basename(dir)])
  execFileSync('xz', ['-T0', '-9', '-f', file.replace(/\.xz$/, '')])
  return fs.statSync(file).size
}

fs.rmSync(path.join(dist, 'stage'), { recursive: true, force: true })
fs.rmSync(path.join(dist, 'stage-demo'), { recursive: true, force: true })
fs.mkdirSync(path.join(stage, 'runtime'), { recursive: true })
bundle()
launcher()
fs.copyFileSync(process.execPath, path.join(stage, 'runtime', 'node'))
fs.chmodSync(path.join(stage, 'runtime', 'node'), 0o755)
for (const rel of NATIVE) copy(rel, stage)
fs.writeFileSync(path.join(stage, 'package.json'), JSON.stringify({ name: 'mia-workbench', version, private: true, type: 'module' }, null, 2) + '\n')
fs.cpSync(path.join(root, 'resources', 'fonts'), path.join(stage, 'resources', 'fonts'), { recursive: true })
for (const f of ['README.md', 'LICENSE', 'SECURITY.md']) if (fs.existsSync(path.join(root, f))) fs.copyFileSync(path.join(root, f), path.join(stage, f))
fs.mkdirSync(path.join(demoStage, 'resources'), { recursive: true })
for (const d of ['models', 'datasets']) fs.cpSync(path.join(root, 'resources', d), path.join(demoStage, 'resources', d), { recursive: true })

const runtimeFile = path.join(dist, `${name}-linux-x64.tar.xz`)
const demoFile = path.join(dist, `${name}-demo.tar.xz`)
const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`
console.log(`${path.relative(root, runtimeFile)}: ${mib(tarXz(stage, runtimeFile))} (target <= 45 MiB)`)
console.log(`${path.relative(root, demoFile)}: ${mib(tarXz(demoStage, demoFile))}`)
fs.rmSync(path.join(dist, 'stage'), { recursive: true, force: true })
fs.rmSync(path.join(dist, 'stage-demo'), { recursive: true, force: true })
