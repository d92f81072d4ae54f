// `mia experiments ablation <id>`: the WSA pool-size ablation of a stored WSA experiment (docs/attacks.md "WSA ablation").
import type { Command } from 'commander'
import { ablationRows, lambdaLabel, type WsaAblation } from '../shared/contract/ablation'
import type { OpInput } from '../shared/contract/operations'
import { withEngine, type GlobalOptions } from './engine-session'
import { action, hasJson, printJson, write } from './output'
import { progressPrinter } from './progress-bar'

/** `100,250,all` → [100, 250, 'all']; any other word stays a string, so that the engine's schema refuses it by name. */
export const listOf =
  (word: string) =>
  (text: string): Array<number | string> =>
    text.split(',').map((s) => (s.trim() === word ? word : s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : s.trim()))

/** Register `experiments ablation` on the experiments command group. */
export function registerAblationCommand(experiments: Command, globals: () => GlobalOptions, ref: string): void {
  experiments
    .command('ablation <id>')
    .description(`WSA's AUC and TPR@1% FPR against the guaranteed non-member pool size and λ, beside CSA, on the experiment's cached embeddings. ${ref}`)
    .option('--sizes <list>', 'pool sizes |D_no|, comma-separated; `all` = every reference item', listOf('all'), [100, 250, 500, 1000, 'all'])
    .option('--lambdas <list>', 'λ values, comma-separated; `rule` = the experiment variant’s own setting (the workbench: the label-free precision rule)', listOf('rule'), ['rule', 0, 1])
    .option('--seeds <list>', "seeds of the pool subsets and attack model (default: the experiment's)", listOf(''))
    .option('--json', 'print JSON')
    .action(
      action(async (id: string, o: { sizes: unknown[]; lambdas: unknown[]; seeds?: unknown[]; json?: boolean }) => {
        const out = await withEngine(globals(), (c, signal) =>
          c.invoke('experiments.ablation', { id, sizes: o.sizes, lambdas: o.lambdas, seeds: o.seeds } as OpInput<'experiments.ablation'>, { signal, onEvent: progressPrinter(Boolean(o.json)) })
        )
        if (o.json) return printJson(out)
        write(ablationText(out))
      }, hasJson)
    )
}

const f3 = (v: number | null): string => (v === null ? '—' : v.toFixed(3))

/** The table as the terminal shows it: one line per (|D_no|, λ), means over seeds, CSA first. */
export function ablationText(a: WsaAblation): string[] {
  const lines = [
    `WSA ablation of ${a.name} (${a.variant}): ${a.nTargets} labelled targets, D_no from ${a.nReference} reference items, ${a.seconds.toFixed(0)} s.`,
    `CSA on the same targets: AUC ${f3(a.csa.auc)}, TPR@1% FPR ${f3(a.csa.tpr1)}.`,
    '',
    `${'|D_no|'.padStart(7)}  ${'λ'.padEnd(14)} ${'fits'.padStart(4)} ${'selected'.padStart(9)} ${'per class'.padStart(9)} ${'precision'.padStart(9)} ${'AUC'.padStart(6)} ${'TPR@1%'.padStart(7)}`
  ]
  for (const r of ablationRows(a.cells)) {
    const size = `${r.size}${r.all ? '*' : ''}`.padStart(7)
    const lam = lambdaLabel(r.requested, r.lambdas).padEnd(14)
    if (!r.fits) {
      lines.push(`${size}  ${lam} ${'0'.padStart(4)}  no fit: ${r.error ?? ''}`)
      continue
    }
    lines.push(
      `${size}  ${lam} ${String(r.fits).padStart(4)} ${r.nSelected!.toFixed(0).padStart(9)} ${r.usedPerClass!.toFixed(0).padStart(9)} ${f3(r.precision).padStart(9)} ${f3(r.auc).padStart(6)} ${f3(r.tpr1).padStart(7)}`
    )
  }
  lines.push('', '* = every reference item. Precision uses ground truth and is shown, never used to choose λ.', ...a.notes)
  return lines
}
