// One-command setup: system prerequisites (installed with apt as root), core install that works offline, optional extras
// attempted (never fatal), build, capability report.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { aptInstall, canApt, installCommand, missingPrerequisites } from './prerequisites.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const report = []
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'

function run(cmd, args, { env = {}, timeoutMs = 30 * 60_000, quiet = false, cwd = root } = {}) {
  const res = spawnSync(cmd, args, {
    cwd,
    env: { ...process.env, ...env },
    stdio: quiet ? 'pipe' : 'inherit',
    timeout: timeoutMs,
    encoding: 'utf8'
  })
  return { ok: res.status === 0, output: `${res.stdout ?? ''}${res.stderr ?? ''}`.trim() }
}

function step(title) {
  process.stdout.write(`\n▶ ${title}\n`)
}

// 0. System packages of the tests and of GPU inference (scripts/prerequisites.mjs).
step('System prerequisites')
let missing = missingPrerequisites()
if (missing.length > 0 && canApt()) {
  process.stdout.write(`Installing with apt: ${missing.map((p) => `${p.pkg} (${p.why})`).join(', ')}\n`)
  if (!aptInstall(missing.map((p) => p.pkg))) process.stdout.write('apt-get failed (offline?); see its output above.\n')
  missing = missingPrerequisites()
}
if (missing.length > 0) {
  process.stdout.write(`Missing: ${missing.map((p) => `${p.pkg} (${p.why})`).join(', ')}.\nInstall them with:\n  ${installCommand(missing.map((p) => p.pkg))}\n`)
  report.push(`System packages: missing ${missing.map((p) => p.pkg).join(', ')} — npm test stops until they are installed (${installCommand(missing.map((p) => p.pkg))})`)
} else {
  process.stdout.write('All present: chromium, libvulkan1, poppler-utils, slurm-wlm, munge.\n')
  report.push('System packages: all present')
}

// 1. Core dependencies. The two downloads that need the internet (Electron's binary, onnxruntime's
//    CUDA add-on) are switched off here so an offline machine installs cleanly; step 2 tries them.
step('Installing dependencies (offline-safe)')
const coreEnv = { ELECTRON_SKIP_BINARY_DOWNLOAD: '1', ONNXRUNTIME_NODE_INSTALL: 'skip' }
const fresh = !fs.existsSync(path.join(root, 'node_modules', '.package-lock.json'))
const core = run(npm, fresh ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'], { env: coreEnv })
if (!core.ok) {
  console.error('\nDependency install failed; see the npm output above.')
  process.exit(1)
}

// 2. Extras: attempted, reported, never fatal.
step('Optional: Electron runtime')
const electronPkg = path.join(root, 'node_modules', 'electron')
const electron = run(process.execPath, [path.join(electronPkg, 'install.js')], { env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '' }, timeoutMs: 10 * 60_000, quiet: true })
const hasElectron = electron.ok && fs.existsSync(path.join(electronPkg, 'path.txt'))
report.push(hasElectron ? 'Electron runtime: yes' : 'Electron runtime: no (binary download failed: offline?) — the workbench opens in browser mode')

const nvidia = process.platform === 'linux' && process.arch === 'x64' && (fs.existsSync('/proc/driver/nvidia/version') || run('nvidia-smi', ['-L'], { quiet: true, timeoutMs: 10_000 }).ok)
if (nvidia) {
  step('Optional: onnxruntime CUDA 12 execution provider')
  const ortInstall = path.join(root, 'node_modules', 'onnxruntime-node', 'script', 'install.js')
  const cuda = run(process.execPath, [ortInstall, '--onnxruntime-node-install=cuda12'], { env: { ONNXRUNTIME_NODE_INSTALL: '' }, timeoutMs: 15 * 60_000, quiet: true })
  report.push(cuda.ok ? 'GPU provider: CUDA 12 add-on installed' : `GPU provider: no — CUDA add-on download failed (${cuda.output.split('\n').pop()}); inference uses the CPU`)
} else {
  report.push('GPU provider: no NVIDIA driver found on this machine — inference uses the CPU')
}

// better-sqlite3 is compiled for Node; Electron needs a build for its own ABI, kept apart and
// loaded through better-sqlite3's nativeBinding option so CLI, server and tests keep the Node build.
if (hasElectron) {
  step('Optional: better-sqlite3 for Electron')
  const electronVersion = JSON.parse(fs.readFileSync(path.join(electronPkg, 'package.json'), 'utf8')).version
  const outDir = path.join(root, '.native', 'electron')
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bsql-electron-'))
  fs.cpSync(path.join(root, 'node_modules', 'better-sqlite3'), tmp, { recursive: true })
  // npm exposes its bundled node-gyp to scripts; fall back to one on the PATH.
  const gyp = process.env.npm_config_node_gyp
  const gypArgs = ['rebuild', '--release', `--target=${electronVersion}`, '--dist-url=https://electronjs.org/headers']
  const build = gyp ? run(process.execPath, [gyp, ...gypArgs], { quiet: true, cwd: tmp, timeoutMs: 20 * 60_000 }) : run('node-gyp', gypArgs, { quiet: true, cwd: tmp, timeoutMs: 20 * 60_000 })
  const built = path.join(tmp, 'build', 'Release', 'better_sqlite3.node')
  if (build.ok && fs.existsSync(built)) {
    fs.mkdirSync(outDir, { recursive: true })
    fs.copyFileSync(built, path.join(outDir, 'better_sqlite3.node'))
    report.push(`better-sqlite3 for Electron ${electronVersion}: built`)
  } else {
    report.push('better-sqlite3 for Electron: could not be built (needs Electron headers from the network); the desktop app cannot open the cache until `npm run setup` succeeds online')
  }
}

// 3. Build renderer, preload and main.
step('Building the workbench')
if (!run(npm, ['run', 'build', '--silent']).ok) {
  console.error('\nBuild failed; see the output above.')
  process.exit(1)
}

// 4. Capability report from the engine itself.
step('Capability report')
run(process.execPath, [path.join(root, 'bin', 'mia.cjs'), 'info'])
process.stdout.write(`\nSetup summary:\n${report.map((l) => `  - ${l}`).join('\n')}\n`)
