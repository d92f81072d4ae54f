// `mia`: the command-line surface over the same engine (batch and cluster runs, browser mode).
import path from 'node:path'
import { Command, Option } from 'commander'
// config, not the engine index: the engine itself loads in the worker, and loading it here too doubled start-up.
import { REPO_ROOT, sourceConfig } from '../main/engine/ring-api'
import { BatchSizeSchema, PortSchema, ThreadsSchema } from '../shared/contract/numbers'
import type { AppInfo } from '../shared/contract/operations'
import { ProviderChoiceSchema } from '../shared/contract/models'
import { adapterText } from '../shared/format'
import { withEngine, type GlobalOptions } from './engine-session'
import { registerDataCommands } from './data-commands'
import { registerDatasetsCommands } from './datasets-commands'
import { registerExperimentsCommands } from './experiments-commands'
import { registerEvidenceCommands } from './evidence-commands'
import { registerExportCommand } from './export-command'
import { registerMetricsCommand } from './metrics-command'
import { registerModelsCommands } from './models-commands'
import { rememberNotices } from './notices'
import { numberArg } from './options'
import { action, printJson, quietOnClosedPipe } from './output'
import { registerRunCommands } from './run-commands'
import { escapeStreamText } from './terminal-text'

escapeStreamText(process.stdout)

const program = new Command()
program
  .name('mia')
  .description('MIA Workbench: membership inference attacks against CLIP-style models')
  .version(sourceConfig().appVersion, '-V, --version')
  .option('--workspace <dir>', 'workspace folder (SQLite cache, exports); default $MIA_WORKSPACE or ~/.mia-workbench')
  .option('--threads <n>', 'onnxruntime threads per operator (default: all cores)', numberArg(ThreadsSchema))
  .addOption(
    new Option('--provider <ep>', 'execution provider; auto tries CUDA, then a hardware WebGPU adapter, then the CPU (a failing one falls back to cpu, and says why)')
      .choices(ProviderChoiceSchema.options)
      .default('auto')
  )
  .option('--batch-size <n>', 'images or captions per inference batch (default 32 on the CPU, 128 on a GPU)', numberArg(BatchSizeSchema))

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
    `provider asked for: ${info.defaultProvider}${info.defaultProvider === 'auto' ? ' (--provider to choose one)' : ''}`,
    `image threads:      ${info.threads.preprocessing ? `${info.threads.preprocessing} preprocessing workers` : 'preprocessing on the inference thread'}, libuv pool ${info.threads.uvThreadpool} (decodes)`,
    `WebGPU adapter:     ${c.adapter ? adapterText(c.adapter) : 'none'}`,
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
        // Runs now shorten these sentences to a pointer here (notices.ts).
        rememberNotices(info.paths.workspace, info.capabilities.fallbacks)
      },
      (opts) => Boolean(opts.json)
    )
  )

program
  .command('serve')
  .description('browser mode: serve the workbench on loopback with a session token')
  .option('--port <n>', 'port (0 = any free port)', numberArg(PortSchema), 0)
  .option('--host <addr>', 'address to bind', '127.0.0.1')
  .addOption(new Option('--allow-remote', 'allow binding a non-loopback address (anyone with the token can use it)'))
  .option('--read-outside-root', 'let runs read dataset images whose real path is outside the dataset folder (they are never served)')
  .option('--static <dir>', 'built renderer folder', path.join(REPO_ROOT, 'out', 'renderer'))
  .action(
    action(
      async (opts: { port: number; host: string; allowRemote?: boolean; readOutsideRoot?: boolean; static: string }) => {
        // Loaded here: the server pulls in every contract schema, which the other commands never need in this thread.
        const { startServer } = await import('../server/http')
        await withEngine({ ...globals(), registeredOnly: true, readOutsideRoot: Boolean(opts.readOutsideRoot) }, async (client, signal) => {
          const server = await startServer({ client, staticDir: opts.static, host: opts.host, port: opts.port, allowRemote: opts.allowRemote })
          process.stdout.write(`MIA Workbench (browser mode) at ${server.urlWithToken}\n`)
          await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }))
          await server.close()
        })
      },
      () => false
    )
  )

registerModelsCommands(program, globals)
registerDatasetsCommands(program, globals)
registerDataCommands(program, globals)
registerMetricsCommand(program, globals)
registerRunCommands(program, globals)
registerExperimentsCommands(program, globals)
registerExportCommand(program, globals)
registerEvidenceCommands(program, globals)

quietOnClosedPipe()

await program.parseAsync(process.argv)
