// Membership and role of COCO and img2dataset items: a labels.csv row, else the dataset.json rule, else unknown/target.
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import type { DatasetJson } from './descriptor'
import { LABELS_FILE, readLabels } from './folder'
import type { Label } from './folder'
import type { DatasetRecord, Membership, Role } from './types'

/** Where an item's membership and role come from, and which labels.csv rows were matched so far. */
export interface Labelling {
  labels?: Map<string, Label>
  /** labels.csv bytes, hashed into the dataset hash (membership is part of what a dataset is). */
  labelsBytes?: Buffer
  /** The whole-dataset rule of dataset.json (`membership`, `role`), defaulting to unknown/target. */
  rule: { membership: Membership; role: Role }
}

/** Read labels.csv (if any) at `root` and the dataset.json rule; a malformed labels.csv fails the open. */
export async function loadLabelling(root: string, meta: DatasetJson | undefined): Promise<Labelling> {
  const file = path.join(root, LABELS_FILE)
  const labelsBytes = await readFile(file).catch(() => undefined)
  const rule = { membership: meta?.membership ?? 'unknown', role: meta?.role ?? 'target' } as const
  return labelsBytes ? { labels: await readLabels(file), labelsBytes, rule } : { rule }
}

/** Membership and role for the first of `keys` that labels.csv lists (noting it in `used`), else the rule. */
export function labelOf(keys: string[], labelling: Labelling, used: Set<string>): { membership: Membership; role: Role } {
  for (const key of keys) {
    const label = labelling.labels?.get(key)
    if (label) {
      used.add(key)
      return { membership: label.membership, role: label.role }
    }
  }
  return labelling.rule
}

/** Add the labelling to a dataset hash: labels.csv bytes and the rule, so relabelling changes the hash. */
export function hashLabelling(hash: ReturnType<typeof createHash>, labelling: Labelling): void {
  hash.update(`\0rule ${labelling.rule.membership} ${labelling.rule.role}\0`)
  if (labelling.labelsBytes) hash.update(labelling.labelsBytes)
}

/** Warnings for labels.csv rows no item used; `what` names what an id should match, `hint` how to fix it. */
export function* unusedLabels(labels: Map<string, Label> | undefined, used: Set<string>, what: string, hint: string): Generator<DatasetRecord> {
  for (const [id, label] of labels ?? []) {
    if (used.has(id)) continue
    yield { issues: [{ itemId: id, line: label.line, severity: 'warning', code: 'label-without-image', message: `${LABELS_FILE} line ${label.line}: "${id}" matches no ${what}.`, hint }] }
  }
}
