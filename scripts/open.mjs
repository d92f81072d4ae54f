// Opens the workbench: the desktop app when Electron's binary is installed, else browser mode on loopback.
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const electronDir = path.join(root, 'node_modules', 'electron')
const pathTxt = path.join(electronDir, 'path.txt')
const binary = fs.existsSync(pathTxt) ? path.join(electronDir, 'dist', fs.readFileSync(pathTxt, 'utf8').trim()) : null
const extra = process.argv.slice(2)

if (!fs.existsSync(path.join(root, 'out', 'renderer', 'index.html'))) {
  console.error('The workbench is not built yet: run `npm run setup` first.')
  process.exit(1)
}

const [cmd, args] = binary && fs.existsSync(binary) ? [binary, [root, ...extra]] : [process.execPath, [path.join(root, 'bin', 'mia.cjs'), 'serve', ...extra]]
if (cmd === process.execPath) console.log('No Electron runtime installed: starting browser mode (open the URL below in a browser).')
const child = spawn(cmd, args, { cwd: root, stdio: 'inherit' })
child.on('exit', (code) => process.exit(code ?? 0))
process.on('SIGINT', () => child.kill('SIGINT'))
