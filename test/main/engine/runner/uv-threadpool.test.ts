// libuv's thread pool runs every preprocessing worker's decodes; its size must be set before the pool's first use
// (src/main/engine/runner/uv-threadpool.cjs). Checked: the rule, that a CommonJS prelude really sizes the pool while an
// ESM entry's body is too late (six file reads blocked on FIFOs occupy six pool threads; a seventh operation only runs
// when the pool has more), and that the launcher applies the rule and `mia info` reports it.
import { execFileSync, spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { uvThreadpoolOf, uvThreadpoolSize, withUvThreadpool } from '../../../../src/main/engine/runner/uv-threadpool.cjs'
import { tempDir } from '../../../helpers/workspace'

const MODULE = path.resolve('src/main/engine/runner/uv-threadpool.cjs')

describe('the pool size rule', () => {
  it('gives one thread per preprocessing worker plus inference and file reads, within libuv’s 4 … 1024', () => {
    expect([1, 2, 3, 16, 64, 5000].map(uvThreadpoolSize)).toEqual([4, 4, 5, 18, 66, 1024])
  })

  it('reads a size as libuv does: unset, zero or unreadable is 4, above 1024 is 1024', () => {
    expect(['', '0', 'many', '-3', '8', '5000'].map((v) => uvThreadpoolOf({ UV_THREADPOOL_SIZE: v }))).toEqual([4, 4, 4, 4, 8, 1024])
    expect(uvThreadpoolOf({})).toBe(4)
  })

  it('sets the size only where the user did not', () => {
    expect(withUvThreadpool<NodeJS.ProcessEnv>({}, 16).UV_THREADPOOL_SIZE).toBe('18')
    expect(withUvThreadpool({ UV_THREADPOOL_SIZE: '3' }, 16).UV_THREADPOOL_SIZE).toBe('3')
  })
})

// Six reads of FIFOs nobody writes hold six pool threads; a stat then runs only if a seventh thread exists.
const PROBE = `
import fs from 'node:fs'
import path from 'node:path'
const dir = process.env.PROBE_DIR
const fifos = Array.from({ length: 6 }, (_, i) => path.join(dir, 'fifo' + i))
const reads = fifos.map((f) => fs.promises.readFile(f).catch(() => undefined))
const verdict = await Promise.race([fs.promises.stat(dir).then(() => 'ran'), new Promise((r) => setTimeout(() => r('blocked'), 2000).unref())])
process.stdout.write(verdict)
// Release the readers (a writer that opens and closes gives each EOF), or exit would wait for their threads.
let open = true
Promise.all(reads).then(() => (open = false))
while (open) {
  for (const f of fifos) {
    try { fs.closeSync(fs.openSync(f, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK)) } catch {}
  }
  await new Promise((r) => setTimeout(r, 20))
}
`

describe.runIf(process.platform === 'linux')('sizing the pool takes effect only before its first use', () => {
  const setup = (): { dir: string; cleanup: () => void } => {
    const ws = tempDir('mia-uvpool-')
    for (let i = 0; i < 6; i++) execFileSync('mkfifo', [path.join(ws.dir, 'fifo' + i)])
    fs.writeFileSync(path.join(ws.dir, 'probe.mjs'), PROBE)
    return ws
  }
  const env = (dir: string): NodeJS.ProcessEnv => {
    const e: NodeJS.ProcessEnv = { ...process.env, PROBE_DIR: dir }
    delete e.UV_THREADPOOL_SIZE
    return e
  }

  it('a CommonJS prelude (as bin/mia.cjs) gives the probe a seventh thread', () => {
    const ws = setup()
    try {
      // cores 6 → 8 threads
      const prelude = `require(${JSON.stringify(MODULE)}).withUvThreadpool(process.env, 6); import(${JSON.stringify(path.join(ws.dir, 'probe.mjs'))})`
      const out = spawnSync(process.execPath, ['-e', prelude], { env: env(ws.dir), encoding: 'utf8', timeout: 20_000 })
      expect(out.stdout).toBe('ran')
    } finally {
      ws.cleanup()
    }
  })

  it('an ESM entry that sets the size in its body is too late: the pool already has its 4 threads', () => {
    const ws = setup()
    try {
      const entry = path.join(ws.dir, 'entry.mjs')
      fs.writeFileSync(entry, `process.env.UV_THREADPOOL_SIZE = '8'\nawait import(${JSON.stringify(path.join(ws.dir, 'probe.mjs'))})\n`)
      const out = spawnSync(process.execPath, [entry], { env: env(ws.dir), encoding: 'utf8', timeout: 20_000 })
      expect(out.stdout).toBe('blocked')
    } finally {
      ws.cleanup()
    }
  })
})

describe('the launcher', () => {
  // A preload that makes this a 16-core machine for the launcher (on 2 cores the rule gives libuv's default 4 anyway).
  const ws = tempDir('mia-uvpool-launcher-')
  const sixteen = path.join(ws.dir, 'sixteen-cores.cjs')
  fs.writeFileSync(sixteen, "require('node:os').availableParallelism = () => 16\n")
  afterAll(() => ws.cleanup())

  const info = (extra: NodeJS.ProcessEnv): { threads: { preprocessing: number; uvThreadpool: number } } => {
    const e: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: `--require ${sixteen}`, ...extra }
    if (!('UV_THREADPOOL_SIZE' in extra)) delete e.UV_THREADPOOL_SIZE
    const out = execFileSync(process.execPath, [path.resolve('bin/mia.cjs'), 'info', '--json'], { env: e, encoding: 'utf8', timeout: 60_000 })
    return JSON.parse(out)
  }

  it('sizes the pool for the machine before the CLI loads and `mia info` reports it; a size the user set wins', () => {
    expect(info({}).threads.uvThreadpool).toBe(18)
    expect(info({ UV_THREADPOOL_SIZE: '7' }).threads.uvThreadpool).toBe(7)
  }, 120_000)
})
