// audit.set: set-level dataset inference — run an attack (cache-backed, stored as an experiment), then test whether a
// suspect collection's scores exceed those of known non-members (docs/attacks.md "Set-level dataset inference").
import { WorkbenchError } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import { ExperimentSpecSchema } from '../../../shared/contract/experiments'
import type { OpOutput, OpParsedInput } from '../../../shared/contract/operations'
import { setInference, welchTest } from '../metrics'
import { createRng, seedOf, shuffleInPlace } from '../rng'
import { runExperimentWithOutcome } from '../runner/run'
import { createExperimentOp } from './experiments'
import type { Services } from '../services'

interface Ctx {
  signal?: AbortSignal
  emit: EventSink
}

/** Score the dataset with the attack, pick the suspect scores and the known non-member scores, and test. */
export async function auditSetOp(s: Services, input: OpParsedInput<'audit.set'>, ctx: Ctx): Promise<OpOutput<'audit.set'>> {
  // Ids that are not targets of the dataset at all are refused before a run is stored and scored for nothing.
  if (Array.isArray(input.suspect) || Array.isArray(input.known)) {
    const targets = await targetIds(s, input.dataset, ctx.signal)
    if (Array.isArray(input.suspect)) requireKnown(input.suspect, targets, input.dataset)
    if (Array.isArray(input.known)) requireKnown(input.known, targets, input.dataset, 'known non-member')
  }
  const spec = ExperimentSpecSchema.parse({
    name: `audit-set · ${input.attack.toUpperCase()} · ${input.dataset}`.slice(0, 200),
    model: input.model,
    dataset: input.dataset,
    attack: input.attack,
    tags: ['audit-set'],
    params: { seed: input.seed, evaluation: { resamples: 200 }, blind: { enabled: false } }
  })
  const created = await createExperimentOp(s, spec, ctx.signal)
  const { outcome } = await runExperimentWithOutcome(s, created.id, ctx)
  const byId = new Map(outcome.targets.map((it, i) => [it.id, i]))
  let suspect: number[]
  if (Array.isArray(input.suspect)) {
    // Targets skipped by the run (an unreadable image) have no score: refused here, after the run that found them.
    requireKnown(input.suspect, byId, input.dataset)
    suspect = [...new Set(input.suspect)].map((id) => byId.get(id)!)
  } else {
    const want = input.suspect === 'members' ? 'member' : 'nonmember'
    suspect = outcome.targets.flatMap((it, i) => (it.membership === want ? [i] : []))
  }
  const notes: string[] = []
  if (input.size !== undefined) {
    if (input.size > suspect.length)
      throw new WorkbenchError({ code: 'invalid-input', item: 'size', message: `--size ${input.size} exceeds the ${suspect.length} suspect items.`, hint: `Use --size ≤ ${suspect.length}.` })
    suspect = shuffleInPlace([...suspect], createRng(seedOf('audit-set-suspect', input.seed))).slice(0, input.size)
    notes.push(`The suspect set is a seeded subsample of ${input.size} items (seed ${input.seed}).`)
  }
  const inSuspect = new Set(suspect)
  const known = knownNonMembers(outcome, inSuspect, byId, input)
  notes.push(...known.notes)
  const result = setInference(
    input.attack,
    suspect.map((i) => outcome.scores[i]),
    known.reference,
    { seed: input.seed }
  )
  const nullCheck = nullRate(
    known.nullPool.map((i) => outcome.scores[i]),
    known.reference,
    suspect.length,
    input
  )
  if (nullCheck && known.source === 'labelled-nonmembers') notes.push('The null check draws from the same labelled non-members as the reference, so it is optimistic.')
  return { ...result, nullCheck, notes: [...result.notes, ...notes], experimentId: created.id, referenceSource: known.source }
}

type Outcome = Awaited<ReturnType<typeof runExperimentWithOutcome>>['outcome']
interface Known {
  reference: ArrayLike<number>
  source: OpOutput<'audit.set'>['referenceSource']
  /** Labelled non-member targets that are neither suspect nor known: where the null check draws its subsets. */
  nullPool: number[]
  notes: string[]
}

/** The known non-member scores the suspect set is tested against, per `input.known` (docs/attacks.md "Set-level dataset inference"). */
function knownNonMembers(outcome: Outcome, inSuspect: Set<number>, byId: Map<string, number>, input: OpParsedInput<'audit.set'>): Known {
  const pool = outcome.targets.flatMap((it, i) => (it.membership === 'nonmember' && !inSuspect.has(i) ? [i] : []))
  const scoresOf = (idx: number[]): number[] => idx.map((i) => outcome.scores[i])
  if (Array.isArray(input.known)) {
    requireKnown(input.known, byId, input.dataset, 'known non-member')
    const idx = [...new Set(input.known)].map((id) => byId.get(id)!)
    const overlap = idx.find((i) => inSuspect.has(i))
    if (overlap !== undefined)
      throw new WorkbenchError({
        code: 'invalid-input',
        item: outcome.targets[overlap].id,
        message: `Item ${outcome.targets[overlap].id} is both suspect and a known non-member.`,
        hint: 'Make the suspect ids and the known non-member ids disjoint.'
      })
    const used = new Set(idx)
    return { reference: scoresOf(idx), source: 'known-ids', nullPool: pool.filter((i) => !used.has(i)), notes: [] }
  }
  if (input.known === 'nonmembers') {
    if (pool.length < 4)
      throw new WorkbenchError({
        code: 'invalid-input',
        item: 'known',
        message: `--known nonmembers needs at least 4 labelled non-member targets outside the suspect set; ${input.dataset} has ${pool.length}.`,
        hint: 'Use --known reference, or a file of known non-member ids.'
      })
    const shuffled = shuffleInPlace([...pool], createRng(seedOf('audit-set-known', input.seed)))
    const half = Math.floor(shuffled.length / 2)
    return {
      reference: scoresOf(shuffled.slice(0, half)),
      source: 'held-out-half',
      nullPool: shuffled.slice(half),
      notes: [`The known non-members are a seeded half (${half}) of the ${pool.length} labelled non-member targets outside the suspect set; the null check draws from the other half.`]
    }
  }
  if (outcome.referenceScores && outcome.referenceScores.length >= 2) return { reference: outcome.referenceScores, source: 'reference-role', nullPool: pool, notes: [] }
  // WSA-style attacks train on the reference items, so their scores would be biased low: use held-out labelled non-members.
  return {
    reference: scoresOf(pool),
    source: 'labelled-nonmembers',
    nullPool: pool,
    notes: [`${input.attack} gives no scores for the reference items, so the known non-members are the labelled non-member targets outside the suspect set (${pool.length}).`]
  }
}

/** Refuse suspect ids that are not in `known` (target ids), naming the first few and what to give instead. */
function requireKnown(ids: readonly string[], known: { has(id: string): boolean }, dataset: string, what: 'suspect' | 'known non-member' = 'suspect'): void {
  const missing = ids.filter((id) => !known.has(id))
  if (missing.length)
    throw new WorkbenchError({
      code: 'not-found',
      item: missing[0],
      message: `${missing.length} ${what} id(s) are not scored target items of ${dataset}: ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''}.`,
      hint: `List ids of target items (role "target") of this dataset, one per line${what === 'suspect' ? '' : ', or use --known reference / nonmembers'}.`
    })
}

/** Ids of the dataset's target items (role target), read from its manifest without decoding any image. */
async function targetIds(s: Services, dataset: string, signal?: AbortSignal): Promise<Set<string>> {
  const ids = new Set<string>()
  // Records, not items: a row with problems is the run's to skip and report, not a reason to refuse here.
  for await (const r of (await s.openDataset(dataset, signal)).records({ signal })) if (r.item?.role === 'target') ids.add(r.item.id)
  return ids
}

/** Fraction of seeded non-member subsets (size capped at what exists) that the same test rejects at p < 0.01. */
function nullRate(
  nonmembers: number[],
  reference: ArrayLike<number>,
  size: number,
  input: { nullSubsets: number; seed: number }
): { subsets: number; size: number; rejected: number; rate: number } | null {
  const n = Math.min(size, nonmembers.length)
  if (input.nullSubsets === 0 || n < 2) return null
  const rng = createRng(seedOf('audit-set-null', input.seed))
  let rejected = 0
  for (let k = 0; k < input.nullSubsets; k++) {
    const pick = shuffleInPlace([...nonmembers], rng).slice(0, n)
    if (welchTest(pick, reference).pValue < 0.01) rejected++
  }
  return { subsets: input.nullSubsets, size: n, rejected, rate: rejected / input.nullSubsets }
}
