// Audit-set form state (issue 20 item 4, `mia audit-set` on a screen): model, dataset, the suspect collection (labelled
// members / non-members, or ids pasted or read from a file), subsample size, attack and seeds, checked by the
// operation's own input schema so the form refuses what the engine refuses.
import { reactive } from 'vue'
import { RUNNABLE_ATTACKS, type Attack } from '../../../shared/contract/experiments'
import { operations, type OpInput } from '../../../shared/contract/operations'

/** The attacks whose per-item scores a set-level test can aggregate (all that query the model). */
export const AUDIT_SET_ATTACKS = RUNNABLE_ATTACKS.filter((a): a is Exclude<Attack, 'blind' | 'imported'> => a !== 'blind')

/** Everything the Audit a collection screen edits. */
export interface AuditSetForm {
  model: string
  dataset: string
  /** All labelled members or non-members of the dataset's targets, or the ids below. */
  suspectKind: 'members' | 'nonmembers' | 'ids'
  /** Suspect target ids, one per line (pasted, or read from a file). */
  ids: string
  /** A seeded subsample of this many suspect items; '' = all of them. */
  size: number | ''
  attack: (typeof AUDIT_SET_ATTACKS)[number]
  seed: number
  /** Non-member subsets tested for the null check (0 = skip). */
  nullSubsets: number
  /** Known non-members: the reference items, or a seeded half of the labelled non-member targets (docs/attacks.md). */
  known: 'reference' | 'nonmembers'
}

/** A fresh form with the operation's defaults. */
export function defaultAuditSetForm(): AuditSetForm {
  const d = operations['audit.set'].input.parse({ dataset: 'x', suspect: 'members' })
  return { model: '', dataset: '', suspectKind: 'members', ids: '', size: '', attack: 'csa', seed: d.seed, nullSubsets: d.nullSubsets, known: 'reference' }
}

/** Ids as the CLI reads an ids file: one per line, trimmed, blank lines ignored. */
export function parseIds(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
}

/** The form field a schema issue belongs to. */
const fieldOf = (path: ReadonlyArray<PropertyKey>): string => (path[0] === 'suspect' ? 'ids' : String(path[0] ?? 'form'))

/** The audit.set input the form describes, or the first problem in words with its field. */
export function auditSetInput(form: AuditSetForm): { input: OpInput<'audit.set'> } | { problem: string; field: string } {
  if (!form.dataset) return { problem: 'Choose a dataset.', field: 'dataset' }
  if (!form.model) return { problem: 'Choose a model: the suspect items are scored by it.', field: 'model' }
  const ids = parseIds(form.ids)
  if (form.suspectKind === 'ids' && ids.length < 2) return { problem: 'Paste or load at least 2 suspect item ids, one per line.', field: 'ids' }
  const input: OpInput<'audit.set'> = {
    model: form.model,
    dataset: form.dataset,
    suspect: form.suspectKind === 'ids' ? ids : form.suspectKind,
    ...(form.size === '' ? {} : { size: form.size }),
    attack: form.attack,
    seed: form.seed,
    nullSubsets: form.nullSubsets,
    known: form.known
  }
  const checked = operations['audit.set'].input.safeParse(input)
  if (checked.success) return { input }
  const issue = checked.error.issues[0]
  return { problem: `${fieldOf(issue.path)}: ${issue.message}`, field: fieldOf(issue.path) }
}

/** Reactive form state for the Audit a collection screen. */
export function useAuditSetForm(): AuditSetForm {
  return reactive(defaultAuditSetForm())
}
