// Membership and role of COCO, shard and embedding-folder items: labels.csv row, record fields, shard rule, dataset rule.
import { createHash } from 'node:crypto'
import path from 'node:path'
import type { DatasetJson } from './descriptor'
import { LABELS_FILE, readLabels } from './labels-file'
import type { Label } from './labels-file'
import { parseMembership, MEMBERSHIP_SPELLINGS_TEXT } from '../../../shared/membership-labels'
import { ROLES } from './types'
import type { DatasetRecord, Membership, Role } from './types'
import { readOptionalFile } from './safe-read'

/** Where an item's membership and role come from, and which labels.csv rows were matched so far. */
export interface Labelling {
  labels?: Map<string, Label>
  /** labels.csv bytes, hashed into the dataset hash (membership is part of what a dataset is). */
  labelsBytes?: Buffer
  /** The whole-dataset rule of dataset.json (`membership`, `role`), defaulting to unknown/target. */
  rule: { membership: Membership; role: Role }
  /** Per-shard rules of dataset.json `shards` (shard name → rule), overriding `rule`. */
  shards?: Map<string, { membership: Membership; role: Role }>
}

/** Where else a label may come from: the item's shard, and the record's own `membership` / `role` fields. */
export interface LabelContext {
  shard?: string
  fields?: Record<string, unknown>
  /** How messages name the record holding `fields`. */
  where?: string
}

/** A label, or why the record's own fields do not give one. */
export type LabelResult = { membership: Membership; role: Role } | { issue: { code: 'bad-membership' | 'bad-role'; message: string; hint: string } }

/** Largest labels.csv read into memory for hashing (one short row per item). */
const MAX_LABELS_BYTES = 256 * 1024 * 1024

/** Read labels.csv (if any) at `root` and the dataset.json rule; a malformed labels.csv fails the open. */
export async function loadLabelling(root: string, meta: DatasetJson | undefined): Promise<Labelling> {
  const file = path.join(root, LABELS_FILE)
  const labelsBytes = await readOptionalFile(file, MAX_LABELS_BYTES)
  const rule = { membership: meta?.membership ?? 'unknown', role: meta?.role ?? 'target' } as const
  const shards = meta?.shards ? new Map(Object.entries(meta.shards).map(([name, r]) => [name, { membership: r.membership ?? rule.membership, role: r.role ?? rule.role }])) : undefined
  return { ...(labelsBytes ? { labels: await readLabels(file), labelsBytes } : {}), rule, ...(shards ? { shards } : {}) }
}

/**
 * Membership and role, first source that applies: a labels.csv row for the first listed key (noted
 * in `used`; the separate file overrides the data), the record's `membership` / `role` fields, the
 * shard's rule, the dataset's rule.
 */
export function labelOf(keys: string[], labelling: Labelling, used: Set<string>): { membership: Membership; role: Role }
export function labelOf(keys: string[], labelling: Labelling, used: Set<string>, context: LabelContext): LabelResult
export function labelOf(keys: string[], labelling: Labelling, used: Set<string>, context: LabelContext = {}): LabelResult {
  for (const key of keys) {
    const label = labelling.labels?.get(key)
    if (label) {
      used.add(key)
      return { membership: label.membership, role: label.role }
    }
  }
  const base = (context.shard !== undefined && shardRule(labelling, context.shard)) || labelling.rule
  const m = context.fields?.membership
  const r = context.fields?.role
  const blank = (v: unknown): boolean => v === undefined || v === null || v === ''
  const membership = blank(m) ? base.membership : parseMembership(m)
  if (!membership) {
    return {
      issue: {
        code: 'bad-membership',
        message: `${context.where}: membership ${JSON.stringify(m)} is not one of ${MEMBERSHIP_SPELLINGS_TEXT}; this item is skipped.`,
        hint: 'Fix the value, or label the item in labels.csv, which takes precedence.'
      }
    }
  }
  if (!blank(r) && !ROLES.includes(r as Role)) {
    return {
      issue: {
        code: 'bad-role',
        message: `${context.where}: role ${JSON.stringify(r)} is not target, reference or pool; this item is skipped.`,
        hint: 'Fix the value, or label the item in labels.csv, which takes precedence.'
      }
    }
  }
  return { membership, role: blank(r) ? base.role : (r as Role) }
}

/** The rule of a shard, named with or without its extension (`00000` or `00000.tar`). */
function shardRule(labelling: Labelling, shard: string): { membership: Membership; role: Role } | undefined {
  return labelling.shards?.get(shard) ?? labelling.shards?.get(shard.replace(/\.[^.]+$/, ''))
}

/** Add the labelling to a dataset hash: labels.csv bytes and the rule, so relabelling changes the hash. */
export function hashLabelling(hash: ReturnType<typeof createHash>, labelling: Labelling): void {
  hash.update(`\0rule ${labelling.rule.membership} ${labelling.rule.role}\0`)
  for (const [name, r] of labelling.shards ?? []) hash.update(`shard ${name} ${r.membership} ${r.role}\0`)
  if (labelling.labelsBytes) hash.update(labelling.labelsBytes)
}

/** Warnings for labels.csv rows no item used; `what` names what an id should match, `hint` how to fix it. */
export function* unusedLabels(labels: Map<string, Label> | undefined, used: Set<string>, what: string, hint: string): Generator<DatasetRecord> {
  for (const [id, label] of labels ?? []) {
    if (used.has(id)) continue
    yield { issues: [{ itemId: id, line: label.line, severity: 'warning', code: 'label-without-image', message: `${LABELS_FILE} line ${label.line}: "${id}" matches no ${what}.`, hint }] }
  }
}
