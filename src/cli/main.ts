// `mia`: the command-line surface over the same engine (batch and cluster runs, browser mode).
import path from 'node:path'
import { Command, Option } from 'commander'
// config, not the engine index: the engine itself loads in the worker, and loading it here too doubled start-up.
import { REPO_ROOT, sourceConfig } from '../main/engine/config'
import type { AppInfo } from '../shared/contract/operations'
import { withEngine, type GlobalOptions } from './engine-session'
import { registerDataCommands } from './data-commands'
import { registerEvidenceCommands } from './evidence-commands'
import { registerExperimentCommands } from './experiment-commands'
import { action, printJson } from './output'

const program = new Command()
program
  .name('mia')
  .description('MIA Workbench: membership inference attacks against CLIP-style models')
  .version(sourceConfig().appVersion, '-V, --version')
  .option('--workspace <dir>', 'workspace folder (SQLite cache, exports); default $MIA_WORKSPACE or ~/.mia-workbench')
  .option('--threads <n>', 'onnxruntime threads per operator (default: all cores)', (v) => Number.parseInt(v, 10))
  .addOption(new Option('--provider <ep>', 'preferred execution provider (falls back to cpu, and says why)').choices(['cpu', 'cuda', 'dml', 'coreml']))
  .option('--batch-size <n>', 'images or captions per inference batch (default 32)', (v) => Number.parseInt(v, 10))

const globals = (): GlobalOptions => program.opts<GlobalOptions>()

function printInfo(info: AppInfo): void {
  const c = info.capabilities
  const lines = [
    `${info.name} ${info.version} (${info.runtime}, Node ${info.nodeVersion}, ${info.platform}-${info.arch})`,
    `workspace:          ${info.paths.workspace}`,
    `bundled models:     ${info.paths.bundledModels}`,
    `Electron runtime:   ${c.electronRuntime ? 'yes' : 'no'}`,
    `GPU provider:       ${c.gpu ? 'yes' : 'no'}`,
    `execution providers: ${c.executionProviders.join(' > ')}`,
    ...c.fallbacks.map((f) => `fallback:           ${f}`)
  ]
  process.stdout.write(lines.join('\n') + '\n')
}

program
  .command('info')
  .description('version, paths and capabilities (execution providers, Electron runtime, fallbacks)')
  .option('--json', 'print JSON')
  .action(
    action(
      async (opts: { json?: boolean }) => {
        const info = await withEngine(globals(), (client) => client.invoke('app.info', {}))
        if (opts.json) printJson(info)
        else printInfo(info)
      },
      (opts) => Boolean(opts.json)
    )
  )

const models = program.command('models').description('model folders in Hugging Face ONNX layout')
models
  .command('list')
  .description('bundled and added models with architecture facts and load errors')
  .option('--json', 'print JSON')
  .action(
    action(
      async (opts: { json?: boolean }) => {
        const out = await withEngine(globals(), (client) => client.invoke('models.list', {}))
        if (opts.json) return printJson(out)
        for (const m of out.models) {
          const facts = m.error ? `ERROR: ${m.error.message}` : `dim ${m.embeddingDim}, ${m.imageSize}px, ctx ${m.contextLength}, ${m.precision}, ${m.parameterCount?.toLocaleString('en-US')} params`
          process.stdout.write(`${m.name.padEnd(20)} ${m.source.padEnd(8)} ${facts}\n`)
        }
        if (out.hint) process.stdout.write(out.hint + '\n')
      },
      (opts) => Boolean(opts.json)
    )
  )

program
  .command('serve')
  .description('browser mode: serve the workbench on loopback with a session token')
  .option('--port <n>', 'port (0 = any free port)', (v) => Number.parseInt(v, 10), 0)
  .option('--host <addr>', 'address to bind', '127.0.0.1')
  .addOption(new Option('--allow-remote', 'allow binding a non-loopback address (anyone with the token can use it)'))
  .option('--static <dir>', 'built renderer folder', path.join(REPO_ROOT, 'out', 'renderer'))
  .action(
    action(
      async (opts: { port: number; host: string; allowRemote?: boolean; static: string }) => {
        // Loaded here: the server pulls in every contract schema, which the other commands never need in this thread.
        const { startServer } = await import('../server/http')
        await withEngine({ ...globals(), registeredOnly: true }, async (client, signal) => {
          const server = await startServer({ client, staticDir: opts.static, host: opts.host, port: opts.port, allowRemote: opts.allowRemote })
          process.stdout.write(`MIA Workbench (browser mode) at ${server.urlWithToken}\n`)
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
          await server.close()
        })
      },
      () => false
    )
  )

registerDataCommands(program, globals)
registerExperimentCommands(program, globals)
registerEvidenceCommands(program, globals)

await program.parseAsync(process.argv)
