// The portable archives (`npm run portable`): unpacked together into a temp dir, `mia info --json` and a demo
// `mia run` under a clean environment (env -i, a PATH without Node) give the source checkout's metrics.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { uvThreadpoolSize } from '../../src/main/engine/runner/uv-threadpool.cjs'
import { runProcess } from '../helpers/run-process'
import { SWIFTSHADER_ICD, swiftshaderMissing } from '../helpers/swiftshader'

const root = path.resolve('.')
const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }
const runtime = path.join(root, 'dist', `mia-${version}-linux-x64.tar.xz`)
const demo = path.join(root, 'dist', `mia-${version}-demo.tar.xz`)
const missing = process.platform !== 'linux' || process.arch !== 'x64' ? 'portable build is linux-x64 only' : [runtime, demo].find((f) => !fs.existsSync(f))
if (missing) console.warn(`Portable-build test skipped: ${missing.startsWith('/') ? `${path.relative(root, missing)} is absent (run \`npm run portable\` first; .ci/run does)` : missing}.`)

const run = runProcess

describe.skipIf(Boolean(missing))('portable build', { timeout: 600_000 }, () => {
  let dir: string
  let mia: string
  // A clean environment: no Node on PATH, no inherited variables; HOME inside the temp dir.
  const clean = (): NodeJS.ProcessEnv => ({ PATH: '/nonexistent', HOME: dir })
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-portable-'))
    for (const archive of [runtime, demo]) expect((await run('/bin/tar', ['-C', dir, '-xJf', archive], process.env)).code).toBe(0)
    mia = path.join(dir, `mia-${version}`, 'mia')
  })
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

  it('runs `mia info --json` on its own Node runtime and reports the providers found', async () => {
    // A preload makes this a 16-core machine, so that the launcher's pool size differs from libuv's default 4.
    const sixteen = path.join(dir, 'sixteen-cores.cjs')
    fs.writeFileSync(sixteen, "require('node:os').availableParallelism = () => 16\n")
    const r = await run(mia, ['--workspace', path.join(dir, 'ws'), 'info', '--json'], { ...clean(), NODE_OPTIONS: `--require ${sixteen}` })
    expect(r.code, r.stderr).toBe(0)
    const info = JSON.parse(r.stdout) as { version: string; paths: { bundledModels: string }; capabilities: { executionProviders: string[] }; threads: { uvThreadpool: number } }
    expect(info.version).toBe(version)
    expect(info.capabilities.executionProviders.at(-1)).toBe('cpu')
    expect(info.paths.bundledModels).toBe(path.join(dir, `mia-${version}`, 'resources', 'models'))
    // Its CommonJS launch.cjs sized libuv's pool for this machine before the bundle loaded (engine/runner/uv-threadpool.cjs).
    expect(info.threads.uvThreadpool).toBe(uvThreadpoolSize(16))
  })

  it.skipIf(swiftshaderMissing() !== null)('finds the WebGPU backend it carries (on SwiftShader here)', async () => {
    const xdg = fs.mkdtempSync(path.join(dir, 'xdg-'))
    const r = await run(mia, ['--workspace', path.join(dir, 'ws'), 'info', '--json'], { ...clean(), VK_ICD_FILENAMES: SWIFTSHADER_ICD, XDG_RUNTIME_DIR: xdg })
    expect(r.code, r.stderr).toBe(0)
    const info = JSON.parse(r.stdout) as { capabilities: { executionProviders: string[]; adapter: { architecture: string } | null } }
    expect(info.capabilities.executionProviders).toContain('webgpu')
    expect(info.capabilities.adapter?.architecture).toBe('swiftshader')
  })

  it('runs a demo experiment with the metrics of the source checkout', async () => {
    const args = ['run', '--model', 'demo-clip-s', '--dataset', 'emoji-demo', '--attack', 'csa', '--json']
    const packed = await run(mia, ['--workspace', path.join(dir, 'ws'), ...args], clean())
    expect(packed.code, packed.stderr).toBe(0)
    const source = await run(process.execPath, [path.join(root, 'bin/mia.cjs'), '--workspace', path.join(dir, 'ws-source'), ...args], process.env)
    expect(source.code, source.stderr).toBe(0)
    const [a, b] = [JSON.parse(packed.stdout), JSON.parse(source.stdout)] as Array<{ n: unknown; metrics: { auc: number; aucCI: unknown; tprAtFpr: unknown } }>
    expect(a.n).toEqual(b.n)
    expect(a.metrics.auc).toBe(b.metrics.auc)
    expect(a.metrics.aucCI).toEqual(b.metrics.aucCI)
    expect(a.metrics.tprAtFpr).toEqual(b.metrics.tprAtFpr)
  })
})
