// `mia run`, `mia rerun`, `mia experiments list|show|compare`, `mia export`: experiments from the command line.
import fs from 'node:fs'
import path from 'node:path'
import { Option, type Command } from 'commander'
import type { ExperimentRecord, ExperimentSpecInput } from '../shared/contract/experiments'
import type { ExportFile } from '../shared/contract/exports'
import { WorkbenchError } from '../shared/contract/errors'
import { formatCI, formatPValue, formatSigned } from '../shared/format'
import { printMetrics } from './data-commands'
import { withEngine, type GlobalOptions } from './engine-session'
import { action, hasJson, printJson } from './output'
import { progressPrinter } from './progress-bar'

const int = (v: string): number => Number.parseInt(v, 10)
const num = (v: string): number => Number.parseFloat(v)

interface RunOptions {
  model?: string
  dataset: string
  attack: 'csa' | 'aea' | 'wsa' | 'blind'
  augment?: string
  aggregation: 'mean' | 'drop'
  lambda: number
  wsaModel: 'mlp' | 'logreg'
  pool: 'auto' | 'separate' | 'transductive'
  epochs: number
  patience: number
  seed: number
  resamples: number
  blind: boolean
  name?: string
  tag: string[]
  json?: boolean
}

/** The `mia run --json` object: stable keys for scripts, the full metrics report under `metrics`. */
export function runSummary(r: ExperimentRecord): Record<string, unknown> {
  return {
    experimentId: r.id,
    name: r.name,
    attack: r.spec.attack,
    model: r.spec.modelName,
    quantized: r.spec.quantized,
    modelFingerprint: r.spec.modelFingerprint,
    dataset: r.spec.datasetName,
    n: { members: r.results?.counts.members ?? 0, nonmembers: r.results?.counts.nonmembers ?? 0 },
    metrics: r.results?.metrics ?? null,
    blindBaseline: r.results?.blindBaseline ? { auc: r.results.blindBaseline.auc, aucCI: r.results.blindBaseline.aucCI, warning: r.results.blindBaseline.warning } : null,
    attackReport: r.results?.attackReport ?? {},
    skipped: r.results?.skipped.length ?? 0,
    provider: r.results?.provider ?? null,
    adapter: r.results?.adapter ?? null,
    fallbackReason: r.results?.fallbackReason ?? null,
    embeddings: r.results?.embeddings ?? null
  }
}

function printRecord(r: ExperimentRecord): void {
  process.stdout.write(`${r.name} (${r.id}) — ${r.status}\n`)
  if (r.spec.quantized) process.stdout.write('note: quantized model — quantization changes the scores under attack; compare with the float model before drawing conclusions\n')
  if (r.results?.metrics) printMetrics(r.results.metrics)
  const b = r.results?.blindBaseline
  if (b) process.stdout.write(`blind baseline AUC: ${formatCI(b.auc, b.aucCI)}${b.warning ? `\nWARNING: ${b.warning}` : ''}\n`)
  if (r.results?.skipped.length) process.stdout.write(`${r.results.skipped.length} item(s) skipped (see --json)\n`)
}

/** Write through a temporary file and rename, so a killed export never leaves a half-written figure behind. */
function writeExport(file: ExportFile, out: string): void {
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true })
  const partial = `${out}.partial`
  fs.writeFileSync(partial, file.encoding === 'base64' ? Buffer.from(file.data, 'base64') : file.data)
  fs.renameSync(partial, out)
  process.stderr.write(`wrote ${out}${file.caption ? `\ncaption: ${file.caption}` : ''}\n`)
}

/** Register the experiment commands on the program. */
export function registerExperimentCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('run')
    .description('run an attack (using the cache), store the experiment and print its metrics')
    .option('--model <dir|name>', 'model folder or name (not needed for --attack blind, nor for embedding-only datasets, which bring their own vectors)')
    .requiredOption('--dataset <dir|manifest|name>', 'dataset folder, manifest, or name of a bundled dataset (e.g. emoji-demo)')
    .addOption(new Option('--attack <attack>', 'attack').choices(['csa', 'aea', 'wsa', 'blind']).makeOptionMandatory())
    .option('--augment <bank>', 'AEA augmentation bank (canonical spec); default: the bank of attacks.md (K = 10)')
    .addOption(new Option('--aggregation <agg>', 'AEA aggregation').choices(['mean', 'drop']).default('mean'))
    .option('--lambda <x>', 'WSA threshold μ + λσ', num, 1.5)
    .addOption(new Option('--wsa-model <m>', 'WSA attack model').choices(['mlp', 'logreg']).default('mlp'))
    .addOption(new Option('--pool <p>', 'WSA pseudo-member pool').choices(['auto', 'separate', 'transductive']).default('auto'))
    .option('--epochs <n>', 'WSA MLP max epochs', int, 15)
    .option('--patience <n>', 'WSA MLP early-stopping patience (epochs)', int, 3)
    .option('--seed <n>', 'seed of augmentations, training and bootstrap', int, 0)
    .option('--resamples <n>', 'bootstrap resamples', int, 1000)
    .option('--no-blind', 'skip the blind baseline')
    .option('--name <name>', 'experiment name')
    .option('--tag <tag>', 'tag (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--json', 'print one JSON object')
    .action(
      action(async (o: RunOptions) => {
        const spec: ExperimentSpecInput = {
          name: o.name,
          model: o.model,
          dataset: o.dataset,
          attack: o.attack,
          tags: o.tag,
          params: {
            seed: o.seed,
            aea: { bank: o.augment ?? '', aggregation: o.aggregation },
            wsa: { lambda: o.lambda, model: o.wsaModel, pool: o.pool, maxEpochs: o.epochs, patience: o.patience },
            evaluation: { resamples: o.resamples },
            blind: { enabled: o.blind }
          }
        }
        const record = await withEngine(globals(), async (c, signal) => {
          const created = await c.invoke('experiments.create', { spec }, { signal })
          return c.invoke('experiments.run', { id: created.id }, { signal, onEvent: progressPrinter(Boolean(o.json)) })
        })
        if (o.json) return printJson(runSummary(record))
        printRecord(record)
      }, hasJson)
    )

  program
    .command('resume <id>')
    .description('continue an experiment that was interrupted (Ctrl-C, kill, crash): cached embeddings are reused')
    .option('--json', 'print one JSON object')
    .action(
      action(async (id: string, o: { json?: boolean }) => {
        const record = await withEngine(globals(), (c, signal) => c.invoke('experiments.run', { id }, { signal, onEvent: progressPrinter(Boolean(o.json)) }))
        if (o.json) return printJson(runSummary(record))
        printRecord(record)
      }, hasJson)
    )

  program
    .command('rerun <record.json>')
    .description('run an exported experiment record again and check that the metrics are reproduced exactly')
    .option('--json', 'print JSON')
    .action(
      action(async (file: string, o: { json?: boolean }) => {
        let record: unknown
        try {
          record = JSON.parse(fs.readFileSync(file, 'utf8'))
        } catch (err) {
          throw new WorkbenchError({ code: 'invalid-input', item: file, message: `${file} is not readable JSON: ${(err as Error).message}`, hint: 'Export the record with `mia experiments show <id> --json > record.json`.' })
        }
        const out = await withEngine(globals(), (c, signal) => c.invoke('experiments.rerun', { record }, { signal, onEvent: progressPrinter(Boolean(o.json)) }))
        if (o.json) printJson({ ...runSummary(out.record), reproduced: out.reproduced, differences: out.differences })
        else {
          printRecord(out.record)
          process.stdout.write(out.reproduced ? 'reproduced: every metric equals the record\'s\n' : `NOT reproduced:\n${out.differences.map((d) => `  ${d}`).join('\n')}\n`)
        }
        if (!out.reproduced) process.exitCode = 3
      }, hasJson)
    )

  const experiments = program.command('experiments').description('saved experiments')
  experiments
    .command('list')
    .option('--search <text>', 'filter by name, id or tag')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { search?: string; json?: boolean }) => {
        const out = await withEngine(globals(), (c) => c.invoke('experiments.list', { search: o.search }))
        if (o.json) return printJson(out)
        for (const e of out.experiments) {
          process.stdout.write(`${e.id}  ${e.status.padEnd(9)} ${(e.auc === null ? '—' : e.auc.toFixed(3)).padEnd(6)} ${e.name}${e.quantized ? '  (quantized model)' : ''}${e.tags.length ? `  [${e.tags.join(', ')}]` : ''}\n`)
        }
      }, hasJson)
    )
  experiments
    .command('show <id>')
    .description('metrics of one experiment; with --json its full record (enough to `mia rerun`)')
    .option('--json', 'print the record JSON')
    .action(
      action(async (id: string, o: { json?: boolean }) => {
        const view = await withEngine(globals(), (c) => c.invoke('experiments.get', { id }))
        if (o.json) return printJson(view.record)
        printRecord(view.record)
      }, hasJson)
    )
  experiments
    .command('compare <ids...>')
    .description('two or more experiments: metrics side by side, paired ΔAUC and ΔTPR@1%FPR when the targets match')
    .option('--resamples <n>', 'paired bootstrap resamples', int, 1000)
    .option('--json', 'print JSON')
    .action(
      action(async (ids: string[], o: { resamples: number; json?: boolean }) => {
        const out = await withEngine(globals(), (c, signal) => c.invoke('experiments.compare', { ids, resamples: o.resamples }, { signal }))
        if (o.json) return printJson({ experiments: out.views.map((v) => runSummary(v.record)), comparisons: out.comparisons, notes: out.notes })
        for (const v of out.views) process.stdout.write(`${v.record.name}: AUC ${v.record.results?.metrics ? formatCI(v.record.results.metrics.auc, v.record.results.metrics.aucCI) : '—'}\n`)
        for (const c of out.comparisons) {
          process.stdout.write(`Δ ${c.a} − ${c.b} (${c.nItems} items): AUC ${formatSigned(c.deltaAuc.delta)} [${formatSigned(c.deltaAuc.ci.lo)}, ${formatSigned(c.deltaAuc.ci.hi)}] p ${formatPValue(c.deltaAuc.pValue)}; TPR@1%FPR ${formatSigned(c.deltaTprAt1.delta)} p ${formatPValue(c.deltaTprAt1.pValue)}\n`)
        }
        for (const n of out.notes) process.stdout.write(`${n}\n`)
      }, hasJson)
    )

  program
    .command('export')
    .description('figures (SVG/PDF/PNG) and tables (CSV/LaTeX) rendered from the same chart builders as the app')
    .requiredOption('--experiment <id>', 'experiment id')
    .option('--compare <id>', 'further experiment (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addOption(new Option('--figure <kind>', 'figure').choices(['roc', 'hist', 'compare']))
    .addOption(new Option('--format <fmt>', 'figure format').choices(['svg', 'pdf', 'png']).default('svg'))
    .option('--width <w>', 'figure width, e.g. 3.3in (one column) or 6.9in (two columns)', '3.3in')
    .option('--dpi <n>', 'PNG resolution', int, 300)
    .addOption(new Option('--table <fmt>', 'metrics table').choices(['csv', 'latex']))
    .option('--scores', 'per-item scores CSV')
    .option('--record', 'the experiment record JSON')
    .requiredOption('--out <file>', 'output file')
    .action(
      action(async (o: { experiment: string; compare: string[]; figure?: 'roc' | 'hist' | 'compare'; format: 'svg' | 'pdf' | 'png'; width: string; dpi: number; table?: 'csv' | 'latex'; scores?: boolean; record?: boolean; out: string }) => {
        const ids = [o.experiment, ...o.compare]
        const widthIn = Number.parseFloat(o.width.replace(/in$/, ''))
        if (!(widthIn > 0)) throw new WorkbenchError({ code: 'invalid-input', item: o.width, message: `Width ${o.width} is not a size in inches.`, hint: 'Use e.g. --width 3.3in or --width 6.9in.' })
        const file = await withEngine(globals(), (c) => {
          if (o.figure) return c.invoke('export.figure', { ids, figure: o.figure, format: o.format, widthIn, dpi: o.dpi })
          if (o.table) return c.invoke('export.table', { ids, format: o.table })
          if (o.scores) return c.invoke('export.scores', { id: o.experiment })
          if (o.record) return c.invoke('export.record', { id: o.experiment })
          throw new WorkbenchError({ code: 'invalid-input', message: 'Nothing to export.', hint: 'Give --figure, --table, --scores or --record.' })
        })
        writeExport(file, o.out)
      }, () => false)
    )
}
