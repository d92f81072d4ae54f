// System packages the tests and GPU inference need (Debian/Ubuntu names), how to detect each, and how to install the missing ones.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'

const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0
const sharedLibrary = (name) => {
  const cache = spawnSync('ldconfig', ['-p'], { encoding: 'utf8' })
  if (cache.status === 0) return cache.stdout.includes(name)
  return ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib'].some((dir) => fs.existsSync(`${dir}/${name}`))
}

/** Each package: what needs it and how to tell it is there. */
export const PREREQUISITES = [
  { pkg: 'chromium', why: "end-to-end tests (Playwright drives Debian's Chromium)", present: () => fs.existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium') || onPath('chromium') },
  { pkg: 'libvulkan1', why: 'GPU inference through WebGPU', present: () => sharedLibrary('libvulkan.so.1') },
  { pkg: 'poppler-utils', why: 'PDF figure checks (pdftoppm)', present: () => onPath('pdftoppm') },
  { pkg: 'slurm-wlm', why: 'the SLURM job-array test (slurmctld, slurmd, sbatch)', present: () => onPath('slurmctld') && onPath('sbatch') },
  { pkg: 'munge', why: 'SLURM authentication in the job-array test', present: () => onPath('munged') }
]

/** The packages that are missing here; none off Linux, where the names do not apply (the tests then report their own skips). */
export function missingPrerequisites() {
  if (process.platform !== 'linux') return []
  return PREREQUISITES.filter((p) => !p.present())
}

/** The one command that installs `pkgs`. */
export function installCommand(pkgs) {
  return `sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${pkgs.join(' ')}`
}

/** Install `pkgs` with apt as root, non-interactively; returns whether apt succeeded. */
export function aptInstall(pkgs) {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  if (spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env }).status !== 0) return false
  return spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env }).status === 0
}

/** Root with apt available: the only case where setup installs packages itself. */
export const canApt = () => process.platform === 'linux' && process.getuid?.() === 0 && onPath('apt-get')
