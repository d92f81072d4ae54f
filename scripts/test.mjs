// The whole test suite: typecheck, lint, build, vitest, Playwright, SLURM; ends with one totals line `N passed, N failed`.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { installCommand, missingPrerequisites } from './prerequisites.mjs'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const results = path.join(root, 'test-results')
const bin = (name) => path.join(root, 'node_modules', '.bin', name)
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const totals = { passed: 0, failed: 0, skipped: 0 }
const skippedReasons = []

function run(title, cmd, args) {
  process.stdout.write(`\n▶ ${title}\n`)
  const started = Date.now()
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? '0' } })
  process.stdout.write(`  (${title}: ${((Date.now() - started) / 1000).toFixed(0)} s)\n`)
  return res.status === 0
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch {
    return null
  }
}

// A fresh machine stops here in one line rather than deep inside Playwright or the SLURM test.
const missing = missingPrerequisites()
if (missing.length > 0) {
  const pkgs = missing.map((p) => p.pkg)
  process.stderr.write(`npm test: missing system packages ${pkgs.join(', ')}; run \`npm run setup\` as root, or: ${installCommand(pkgs)}\n`)
  process.exit(1)
}

fs.rmSync(results, { recursive: true, force: true })
fs.mkdirSync(path.join(results, 'screens'), { recursive: true })

// Typecheck counts as one check per program (Node side, web side).
for (const [title, cmd, args] of [
  ['typecheck (node)', bin('tsc'), ['-p', 'tsconfig.node.json', '--noEmit']],
  ['typecheck (web)', bin('vue-tsc'), ['-p', 'tsconfig.web.json', '--noEmit']]
]) {
  if (run(title, cmd, args)) totals.passed++
  else totals.failed++
}

// Lint counts as one check: ESLint and the import layers (dependency-cruiser), as `npm run lint` runs them.
if (run('lint (ESLint + import layers)', npm, ['run', 'lint', '--silent'])) totals.passed++
else totals.failed++

// The e2e suite serves the built renderer.
const built = run('build', bin('electron-vite'), ['build'])
if (!built) totals.failed++

// The portable archives (issue 23) that test/cli/portable.test.ts unpacks and runs under a clean environment; built
// here so the test never skips for want of them (linux-x64 only, the platform the archive is made for).
if (process.platform === 'linux' && process.arch === 'x64') {
  if (run('portable build (npm run portable)', process.execPath, [path.join(root, 'scripts', 'portable.mjs')])) totals.passed++
  else totals.failed++
}

const vitestOk = run('unit and integration tests (vitest)', bin('vitest'), ['run'])
const vitest = readJson(path.join(results, 'vitest.json'))
if (vitest) {
  totals.passed += vitest.numPassedTests
  totals.failed += vitest.numFailedTests
  totals.skipped += vitest.numPendingTests + vitest.numTodoTests
  for (const file of vitest.testResults ?? []) {
    for (const t of file.assertionResults ?? []) {
      if (t.status === 'skipped' || t.status === 'pending') skippedReasons.push(`${path.relative(root, file.name)} › ${t.fullName}`)
    }
  }
  if (!vitestOk && vitest.numFailedTests === 0) totals.failed++ // a suite that failed to load
} else if (!vitestOk) totals.failed++

if (built) {
  const pwOk = run('end-to-end tests (Playwright, Chromium)', bin('playwright'), ['test'])
  const pw = readJson(path.join(results, 'playwright.json'))
  if (pw) {
    totals.passed += pw.stats.expected + pw.stats.flaky
    totals.failed += pw.stats.unexpected
    totals.skipped += pw.stats.skipped
    const visit = (suite) => {
      for (const spec of suite.specs ?? []) {
        for (const t of spec.tests ?? []) {
          if (t.status === 'skipped') {
            const why = (t.annotations ?? [])
              .map((a) => a.description)
              .filter(Boolean)
              .join('; ')
            skippedReasons.push(`${spec.file} › ${spec.title}${why ? ` — ${why}` : ''}`)
          }
        }
      }
      for (const child of suite.suites ?? []) visit(child)
    }
    for (const suite of pw.suites ?? []) visit(suite)
    if (!pwOk && pw.stats.unexpected === 0) totals.failed++
  } else if (!pwOk) totals.failed++
}

// Issue 8: the README's SLURM job array on a real scheduler; the script exits 77 (skipped, reason printed) where SLURM cannot run.
{
  const title = 'SLURM job array on a private scheduler (test/slurm/run-array.sh)'
  process.stdout.write(`\n▶ ${title}\n`)
  const started = Date.now()
  const res = spawnSync('bash', [path.join(root, 'test/slurm/run-array.sh')], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 })
  process.stdout.write(res.stdout + res.stderr)
  process.stdout.write(`  (${title}: ${((Date.now() - started) / 1000).toFixed(0)} s)\n`)
  if (res.status === 0) totals.passed++
  else if (res.status === 77) {
    totals.skipped++
    skippedReasons.push(`test/slurm/run-array.sh — ${/SKIP: (.*)/.exec(res.stdout + res.stderr)?.[1] ?? 'SLURM unavailable'}`)
  } else totals.failed++
}

if (skippedReasons.length) process.stdout.write(`\nSkipped:\n${skippedReasons.map((s) => `  - ${s}`).join('\n')}\n`)
process.stdout.write(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`)
process.exit(totals.failed === 0 ? 0 : 1)
