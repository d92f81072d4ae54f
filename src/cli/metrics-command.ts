// `mia metrics --scores`: any tool's scores under the workbench's conventions, optionally saved as an experiment.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { parseScoresCsv, type ScoresCsv } from '../main/engine/ring-api'
import { WorkbenchError } from '../shared/contract/errors'
import type { ImportedScores } from '../shared/contract/experiments'
import type { MetricsReportData } from '../shared/contract/metrics'
import { formatCI } from '../shared/format'
import { MEMBERSHIP_SPELLINGS_TEXT } from '../shared/membership-labels'
import { withEngine, type GlobalOptions } from './engine-session'
import { ResamplesSchema, SeedSchema } from '../shared/contract/numbers'
import { numberArg } from './options'
import { printMetrics } from './metrics-text'
import { action, hasJson, printJson, write } from './output'

interface MetricsOptions {
  scores: string
  scoreCol?: string
  labelCol?: string
  idCol?: string
  lowerIsMember?: boolean
  save?: boolean
  name?: string
  tag: string[]
  resamples: number
  seed: number
  json?: boolean
}

/** The file's bytes, or a sentence naming it when it cannot be read. */
function readScoresFile(file: string): Buffer {
  try {
    return fs.readFileSync(file)
  } catch (err) {
    throw new WorkbenchError({ code: 'not-found', item: file, message: `Cannot read ${file}: ${(err as Error).message}`, hint: 'Give the path of a CSV file with a header row.' })
  }
}

/** Parsed scores, negated when lower means member, with their provenance. */
export function loadScores(o: MetricsOptions): { parsed: ScoresCsv; scores: number[]; source: ImportedScores } {
  const bytes = readScoresFile(o.scores)
  const parsed = parseScoresCsv(bytes.toString('utf8'), path.basename(o.scores), { score: o.scoreCol, label: o.labelCol, id: o.idCol })
  // Loss-like scores: negated so that, as everywhere in the workbench (attacks.md), a higher score means "member".
  const scores = Array.from(parsed.scores, (v) => (o.lowerIsMember ? -v : v))
  const source: ImportedScores = {
    file: path.resolve(o.scores),
    sha256: createHash('sha256').update(bytes).digest('hex'),
    columns: parsed.columns,
    lowerIsMember: Boolean(o.lowerIsMember),
    rows: parsed.scores.length + parsed.skippedUnknown,
    skippedUnknown: parsed.skippedUnknown
  }
  return { parsed, scores, source }
}

/** An AUC whose whole interval lies below chance most often means the score's direction is the other way round. */
export function directionWarning(m: MetricsReportData, lowerIsMember: boolean): string | null {
  if (!(m.auc < 0.5)) return null
  const sure = m.aucCI.hi < 0.5 ? 'its interval lies below chance' : 'it is below chance'
  const flip = lowerIsMember ? 'drop --lower-is-member' : 'pass --lower-is-member if lower scores mean "member" (a loss, a distance)'
  return `AUC ${formatCI(m.auc, m.aucCI)}: ${sure}, so the score's direction may be flipped — ${flip}.`
}

async function evaluateOrSave(o: MetricsOptions, g: GlobalOptions): Promise<void> {
  const { parsed, scores, source } = loadScores(o)
  const labels = Array.from(parsed.labels) as Array<0 | 1>
  if (o.save && !o.name)
    throw new WorkbenchError({
      code: 'invalid-input',
      item: '--save',
      message: '--save needs --name: the experiment list, figures and tables show it.',
      hint: 'E.g. --save --name "LiRA (other tool)".'
    })
  const out = await withEngine(g, async (c, signal) => {
    if (!o.save) return { metrics: await c.invoke('metrics.evaluate', { scores, labels, resamples: o.resamples, seed: o.seed }, { signal }), record: null }
    const record = await c.invoke('experiments.import', { name: o.name!, tags: o.tag, scores, labels, ids: parsed.ids, source, resamples: o.resamples, seed: o.seed }, { signal })
    return { metrics: record.results!.metrics!, record }
  })
  const warning = directionWarning(out.metrics, Boolean(o.lowerIsMember))
  if (warning) process.stderr.write(`warning: ${warning}\n`)
  if (o.json) return printJson(out.record ? { metrics: out.metrics, experiment: { id: out.record.id, name: out.record.name, source } } : { metrics: out.metrics })
  printMetrics(out.metrics)
  if (parsed.skippedUnknown) write([`${parsed.skippedUnknown} row(s) with an unknown label left out`])
  if (out.record)
    write([`saved as experiment "${out.record.name}" (${out.record.id.slice(0, 8)}): compare or export it like any other, e.g. \`mia experiments compare ${out.record.id.slice(0, 8)} <id>\``])
}

/** Register `mia metrics` on the program. */
export function registerMetricsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('metrics')
    .description("evaluate any attack's scores (a CSV with a header) with the same conventions as `mia run`; --save stores them as an experiment")
    .requiredOption('--scores <file>', `CSV with a header; columns score and label (${MEMBERSHIP_SPELLINGS_TEXT}), optional id`)
    .option('--score-col <name>', 'column holding the score (default "score")')
    .option('--label-col <name>', 'column holding the membership label (default "label")')
    .option('--id-col <name>', 'column holding the item id (default "id" when present); ids let saved scores pair with other experiments')
    .option('--lower-is-member', 'lower scores mean "member" (a loss, a distance): scores are negated, and the record says so')
    .option('--save', "store the scores as an experiment (with the file's sha256 and column mapping) to compare, plot and export")
    .option('--name <name>', 'experiment name (with --save)')
    .option('--tag <tag>', 'tag (repeatable, with --save)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--resamples <n>', 'bootstrap resamples', numberArg(ResamplesSchema), 1000)
    .option('--seed <n>', 'bootstrap seed', numberArg(SeedSchema), 0)
    .option('--json', 'print {"metrics": <the metrics report>} as JSON, plus "experiment": {id, name, source} with --save')
    .action(action((o: MetricsOptions) => evaluateOrSave(o, globals()), hasJson))
}
