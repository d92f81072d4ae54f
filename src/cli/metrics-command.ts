// `mia metrics --scores`: any tool's scores under the workbench's conventions, optionally saved as an experiment.
import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { parseScoresCsv } from '../main/engine/metrics'
import { withEngine, type GlobalOptions } from './engine-session'
import { printMetrics } from './metrics-text'
import { action, hasJson, printJson } from './output'

const int = (v: string): number => Number.parseInt(v, 10)

/** Register `mia metrics` on the program. */
export function registerMetricsCommand(program: Command, globals: () => GlobalOptions): void {
  program
    .command('metrics')
    .description('evaluate any attack\'s scores (CSV "score,label[,id]") with the same conventions as `mia run`')
    .requiredOption('--scores <file>', 'CSV with header score,label (1/0 or member/nonmember), optional id')
    .option('--resamples <n>', 'bootstrap resamples', int, 1000)
    .option('--seed <n>', 'bootstrap seed', int, 0)
    .option('--json', 'print the metrics object as JSON')
    .action(
      action(async (opts: { scores: string; resamples: number; seed: number; json?: boolean }) => {
        const parsed = parseScoresCsv(fs.readFileSync(opts.scores, 'utf8'), path.basename(opts.scores))
        const metrics = await withEngine(globals(), (c, signal) =>
          c.invoke('metrics.evaluate', { scores: Array.from(parsed.scores), labels: Array.from(parsed.labels) as Array<0 | 1>, resamples: opts.resamples, seed: opts.seed }, { signal })
        )
        if (opts.json) return printJson({ metrics })
        printMetrics(metrics)
      }, hasJson)
    )
}
