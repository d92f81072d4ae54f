// `mia experiments list|show|compare|delete`: saved experiments, named by id, unique id prefix or name.
import type { Command } from 'commander'
import { registerAblationCommand } from './ablation-command'
import { withEngine, type GlobalOptions } from './engine-session'
import { FprSchema, ResamplesSchema } from '../shared/contract/numbers'
import { printAgreement } from './evidence-commands'
import { numberArg } from './options'
import { printComparison, printExperimentList, printRecord, runSummary } from './experiment-text'
import { action, hasJson, printJson, write } from './output'

const REF = '<id> is a full id, a unique id prefix (≥ 4 characters, e.g. the 8 that `experiments list` shows) or the experiment name'

/** Register the experiments command group on the program. */
export function registerExperimentsCommands(program: Command, globals: () => GlobalOptions): void {
  const experiments = program.command('experiments').description(`saved experiments: list, show, compare, ablation, delete (${REF})`)
  experiments
    .command('list')
    .description('saved experiments, newest first: id prefix, status, AUC, model, attack, key parameters, name and tags')
    .option('--search <text>', 'filter by name, id or tag')
    .option('--json', 'print JSON')
    .action(
      action(async (o: { search?: string; json?: boolean }) => {
        const out = await withEngine(globals(), (c) => c.invoke('experiments.list', { search: o.search }))
        if (o.json) return printJson(out)
        printExperimentList(out.experiments)
      }, hasJson)
    )
  experiments
    .command('show <id>')
    .description(`metrics of one experiment; with --json its full record (enough to \`mia rerun\`). ${REF}`)
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
    .description('two or more experiments by name: AUC and TPR@1% FPR with CIs, then paired Δ = first − other (AUC and TPR@1% FPR, CI and p) where the targets match')
    .option('--resamples <n>', 'paired bootstrap resamples', numberArg(ResamplesSchema), 1000)
    .option('--fpr <f>', 'FPR budget at which records count as flagged (per-record agreement)', numberArg(FprSchema, 'decimal'), 0.01)
    .option('--json', 'print JSON')
    .action(
      action(async (ids: string[], o: { resamples: number; fpr: number; json?: boolean }) => {
        const { out, agreement } = await withEngine(globals(), async (c, signal) => ({
          out: await c.invoke('experiments.compare', { ids, resamples: o.resamples }, { signal }),
          agreement: await c.invoke('experiments.agreement', { ids, fpr: o.fpr }, { signal })
        }))
        if (o.json) return printJson({ experiments: out.views.map((v) => runSummary(v.record)), comparisons: out.comparisons, agreement: { ...agreement, records: undefined }, notes: out.notes })
        printComparison(out.views, out.comparisons, out.notes)
        printAgreement(agreement)
      }, hasJson)
    )
  experiments
    .command('delete <ids...>')
    .description('delete experiments and their scores (cached embeddings stay, so a rerun is fast)')
    .option('--json', 'print JSON')
    .action(
      action(async (ids: string[], o: { json?: boolean }) => {
        const deleted = await withEngine(globals(), async (c) => {
          // Resolve every reference first: a typo in the third id must not leave the first two deleted.
          const records = await Promise.all(ids.map(async (id) => (await c.invoke('experiments.get', { id })).record))
          for (const r of records) await c.invoke('experiments.delete', { id: r.id })
          return records.map((r) => ({ id: r.id, name: r.name }))
        })
        if (o.json) return printJson({ deleted })
        write(deleted.map((d) => `deleted ${d.id.slice(0, 8)} ${d.name}`))
      }, hasJson)
    )
  registerAblationCommand(experiments, globals, REF)
}
