// `npm test` on a machine without the system packages stops at once, in one line naming them and the command that installs them.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../src/main/engine'
import { tempDir } from '../helpers/workspace'

describe.skipIf(process.platform !== 'linux')('system prerequisites', () => {
  const bin = tempDir('mia-bare-path-')
  afterAll(() => bin.cleanup())

  it('npm test names the missing packages in one line and runs nothing else', () => {
    // A PATH with node and a shell only: no chromium, pdftoppm, slurmctld, sbatch or munged.
    fs.symlinkSync(process.execPath, path.join(bin.dir, 'node'))
    const sh = ['/bin/sh', '/usr/bin/sh'].find((p) => fs.existsSync(p))!
    fs.symlinkSync(sh, path.join(bin.dir, 'sh'))
    // test.mjs clears test-results/ when it starts the suite; a stopped run must not.
    const probe = path.join(REPO_ROOT, 'test-results', `prerequisites-probe-${process.pid}`)
    fs.mkdirSync(path.dirname(probe), { recursive: true })
    fs.writeFileSync(probe, '')
    const started = Date.now()
    const res = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'test.mjs')], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { ...process.env, PATH: bin.dir, CHROMIUM_PATH: path.join(bin.dir, 'no-chromium') }
    })
    expect(res.status).toBe(1)
    expect(res.stdout).toBe('')
    const lines = res.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(
      /^npm test: missing system packages chromium, (libvulkan1, )?poppler-utils, slurm-wlm, munge; run `npm run setup` as root, or: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y chromium /
    )
    expect(Date.now() - started).toBeLessThan(30_000)
    expect(fs.existsSync(probe)).toBe(true)
    fs.rmSync(probe)
  })
})
