// `mia run`, `mia resume`, `mia rerun`: start, continue and reproduce experiments.
import fs from 'node:fs'
import { Option, type Command } from 'commander'
import { WorkbenchError, toErrorData } from '../shared/contract/errors'
import { CALIBRATION_MODES, RUNNABLE_ATTACKS, type Attack, type CalibrationMode, type ExperimentRecord, type ExperimentSpecInput, type ExperimentSummary } from '../shared/contract/experiments'
import {
  EpochsSchema,
  FoldsSchema,
  FprSchema,
  InfoNceBatchSchema,
  LambdaSchema,
  LogitScaleSchema,
  PatienceSchema,
  RankKSchema,
  ResamplesSchema,
  SeedSchema,
  TargetPrecisionSchema
} from '../shared/contract/numbers'
import type { EngineClient } from '../main/host/client'
import { formatCI } from '../shared/format'
import { cliConfig, withEngine, type GlobalOptions } from './engine-session'
import { parseSeeds, printSeedSummary } from './evidence-commands'
import { printRecord, runSummary } from './experiment-text'
import { withVariant } from './model-commands'
import { numberArg } from './options'
import { action, hasJson, printJson, write } from './output'
import { rememberNotices, shortenNotices, shownNotices } from './notices'
import { progressPrinter } from './progress-bar'

/** Non-empty trimmed lines of a text file (a candidate list). */
function readLines(file: string): string[] {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean)
  } catch (err) {
    throw new WorkbenchError({ code: 'not-found', item: file, message: `Cannot read ${file}: ${(err as Error).message}`, hint: 'Give a text file with one candidate per line.' })
  }
}

interface RunOptions {
  model?: string
  variant?: string
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
  lambda?: number
  wsaVariant: 'workbench' | 'ko2023' | 'bench2026'
  targetPrecision: number
  wsaFolds: number
  wsaTransductive?: boolean
  referenceModel?: string
  calibration: CalibrationMode
  wsaModel: 'mlp' | 'logreg'
  pool: 'auto' | 'separate' | 'transductive'
  epochs: number
  patience: number
  seed: number
  resamples: number
  blind: boolean
  name?: string
  tag: string[]
  force?: boolean
  json?: boolean
}

/** The spec of `mia run`'s options; the global `--provider`, when given, is recorded in it (issue 19). */
export function specOf(o: RunOptions, g: Pick<GlobalOptions, 'provider'> = {}): ExperimentSpecInput {
  return {
    ...(g.provider ? { provider: g.provider } : {}),
    name: o.name,
    model: o.model === undefined ? undefined : withVariant(o.model, o.variant),
    dataset: o.dataset,
    attack: o.attack,
    tags: o.tag,
    params: {
      seed: o.seed,
      aea: { bank: o.augment ?? '', aggregation: o.aggregation },
      wsa: {
        variant: o.wsaVariant,
        lambda: o.lambda,
        targetPrecision: o.targetPrecision,
        folds: o.wsaFolds,
        crossFit: o.wsaTransductive ? false : undefined,
        model: o.wsaModel,
        pool: o.pool,
        maxEpochs: o.epochs,
        patience: o.patience
      },
      qmia: { base: o.qmiaBase, alpha: o.qmiaAlpha, features: o.qmiaFeatures },
      lossGrad: { batchSize: o.batch, logitScale: o.logitScale ?? null },
      rank: { k: o.k, ...(o.candidates ? { candidates: 'list' as const, candidateList: readLines(o.candidates) } : {}), ...(o.template.length ? { templates: o.template } : {}) },
      evaluation: { resamples: o.resamples },
      blind: { enabled: o.blind },
      calibration: { referenceModel: o.referenceModel, mode: calibrationMode(o) }
    }
  }
}

/** `--calibration` only means something with `--reference-model`; a rule given without one is a mistake worth naming. */
function calibrationMode(o: RunOptions): RunOptions['calibration'] {
  if (o.calibration !== 'auto' && !o.referenceModel)
    throw new WorkbenchError({
      code: 'invalid-input',
      item: '--calibration',
      message: `--calibration ${o.calibration} needs a reference model to calibrate against.`,
      hint: 'Add --reference-model <dir|name>, or drop --calibration.'
    })
  return o.calibration
}

/** The command that resumes `id` in the same workspace, e.g. "mia --workspace ws resume 1a2b3c4d". */
export function resumeCommand(id: string, g: GlobalOptions): string {
  const ws = g.workspace ? `--workspace ${/^[\w./~-]+$/.test(g.workspace) ? g.workspace : JSON.stringify(g.workspace)} ` : ''
  return `mia ${ws}resume ${id.slice(0, 8)}`
}

/**
 * Run stored experiment `id`, printing progress (unless `quiet`) with each warning once and machine-state
 * notices shortened once this workspace has shown them; when the run is cancelled or fails, the error says
 * how to resume it (cached work is kept).
 */
async function runStored(c: EngineClient, id: string, signal: AbortSignal, g: GlobalOptions, quiet: boolean, shown: Set<string>): Promise<ExperimentRecord> {
  const workspace = cliConfig(g).workspaceDir
  const { fallbacks } = (await c.invoke('app.info', {})).capabilities
  const known = shownNotices(workspace)
  const onEvent = progressPrinter(quiet, process.stderr, shown, (m) => shortenNotices(m, known))
  try {
    const record = await c.invoke('experiments.run', { id }, { signal, onEvent })
    if (!quiet) rememberNotices(workspace, fallbacks)
    return record
  } catch (err) {
    const data = toErrorData(err)
    if (data.code === 'invalid-input' || data.code === 'unsupported' || data.code === 'not-found') throw err
    const how = `Resume it with \`${resumeCommand(id, g)}\`: embeddings already computed are reused.`
    throw new WorkbenchError({ ...data, hint: data.hint ? `${data.hint} ${how}` : how }, { cause: err })
  }
}

/** A finished experiment with the same model files, dataset, attack and parameters (so the same numbers), if any. */
async function sameSpec(c: EngineClient, spec: ExperimentRecord['spec'], ownId: string): Promise<ExperimentSummary | null> {
  const key = (s: Pick<ExperimentSummary, 'modelFingerprint' | 'datasetHash' | 'attack' | 'params'>): string => JSON.stringify([s.modelFingerprint, s.datasetHash, s.attack, s.params])
  const { experiments } = await c.invoke('experiments.list', { status: 'done' })
  return experiments.find((e) => e.id !== ownId && key(e) === key(spec)) ?? null
}

function registerRun(program: Command, globals: () => GlobalOptions): void {
  program
    .command('run')
    .description('run an attack (using the cache), store the experiment and print its metrics')
    .option('--model <dir|name>', 'model folder, name or cached Hugging Face repo id (not needed for --attack blind, nor for embedding-only datasets, which bring their own vectors)')
    .option('--variant <v>', 'weights variant: fp32, fp16, int8, uint8, quantized, q4, q4f16, bnb4 (alias: --model DIR@variant)')
    .requiredOption('--dataset <dir|manifest|tar|name>', 'dataset folder, manifest, webdataset .tar shard, or name of a bundled dataset (e.g. emoji-demo)')
    .addOption(
      new Option(
        '--attack <attack>',
        'attack: csa (cosine similarity), aea (augmentation-enhanced), wsa (weakly supervised), qmia (per-item quantile thresholds), loss-grad (InfoNCE loss + gradient norm), rank (zero-shot caption rank), blind (never queries the model); docs/attacks.md'
      )
        .choices(RUNNABLE_ATTACKS)
        .makeOptionMandatory()
    )
    .option('--augment <bank>', 'AEA augmentation bank (canonical spec); default: the bank of attacks.md (K = 10)')
    .addOption(
      new Option(
        '--aggregation <agg>',
        'AEA aggregation of the K+1 similarities: mean = their average (robust, the default); drop = original − mean of the augmented views (members lose more similarity under augmentation)'
      )
        .choices(['mean', 'drop'])
        .default('mean')
    )
    .addOption(
      new Option('--wsa-variant <v>', 'WSA as the workbench does it, or as reds-lab/CLIP-MIA (ko2023) or CLIP-MIA-Bench (bench2026) do (docs/attacks.md)')
        .choices(['workbench', 'ko2023', 'bench2026'])
        .default('workbench')
    )
    .option(
      '--lambda <x>',
      "WSA threshold τ = μ + λσ over the reference items' CSA scores; default: ko2023 1.5, bench2026 0.5, workbench the label-free precision rule",
      numberArg(LambdaSchema, 'decimal')
    )
    .option('--target-precision <p>', 'WSA precision rule: estimated pseudo-member precision to reach', numberArg(TargetPrecisionSchema, 'decimal'), 0.9)
    .option('--wsa-folds <k>', 'WSA cross-fitting folds over a transductive pool', numberArg(FoldsSchema), 5)
    .option('--wsa-transductive', 'WSA: no cross-fitting; the pseudo-members are later scored by the model trained on them (inflates AUC; the audit flags it)')
    .addOption(new Option('--wsa-model <m>', 'WSA attack model').choices(['mlp', 'logreg']).default('mlp'))
    .addOption(new Option('--pool <p>', 'WSA pseudo-member pool').choices(['auto', 'separate', 'transductive']).default('auto'))
    .option('--epochs <n>', 'WSA MLP max epochs', numberArg(EpochsSchema), 15)
    .option('--patience <n>', 'WSA MLP early-stopping patience (epochs)', numberArg(PatienceSchema), 3)
    .addOption(new Option('--qmia-base <score>', 'QMIA base score').choices(['csa', 'aea']).default('csa'))
    .option('--qmia-alpha <f>', 'QMIA target FPR of the per-item thresholds', numberArg(FprSchema, 'decimal'), 0.01)
    .addOption(new Option('--qmia-features <f>', 'QMIA regression features').choices(['both', 'image', 'text']).default('both'))
    .option('--batch <n>', 'loss-grad InfoNCE batch size B', numberArg(InfoNceBatchSchema), 256)
    .option('--logit-scale <s>', "loss-grad logit scale (default: the model card's, else 100 with a warning)", numberArg(LogitScaleSchema, 'decimal'))
    .option('--k <n>', 'rank: candidate captions per image, its own included', numberArg(RankKSchema), 100)
    .option('--candidates <file>', "rank: candidate texts, one per line (default: the other items' captions)")
    .option('--template <t>', 'rank: prompt template with {} for the caption (repeatable; the median rank votes)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--reference-model <dir|name>', 'CSA/AEA calibrated against a reference model: s_target − s_reference (docs/attacks.md)')
    .addOption(
      new Option(
        '--calibration <mode>',
        'with --reference-model: regression (standardised residual of s_target on s_reference, fitted on the guaranteed non-members), difference (s_target − s_reference), or auto: regression where the dataset has ≥ 20 guaranteed non-members, else difference'
      )
        .choices([...CALIBRATION_MODES])
        .default('auto')
    )
    .option('--seed <n>', 'seed of augmentations, training and bootstrap', numberArg(SeedSchema), 0)
    .option('--seeds <list>', 'run one experiment per seed, e.g. 0-4 or 0,3,7, and report mean ± sd, min–max and per-record stability')
    .option('--resamples <n>', 'bootstrap resamples', numberArg(ResamplesSchema), 1000)
    .option('--no-blind', 'skip the blind baseline')
    .option('--name <name>', 'experiment name')
    .option('--tag <tag>', 'tag (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--force', 'run even when a finished experiment has the same model, dataset, attack and parameters')
    .option('--json', 'print one JSON object')
    .action(
      action(async (o: RunOptions) => {
        const g = globals()
        const shown = new Set<string>()
        calibrationMode(o) // before any workspace exists
        if (o.seeds) return runSeeds(o, g, shown)
        const record = await withEngine(g, async (c, signal) => {
          const created = await c.invoke('experiments.create', { spec: specOf(o, g) }, { signal })
          const twin = o.force ? null : await sameSpec(c, created.spec, created.id)
          if (twin) {
            await c.invoke('experiments.delete', { id: created.id })
            throw new WorkbenchError({
              code: 'invalid-input',
              item: twin.id.slice(0, 8),
              message: `Experiment "${twin.name}" (${twin.id.slice(0, 8)}) already ran this spec: same model files, dataset, attack and parameters, so it would give the same numbers.`,
              hint: `Show it with \`mia experiments show ${twin.id.slice(0, 8)}\`, or pass --force to run a new experiment anyway.`
            })
          }
          return runStored(c, created.id, signal, g, Boolean(o.json), shown)
        })
        if (o.json) return printJson(runSummary(record))
        printRecord(record, shown)
      }, hasJson)
    )
}

/** `--seeds`: one ordinary record per seed (sharing the embedding cache; each reproducible by `mia rerun`), then mean ± sd. */
async function runSeeds(o: RunOptions, g: GlobalOptions, shown: Set<string>): Promise<void> {
  const seeds = parseSeeds(o.seeds!)
  const spec = specOf(o, g)
  const out = await withEngine(g, async (c, signal) => {
    const records: ExperimentRecord[] = []
    for (const seed of seeds) {
      const created = await c.invoke(
        'experiments.create',
        { spec: { ...spec, name: o.name ? `${o.name} · seed ${seed}` : undefined, tags: [...o.tag, `seeds:${o.seeds}`], params: { ...spec.params, seed } } },
        { signal }
      )
      records.push(await runStored(c, created.id, signal, g, Boolean(o.json), shown))
    }
    return { records, summary: await c.invoke('experiments.seeds', { ids: records.map((r) => r.id) }, { signal }) }
  })
  if (o.json) return printJson({ runs: out.records.map(runSummary), summary: out.summary })
  write(out.records.map((r) => `seed ${r.spec.params.seed}: ${r.id.slice(0, 8)}  AUC ${r.results?.metrics ? formatCI(r.results.metrics.auc, r.results.metrics.aucCI) : '—'}`))
  printSeedSummary(out.summary)
}

function registerResume(program: Command, globals: () => GlobalOptions): void {
  program
    .command('resume <id>')
    .description('continue an experiment that was interrupted (Ctrl-C, kill, crash): cached embeddings are reused; <id> may be a unique id prefix or the name')
    .option('--json', 'print one JSON object')
    .action(
      action(async (id: string, o: { json?: boolean }) => {
        const shown = new Set<string>()
        const record = await withEngine(globals(), async (c, signal) => {
          const full = (await c.invoke('experiments.get', { id })).record.id
          return runStored(c, full, signal, globals(), Boolean(o.json), shown)
        })
        if (o.json) return printJson(runSummary(record))
        printRecord(record, shown)
      }, hasJson)
    )
}

function registerRerun(program: Command, globals: () => GlobalOptions): void {
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
          throw new WorkbenchError({
            code: 'invalid-input',
            item: file,
            message: `${file} is not readable JSON: ${(err as Error).message}`,
            hint: 'Export the record with `mia experiments show <id> --json > record.json`.'
          })
        }
        const out = await withEngine(globals(), (c, signal) => c.invoke('experiments.rerun', { record }, { signal, onEvent: progressPrinter(Boolean(o.json)) }))
        if (o.json) printJson({ ...runSummary(out.record), reproduced: out.reproduced, differences: out.differences })
        else {
          printRecord(out.record)
          write([out.reproduced ? "reproduced: every metric equals the record's" : `NOT reproduced:\n${out.differences.map((d) => `  ${d}`).join('\n')}`])
        }
        if (!out.reproduced) process.exitCode = 3
      }, hasJson)
    )
}

/** Register run, resume and rerun on the program. */
export function registerRunCommands(program: Command, globals: () => GlobalOptions): void {
  registerRun(program, globals)
  registerResume(program, globals)
  registerRerun(program, globals)
}
