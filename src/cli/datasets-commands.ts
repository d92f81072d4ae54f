// `mia datasets list|add|remove|validate`: bundled and added datasets, and the per-item check before a run.
import type { Command } from 'commander'
import type { DatasetSummary } from '../shared/contract/datasets'
import { formatCount } from '../shared/format'
import { withEngine, type GlobalOptions } from './engine-session'
import { MaxIssuesSchema } from '../shared/contract/numbers'
import { numberArg } from './options'
import { action, hasJson, printJson, write } from './output'
import { progressPrinter } from './progress-bar'

/** "emoji-demo  bundled  manifest  600 items: 300 member / 300 non-member targets …" or its error. */
function datasetLine(d: DatasetSummary): string {
  const head = `${d.name.padEnd(20)} ${(d.source === 'user' ? 'added' : d.source).padEnd(8)} ${d.kind.padEnd(12)}`
  if (d.error) return `${head} ERROR: ${d.error.message}`
  const t = d.counts?.byRole.target
  const counts = d.counts
    ? `${formatCount(d.counts.total)} items; targets ${formatCount(t?.member)} member / ${formatCount(t?.nonmember)} non-member / ${formatCount(t?.unknown)} unknown`
    : 'not counted'
  return `${head} ${counts}${d.embeddings ? `; embeddings only (dim ${d.embeddings.dim})` : ''}  ${d.path}`
}

function registerValidate(datasets: Command, globals: () => GlobalOptions): void {
  datasets
    .command('validate <path>')
    .description('check every item (files, decoding, duplicates, captions) and print the report')
    .option('--max-issues <n>', 'issues listed (counts always cover all)', numberArg(MaxIssuesSchema), 500)
    .option('--json', 'print JSON')
    .action(
      action(async (p: string, opts: { json?: boolean; maxIssues: number }) => {
        const report = await withEngine(globals(), (c, signal) => c.invoke('datasets.validate', { dataset: p, maxIssues: opts.maxIssues }, { signal, onEvent: progressPrinter(Boolean(opts.json)) }))
        if (opts.json) return printJson(report)
        write([
          `${report.dataset}: ${report.usable} usable items, ${report.errors} errors, ${report.warnings} warnings`,
          ...Object.entries(report.counts.byRole).map(([role, c]) => `  ${role.padEnd(9)} member ${c.member}, nonmember ${c.nonmember}, unknown ${c.unknown}`),
          ...report.issues.map((i) => `${i.severity} ${i.itemId ?? ''}${i.line ? ` (line ${i.line})` : ''} [${i.code}]: ${i.message}${i.hint ? `\n    hint: ${i.hint}` : ''}`),
          ...(report.truncated ? ['… more issues not listed (raise --max-issues)'] : [])
        ])
        if (report.errors) process.exitCode = 2
      }, hasJson)
    )
}

/** Register the datasets command group on the program. */
export function registerDatasetsCommands(program: Command, globals: () => GlobalOptions): void {
  const datasets = program.command('datasets').description('datasets: list the bundled and added ones, add or remove yours, validate before running')
  datasets
    .command('list')
    .description('bundled and added datasets with kind, counts by membership of the targets, and path')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { json?: boolean }) => {
        const out = await withEngine(globals(), (c) => c.invoke('datasets.list', {}))
        if (o.json) return printJson(out)
        write(out.datasets.length ? out.datasets.map(datasetLine) : ['No datasets. Add one with `mia datasets add <folder|manifest>`.'])
      }, hasJson)
    )
  datasets
    .command('add <path>')
    .description('add a dataset folder, manifest or webdataset shard so it can be used by name')
    .option('--json', 'print JSON')
    .action(
      action(async (p: string, o: { json?: boolean }) => {
        const d = await withEngine(globals(), (c, signal) => c.invoke('datasets.add', { path: p }, { signal, onEvent: progressPrinter(Boolean(o.json)) }))
        if (o.json) return printJson(d)
        write([datasetLine(d), `added as "${d.name}": use --dataset ${d.name}`])
      }, hasJson)
    )
  datasets
    .command('remove <name|path>')
    .description('forget an added dataset (its files and cached embeddings stay)')
    .option('--json', 'print JSON')
    .action(
      action(async (ref: string, o: { json?: boolean }) => {
        const removed = await withEngine(globals(), async (c) => {
          const { datasets: all } = await c.invoke('datasets.list', {})
          const d = all.find((x) => x.source === 'user' && (x.name === ref || x.path === ref))
          await c.invoke('datasets.remove', { path: d?.path ?? ref })
          return d?.path ?? ref
        })
        if (o.json) return printJson({ removed })
        write([`removed ${removed}`])
      }, hasJson)
    )
  registerValidate(datasets, globals)
}
