// `mia audit-set` and the multi-seed / agreement printers: evidence beyond one experiment (issue 20).
import fs from 'node:fs'
import { Option, type Command } from 'commander'
import { SeedListSchema, type Agreement, type SeedSummary } from '../shared/contract/evidence'
import { AttackSchema } from '../shared/contract/experiments'
import { WorkbenchError } from '../shared/contract/errors'
import { SeedSchema, SetSizeSchema } from '../shared/contract/numbers'
import { formatNumber, formatPValue } from '../shared/format'
import { withEngine, type GlobalOptions } from './engine-session'
import { numberArg } from './options'
import { action, hasJson, printJson } from './output'
import { progressPrinter } from './progress-bar'

/** `0-4` or `0,3,7` (or a mix, `0-2,9`) → distinct seeds in order, through the contract's SeedListSchema (as the UI's form). */
export function parseSeeds(text: string): number[] {
  const parsed = SeedListSchema.safeParse(text)
  if (parsed.success) return parsed.data
  throw new WorkbenchError({ code: 'invalid-input', item: text, message: `--seeds ${text}: ${parsed.error.issues[0]?.message}.`, hint: 'Use e.g. --seeds 0-4 or --seeds 0,3,7; --seed for one run.' })
}

/** Human summary of a multi-seed run. */
export function printSeedSummary(s: SeedSummary): void {
  process.stdout.write(`${s.ids.length} runs, seeds ${s.seeds.join(', ')}\n`)
  for (const st of s.stats) process.stdout.write(`${st.metric.padEnd(22)} ${formatNumber(st.mean)} ± ${formatNumber(st.sd)}  (min ${formatNumber(st.min)}, max ${formatNumber(st.max)})\n`)
  const h = s.stability.histogram
  process.stdout.write(
    `per-record stability at FPR ${s.stability.fpr}: flagged by all ${s.stability.flaggedByAll}, by any ${s.stability.flaggedByAny}; items by times flagged: ${h.map((c, k) => `${k}×${c}`).join(' ')}\n`
  )
  for (const n of s.notes) process.stdout.write(`note: ${n}\n`)
}

/** Human summary of per-record agreement. */
export function printAgreement(a: Agreement): void {
  process.stdout.write(`agreement at FPR ${a.fpr} over ${a.nItems} shared items:\n`)
  a.experiments.forEach((e, i) => process.stdout.write(`  [${i}] ${e.name}: ${e.flagged} flagged (threshold ${formatNumber(e.threshold, 4)})\n`))
  a.jaccard.forEach((row, i) => row.forEach((j, k) => k > i && process.stdout.write(`  Jaccard [${i}]–[${k}]: ${formatNumber(j)}\n`)))
  for (const c of a.intersections.slice(0, 12)) process.stdout.write(`  flagged by exactly {${c.sets.join(', ')}}: ${c.count} items (${c.members} members)\n`)
  for (const n of a.notes) process.stdout.write(`note: ${n}\n`)
}

/** Item ids from a file (one per line), or one of the keywords. */
function idsOrKeyword<K extends string>(text: string, keywords: readonly K[], option: string): K | string[] {
  if ((keywords as readonly string[]).includes(text)) return text as K
  let raw: string
  try {
    raw = fs.readFileSync(text, 'utf8')
  } catch (err) {
    throw new WorkbenchError({
      code: 'not-found',
      item: text,
      message: `Cannot read the ${option} id file ${text}: ${(err as Error).message}`,
      hint: `Give a file of item ids (one per line), or the word ${keywords.join(' or ')}.`
    })
  }
  return raw
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
}

/** Register `mia audit-set`. */
export function registerEvidenceCommands(program: Command, globals: () => GlobalOptions): void {
  program
    .command('audit-set')
    .description('set-level dataset inference: was this collection, as a whole, used to train the model? (one-sided tests against known non-members)')
    .option('--model <dir|name>', 'model folder or name')
    .requiredOption('--dataset <dir|manifest|name>', 'dataset holding the suspect items (targets) and known non-members (role reference)')
    .requiredOption('--suspect <file|members|nonmembers>', 'file of suspect item ids (one per line), or all labelled members / non-members')
    .option('--size <n>', 'test a seeded subsample of this many suspect items', numberArg(SetSizeSchema))
    .option(
      '--known <reference|nonmembers|file>',
      'known non-members: the reference items (default), a seeded half of the labelled non-member targets (the other half feeds the null check), or a file of target ids',
      'reference'
    )
    .addOption(new Option('--attack <attack>', 'per-item score to aggregate').choices(AttackSchema.options.filter((a) => a !== 'blind')).default('csa'))
    .option('--seed <n>', 'seed of the subsample, the attack and the curve', numberArg(SeedSchema), 0)
    .option('--json', 'print one JSON object (pValue, tests, effect sizes, curve)')
    .action(
      action(async (o: { model?: string; dataset: string; suspect: string; known: string; size?: number; attack: 'csa'; seed: number; json?: boolean }) => {
        const out = await withEngine(globals(), (c, signal) =>
          c.invoke(
            'audit.set',
            {
              model: o.model,
              dataset: o.dataset,
              suspect: idsOrKeyword(o.suspect, ['members', 'nonmembers'] as const, '--suspect'),
              known: idsOrKeyword(o.known, ['reference', 'nonmembers'] as const, '--known'),
              size: o.size,
              attack: o.attack,
              seed: o.seed
            },
            { signal, onEvent: progressPrinter(Boolean(o.json)) }
          )
        )
        if (o.json) return printJson(out)
        process.stdout.write(`${out.nSuspect} suspect vs ${out.nReference} known non-members (${out.referenceSource}), ${out.attack} scores\n`)
        process.stdout.write(
          `Welch t = ${formatNumber(out.welch.t)} (df ${formatNumber(out.welch.df, 1)}), p ${formatPValue(out.welch.pValue)}; Mann–Whitney p ${formatPValue(out.mannWhitney.pValue)}\n`
        )
        process.stdout.write(`effect: Cohen's d ${formatNumber(out.effect.cohensD)}, P(suspect > non-member) ${formatNumber(out.effect.probabilityOfSuperiority)}\n`)
        process.stdout.write(`items needed for median p < 0.01: ${out.needed ?? 'not reached'} (${out.curve.map((c) => `${c.size}: ${formatPValue(c.medianP)}`).join(', ')})\n`)
        process.stdout.write(
          out.pValue < 0.01 ? 'verdict: evidence that the collection was in the training data (p < 0.01)\n' : 'verdict: no evidence at p < 0.01 (this does not show the collection was not used)\n'
        )
        if (out.nullCheck)
          process.stdout.write(
            `null check: ${out.nullCheck.rejected} of ${out.nullCheck.subsets} non-member subsets of ${out.nullCheck.size} reach p < 0.01 (false-positive rate ${formatNumber(out.nullCheck.rate)})\n`
          )
        for (const n of out.notes) process.stdout.write(`note: ${n}\n`)
      }, hasJson)
    )
}
