// `mia run`, `mia rerun`, `mia experiments list|show|compare`, `mia export`: experiments from the command line.
import fs from 'node:fs'
import path from 'node:path'
import { Option, type Command } from 'commander'
import { AttackSchema, type Attack, type ExperimentRecord, type ExperimentSpecInput } from '../shared/contract/experiments'
import type { ExportFile } from '../shared/contract/exports'
import { WorkbenchError } from '../shared/contract/errors'
import { formatCI, formatPValue, formatSigned } from '../shared/format'
import { printMetrics } from './data-commands'
import { parseSeeds, printAgreement, printSeedSummary } from './evidence-commands'
import { withEngine, type GlobalOptions } from './engine-session'
import { action, hasJson, printJson } from './output'
import { progressPrinter } from './progress-bar'

const int = (v: string): number => Number.parseInt(v, 10)
const num = (v: string): number => Number.parseFloat(v)

interface RunOptions {
  model?: string
  dataset: string
  attack: Attack
  qmiaBase: 'csa' | 'aea'
  qmiaAlpha: number
  qmiaFeatures: 'both' | 'image' | 'text'
  batch: number
  logitScale?: number
  k: number
  candidates?: string
  template: string[]
  seeds?: string
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
    provider: r.results?.provider ?? null
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

/** Non-empty trimmed lines of a text file (a candidate list). */
function readLines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter(Boolean)
  } catch (err) {
    throw new WorkbenchError({ code: 'not-found', item: file, message: `Cannot read ${file}: ${(err as Error).message}`, hint: 'Give a text file with one candidate per line.' })
  }
}

/** Register the experiment commands on the program. */
export function registerExperimentCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('run')
    .description('run an attack (using the cache), store the experiment and print its metrics')
    .option('--model <dir|name>', 'model folder or name (not needed for --attack blind, nor for embedding-only datasets, which bring their own vectors)')
    .requiredOption('--dataset <dir|manifest|name>', 'dataset folder, manifest, or name of a bundled dataset (e.g. emoji-demo)')
    .addOption(new Option('--attack <attack>', 'attack (docs/attacks.md)').choices(AttackSchema.options).makeOptionMandatory())
    .option('--augment <bank>', 'AEA augmentation bank (canonical spec); default: the bank of attacks.md (K = 10)')
    .addOption(new Option('--aggregation <agg>', 'AEA aggregation').choices(['mean', 'drop']).default('mean'))
    .option('--lambda <x>', 'WSA threshold μ + λσ', num, 1.5)
    .addOption(new Option('--wsa-model <m>', 'WSA attack model').choices(['mlp', 'logreg']).default('mlp'))
    .addOption(new Option('--pool <p>', 'WSA pseudo-member pool').choices(['auto', 'separate', 'transductive']).default('auto'))
    .option('--epochs <n>', 'WSA MLP max epochs', int, 15)
    .option('--patience <n>', 'WSA MLP early-stopping patience (epochs)', int, 3)
    .addOption(new Option('--qmia-base <score>', 'QMIA base score').choices(['csa', 'aea']).default('csa'))
    .option('--qmia-alpha <f>', 'QMIA target FPR of the per-item thresholds', num, 0.01)
    .addOption(new Option('--qmia-features <f>', 'QMIA regression features').choices(['both', 'image', 'text']).default('both'))
    .option('--batch <n>', 'loss-grad InfoNCE batch size B', int, 256)
    .option('--logit-scale <s>', 'loss-grad logit scale (default: the model card\'s, else 100 with a warning)', num)
    .option('--k <n>', 'rank: candidate captions per image, its own included', int, 100)
    .option('--candidates <file>', 'rank: candidate texts, one per line (default: the other items\' captions)')
    .option('--template <t>', 'rank: prompt template with {} for the caption (repeatable; the median rank votes)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--seed <n>', 'seed of augmentations, training and bootstrap', int, 0)
    .option('--seeds <list>', 'run one experiment per seed, e.g. 0-4 or 0,3,7, and report mean ± sd, min–max and per-record stability')
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
            qmia: { base: o.qmiaBase, alpha: o.qmiaAlpha, features: o.qmiaFeatures },
            lossGrad: { batchSize: o.batch, logitScale: o.logitScale ?? null },
            rank: { k: o.k, ...(o.candidates ? { candidates: 'list' as const, candidateList: readLines(o.candidates) } : {}), ...(o.template.length ? { templates: o.template } : {}) },
            evaluation: { resamples: o.resamples },
            blind: { enabled: o.blind }
          }
        }
        if (o.seeds) {
          const seeds = parseSeeds(o.seeds)
          const out = await withEngine(globals(), async (c, signal) => {
            const records: ExperimentRecord[] = []
            // One record per seed, sharing the embedding cache; each is an ordinary experiment that `mia rerun` reproduces.
            for (const seed of seeds) {
              const created = await c.invoke('experiments.create', { spec: { ...spec, name: o.name ? `${o.name} · seed ${seed}` : undefined, tags: [...o.tag, `seeds:${o.seeds}`], params: { ...spec.params, seed } } }, { signal })
              records.push(await c.invoke('experiments.run', { id: created.id }, { signal, onEvent: progressPrinter(Boolean(o.json)) }))
            }
            return { records, summary: await c.invoke('experiments.seeds', { ids: records.map((r) => r.id) }, { signal }) }
          })
          if (o.json) return printJson({ runs: out.records.map(runSummary), summary: out.summary })
          for (const r of out.records) process.stdout.write(`seed ${r.spec.params.seed}: ${r.id}  AUC ${r.results?.metrics ? formatCI(r.results.metrics.auc, r.results.metrics.aucCI) : '—'}\n`)
          return printSeedSummary(out.summary)
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
    .option('--fpr <f>', 'FPR budget at which records count as flagged (per-record agreement)', num, 0.01)
    .option('--json', 'print JSON')
    .action(
      action(async (ids: string[], o: { resamples: number; fpr: number; json?: boolean }) => {
        const { out, agreement } = await withEngine(globals(), async (c, signal) => ({
          out: await c.invoke('experiments.compare', { ids, resamples: o.resamples }, { signal }),
          agreement: await c.invoke('experiments.agreement', { ids, fpr: o.fpr }, { signal })
        }))
        if (o.json) return printJson({ experiments: out.views.map((v) => runSummary(v.record)), comparisons: out.comparisons, agreement: { ...agreement, records: undefined }, notes: out.notes })
        for (const v of out.views) process.stdout.write(`${v.record.name}: AUC ${v.record.results?.metrics ? formatCI(v.record.results.metrics.auc, v.record.results.metrics.aucCI) : '—'}\n`)
        for (const c of out.comparisons) {
          process.stdout.write(`Δ ${c.a} − ${c.b} (${c.nItems} items): AUC ${formatSigned(c.deltaAuc.delta)} [${formatSigned(c.deltaAuc.ci.lo)}, ${formatSigned(c.deltaAuc.ci.hi)}] p ${formatPValue(c.deltaAuc.pValue)}; TPR@1%FPR ${formatSigned(c.deltaTprAt1.delta)} p ${formatPValue(c.deltaTprAt1.pValue)}\n`)
        }
        for (const n of out.notes) process.stdout.write(`${n}\n`)
        printAgreement(agreement)
      }, hasJson)
    )

  program
    .command('export')
    .description('figures (SVG/PDF/PNG) and tables (CSV/LaTeX) rendered from the same chart builders as the app')
    .requiredOption('--experiment <id>', 'experiment id')
    .option('--compare <id>', 'further experiment (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .addOption(new Option('--figure <kind>', 'figure (upset: per-record agreement of --experiment and --compare at --fpr)').choices(['roc', 'hist', 'compare', 'upset']))
    .option('--flags', 'per-record flags CSV of --experiment and --compare at --fpr (one 0/1 column per experiment)')
    .option('--fpr <f>', 'FPR budget of --figure upset and --flags', num, 0.01)
    .addOption(new Option('--format <fmt>', 'figure format').choices(['svg', 'pdf', 'png']).default('svg'))
    .option('--width <w>', 'figure width, e.g. 3.3in (one column) or 6.9in (two columns)', '3.3in')
    .option('--dpi <n>', 'PNG resolution', int, 300)
    .addOption(new Option('--table <fmt>', 'metrics table').choices(['csv', 'latex']))
    .option('--scores', 'per-item scores CSV')
    .option('--record', 'the experiment record JSON')
    .requiredOption('--out <file>', 'output file')
    .action(
      action(async (o: { experiment: string; compare: string[]; figure?: 'roc' | 'hist' | 'compare' | 'upset'; flags?: boolean; fpr: number; format: 'svg' | 'pdf' | 'png'; width: string; dpi: number; table?: 'csv' | 'latex'; scores?: boolean; record?: boolean; out: string }) => {
        const ids = [o.experiment, ...o.compare]
        const widthIn = Number.parseFloat(o.width.replace(/in$/, ''))
        if (!(widthIn > 0)) throw new WorkbenchError({ code: 'invalid-input', item: o.width, message: `Width ${o.width} is not a size in inches.`, hint: 'Use e.g. --width 3.3in or --width 6.9in.' })
        const file = await withEngine(globals(), (c) => {
          if (o.figure === 'upset' || o.flags) return c.invoke('export.agreement', { ids, fpr: o.fpr, format: o.flags ? 'csv' : o.format, widthIn, dpi: o.dpi })
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
