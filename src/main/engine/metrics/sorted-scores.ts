// Validated, once-sorted view of scores by class: the shared input of every metric and resample pass.
import { WorkbenchError } from '../../../shared/contract/errors'

/** Scores split by class and sorted descending, with the member ranks each non-member needs. */
export interface SortedScores {
  /** Member scores, descending. */
  members: Float64Array
  /** Non-member scores, descending. */
  nonmembers: Float64Array
  /** For each non-member (same order): how many members score strictly higher. */
  membersAbove: Int32Array
  /** For each non-member: how many members score higher or equal (ties count half in AUC). */
  membersAtOrAbove: Int32Array
  /** For each sorted member: its index among the members in input order (only when requested). */
  memberOrder?: Uint32Array
  /** For each sorted non-member: its index among the non-members in input order (only when requested). */
  nonmemberOrder?: Uint32Array
}

/** Scores with 1 = member, 0 = non-member labels, as the caller holds them. */
export interface LabelledScores {
  /** One score per item; higher means "more likely a member". */
  scores: ArrayLike<number>
  /** One label per item: 1 = member, 0 = non-member (unknown labels are excluded by the caller). */
  labels: ArrayLike<number>
}

function invalid(message: string, hint: string): WorkbenchError {
  return new WorkbenchError({ code: 'invalid-input', message, hint })
}

/** Throw `invalid-input` unless every score is finite, every label is 0/1 and both classes occur. */
export function validateLabelledScores(input: LabelledScores, what = 'scores'): { members: number; nonmembers: number } {
  const { scores, labels } = input
  if (scores.length !== labels.length) {
    throw invalid(`${what}: ${scores.length} scores but ${labels.length} labels.`, 'Give exactly one label per score.')
  }
  let members = 0
  for (let i = 0; i < scores.length; i++) {
    const s = scores[i]
    // sklearn's roc_curve rejects non-finite scores too (assert_all_finite); we refuse them the same way.
    if (!Number.isFinite(s)) {
      throw invalid(`${what}: the score of item ${i} is ${s}, not a finite number.`, 'Remove or fix items whose attack produced no score.')
    }
    const l = labels[i]
    if (l === 1) members++
    else if (l !== 0) {
      throw invalid(`${what}: the label of item ${i} is ${l}; labels must be 1 (member) or 0 (non-member).`, 'Exclude items with unknown membership before computing metrics.')
    }
  }
  const nonmembers = scores.length - members
  if (members === 0 || nonmembers === 0) {
    const missing = members === 0 ? 'members (label 1)' : 'non-members (label 0)'
    throw invalid(`${what}: no ${missing} among the ${scores.length} items; metrics need both classes.`, 'Evaluate on a set with known members and known non-members.')
  }
  return { members, nonmembers }
}

/** Scores of one class, descending; with `withOrder` also the input index of each sorted entry. */
function sortClass(scores: ArrayLike<number>, labels: ArrayLike<number>, label: number, count: number, withOrder: boolean): { sorted: Float64Array; order?: Uint32Array } {
  const values = new Float64Array(count)
  let k = 0
  for (let i = 0; i < scores.length; i++) if (labels[i] === label) values[k++] = scores[i]
  if (!withOrder) {
    values.sort()
    return { sorted: values.reverse() }
  }
  const order = new Uint32Array(count)
  for (let i = 0; i < count; i++) order[i] = i
  // Stable descending argsort: equal scores keep input order, so paired resamples are reproducible.
  order.sort((a, b) => values[b] - values[a] || a - b)
  const sorted = new Float64Array(count)
  for (let i = 0; i < count; i++) sorted[i] = values[order[i]]
  return { sorted, order }
}

/** Validate, split by class and sort once; `withOrder` keeps the permutation (paired comparisons). */
export function sortScores(input: LabelledScores, options: { withOrder?: boolean; what?: string } = {}): SortedScores {
  const n = validateLabelledScores(input, options.what)
  const withOrder = options.withOrder === true
  const m = sortClass(input.scores, input.labels, 1, n.members, withOrder)
  const nm = sortClass(input.scores, input.labels, 0, n.nonmembers, withOrder)
  const members = m.sorted
  const nonmembers = nm.sorted
  const membersAbove = new Int32Array(nonmembers.length)
  const membersAtOrAbove = new Int32Array(nonmembers.length)
  let above = 0
  let atOrAbove = 0
  for (let j = 0; j < nonmembers.length; j++) {
    const v = nonmembers[j]
    while (above < members.length && members[above] > v) above++
    if (atOrAbove < above) atOrAbove = above
    while (atOrAbove < members.length && members[atOrAbove] >= v) atOrAbove++
    membersAbove[j] = above
    membersAtOrAbove[j] = atOrAbove
  }
  // Without member/non-member ties both arrays are equal: share one, halving what resample scans read.
  const tied = membersAtOrAbove.some((v, j) => v !== membersAbove[j])
  const out: SortedScores = { members, nonmembers, membersAbove, membersAtOrAbove: tied ? membersAtOrAbove : membersAbove }
  if (m.order) out.memberOrder = m.order
  if (nm.order) out.nonmemberOrder = nm.order
  return out
}
