// `mia embed` and `mia cache merge`: embeddings in and out of the workspace cache.
import type { Command } from 'commander'
import { mergeDatabases, mergeSourceDb, mergeTargetDb, workspaceDbPath } from '../main/engine/ring-api'
import { WorkbenchError } from '../shared/contract/errors'
import { BatchSizeSchema, SeedSchema } from '../shared/contract/numbers'
import { cliConfig, withEngine, type GlobalOptions } from './engine-session'
import { withVariant } from './model-commands'
import { numberArg } from './options'
import { action, hasJson, printJson } from './output'
import { progressPrinter } from './progress-bar'

/** `i/N` → {index, count}; the engine checks the range. */
function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined
  const m = /^(\d+)\/(\d+)$/.exec(text.trim())
  if (!m)
    throw new WorkbenchError({
      code: 'invalid-input',
      item: text,
      message: `--shard ${text} is not of the form i/N.`,
      hint: 'Use e.g. --shard 0/4 … --shard 3/4 (0-based; with SLURM: --shard $SLURM_ARRAY_TASK_ID/4).'
    })
  return { index: Number(m[1]), count: Number(m[2]) }
}

/** Register the data commands on the program. */
export function registerDataCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('embed')
    .description('compute (or read from the cache) L2-normalised embeddings of every item')
    .requiredOption('--model <dir|name>', 'model folder, bundled/added model name or Hugging Face repo id in the local cache')
    .option('--variant <v>', 'weights variant: fp32, fp16, int8, uint8, quantized, q4, q4f16, bnb4 (alias: --model DIR@variant)')
    .requiredOption('--dataset <dir|manifest|name>', 'dataset folder, manifest file or name')
    .option('--augment <spec>', 'augmentation bank (comma-separated transforms, e.g. "hflip, rot(deg=15)", or "default"); default none')
    .option('--seed <n>', 'augmentation seed', numberArg(SeedSchema), 0)
    .option('--batch-size <n>', 'inference batch size', numberArg(BatchSizeSchema))
    .option('--out <file>', 'write one JSON line per item: {"id", "image_embeds", "text_embeds"}')
    .option('--shard <i/N>', 'process only shard i of N (0-based; deterministic by item id), e.g. for a SLURM job array')
    .option('--json', 'print the summary as JSON (no progress output)')
    .action(
      action(async (opts: { model: string; variant?: string; dataset: string; augment?: string; seed: number; batchSize?: number; out?: string; shard?: string; json?: boolean }) => {
        const out = await withEngine(globals(), (c, signal) =>
          c.invoke(
            'embed',
            { model: withVariant(opts.model, opts.variant), dataset: opts.dataset, augment: opts.augment, seed: opts.seed, batchSize: opts.batchSize, out: opts.out, shard: parseShard(opts.shard) },
            { signal, onEvent: progressPrinter(Boolean(opts.json)) }
          )
        )
        if (opts.json) return printJson(out)
        process.stdout.write(
          `${out.model} on ${out.dataset}: ${out.items} items × ${out.views.length} view(s); computed ${out.computed.image} image / ${out.computed.text} text, cached ${out.cached.image} / ${out.cached.text}; ${out.skipped.length} skipped; ${out.seconds.toFixed(1)} s on ${out.provider}${out.out ? `\nwrote ${out.out}` : ''}\n`
        )
      }, hasJson)
    )

  program
    .command('cache')
    .description('the workspace cache')
    .command('merge <sources...>')
    .description('merge workspace databases (e.g. from cluster shards) into this workspace; conflicts are listed, never overwritten')
    .option('--into <dir|db>', 'target workspace folder (created when missing) or database file (.sqlite/.db); default: this workspace')
    .option('--json', 'print JSON')
    .action(
      action(async (sources: string[], opts: { into?: string; json?: boolean }) => {
        const files = sources.map(mergeSourceDb)
        const target = opts.into ? mergeTargetDb(opts.into) : workspaceDbPath(cliConfig(globals()).workspaceDir)
        const report = await mergeDatabases(files, target)
        if (opts.json) return printJson(report)
        process.stdout.write(`merged ${files.length} database(s) into ${target}: ${report.inserted} rows added, ${report.identical} already present, ${report.conflicts.length} conflicts\n`)
        for (const c of report.conflicts.slice(0, 20)) process.stdout.write(`conflict: ${JSON.stringify(c)}\n`)
      }, hasJson)
    )
}
