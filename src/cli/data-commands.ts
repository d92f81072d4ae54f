// `mia datasets validate`, `mia embed`, `mia metrics --scores`, `mia cache merge`: data in, numbers out.
import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import { parseScoresCsv } from '../main/engine/metrics'
import { mergeDatabases, mergeSourceDb, mergeTargetDb, workspaceDbPath } from '../main/engine/store'
import { WorkbenchError } from '../shared/contract/errors'
import { formatCI, formatFprTarget, formatNumber, formatTprAtFpr } from '../shared/format'
import type { MetricsReportData } from '../shared/contract/metrics'
import { cliConfig, withEngine, type GlobalOptions } from './engine-session'
import { action, hasJson, printJson } from './output'
import { progressPrinter } from './progress-bar'

const int = (v: string): number => Number.parseInt(v, 10)

/** Human summary of a metrics report (the JSON form is the contract's MetricsReport). */
export function printMetrics(m: MetricsReportData): void {
  const lines = [
    `n: ${m.n.members} members, ${m.n.nonmembers} non-members`,
    `AUC:               ${formatCI(m.auc, m.aucCI)}`,
    `balanced accuracy: ${formatCI(m.balancedAccuracy, m.balancedAccuracyCI)}`,
    `advantage:         ${formatNumber(m.advantage)}`,
    ...Object.entries(m.tprAtFpr).map(([f, e]) => `TPR@${formatFprTarget(Number(f))} FPR:`.padEnd(19) + formatTprAtFpr(e)),
    ...(m.calibrated ? [`calibrated (α=${m.calibrated.alpha}): TPR ${formatNumber(m.calibrated.tpr)} at FPR ${formatNumber(m.calibrated.fpr)}`] : []),
    `similarity gap Δ:  ${formatCI(m.scoreGap.delta, m.scoreGap.ci)}`,
    `bootstrap: ${m.bootstrap.resamples} resamples, seed ${m.bootstrap.seed}, ${m.bootstrap.confidence * 100}% CI`
  ]
  process.stdout.write(lines.join('\n') + '\n')
}

/** `i/N` → {index, count}; the engine checks the range. */
function parseShard(text: string | undefined): { index: number; count: number } | undefined {
  if (text === undefined) return undefined
  const m = /^(\d+)\/(\d+)$/.exec(text.trim())
  if (!m) throw new WorkbenchError({ code: 'invalid-input', item: text, message: `--shard ${text} is not of the form i/N.`, hint: 'Use e.g. --shard 0/4 … --shard 3/4 (0-based; with SLURM: --shard $SLURM_ARRAY_TASK_ID/4).' })
  return { index: Number(m[1]), count: Number(m[2]) }
}

/** Register the data commands on the program. */
export function registerDataCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('datasets')
    .description('datasets: validate before running')
    .command('validate <path>')
    .description('check every item (files, decoding, duplicates, captions) and print the report')
    .option('--max-issues <n>', 'issues listed (counts always cover all)', int, 500)
    .option('--json', 'print JSON')
    .action(
      action(async (p: string, opts: { json?: boolean; maxIssues: number }) => {
        const report = await withEngine(globals(), (c, signal) => c.invoke('datasets.validate', { dataset: p, maxIssues: opts.maxIssues }, { signal, onEvent: progressPrinter(Boolean(opts.json)) }))
        if (opts.json) return printJson(report)
        process.stdout.write(`${report.dataset}: ${report.usable} usable items, ${report.errors} errors, ${report.warnings} warnings\n`)
        for (const [role, c] of Object.entries(report.counts.byRole)) process.stdout.write(`  ${role.padEnd(9)} member ${c.member}, nonmember ${c.nonmember}, unknown ${c.unknown}\n`)
        for (const i of report.issues) process.stdout.write(`${i.severity} ${i.itemId ?? ''}${i.line ? ` (line ${i.line})` : ''} [${i.code}]: ${i.message}${i.hint ? `\n    hint: ${i.hint}` : ''}\n`)
        if (report.truncated) process.stdout.write('… more issues not listed (raise --max-issues)\n')
        if (report.errors) process.exitCode = 2
      }, hasJson)
    )

  program
    .command('embed')
    .description('compute (or read from the cache) L2-normalised embeddings of every item')
    .requiredOption('--model <dir|name>', 'model folder or bundled/added model name')
    .requiredOption('--dataset <dir|manifest|name>', 'dataset folder, manifest file or name')
    .option('--augment <spec>', 'augmentation bank (comma-separated transforms, e.g. "hflip, rot(deg=15)", or "default"); default none')
    .option('--seed <n>', 'augmentation seed', int, 0)
    .option('--batch-size <n>', 'inference batch size', int)
    .option('--out <file>', 'write one JSON line per item: {"id", "image_embeds", "text_embeds"}')
    .option('--shard <i/N>', 'process only shard i of N (0-based; deterministic by item id), e.g. for a SLURM job array')
    .option('--json', 'print the summary as JSON (no progress output)')
    .action(
      action(async (opts: { model: string; dataset: string; augment?: string; seed: number; batchSize?: number; out?: string; shard?: string; json?: boolean }) => {
        const out = await withEngine(globals(), (c, signal) =>
          c.invoke('embed', { model: opts.model, dataset: opts.dataset, augment: opts.augment, seed: opts.seed, batchSize: opts.batchSize, out: opts.out, shard: parseShard(opts.shard) }, { signal, onEvent: progressPrinter(Boolean(opts.json)) })
        )
        if (opts.json) return printJson(out)
        process.stdout.write(
          `${out.model} on ${out.dataset}: ${out.items} items × ${out.views.length} view(s); computed ${out.computed.image} image / ${out.computed.text} text, cached ${out.cached.image} / ${out.cached.text}; ${out.skipped.length} skipped; ${out.seconds.toFixed(1)} s on ${out.provider}${out.out ? `\nwrote ${out.out}` : ''}\n`
        )
      }, hasJson)
    )

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
