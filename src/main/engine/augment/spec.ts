// Canonical augmentation spec strings: parse/format one transform and a bank of them, the default
// bank of docs/attacks.md (AEA), and the per-view cache key (versioned so new pixels never reuse old keys).
import { WorkbenchError } from '../../../shared/contract/errors'

/** Bump when any transform's pixels change: every cached augmented embedding key changes with it. */
export const AUG_VERSION = 1

/** A closed interval of parameter values; lo = hi means a fixed value. */
export interface Range {
  lo: number
  hi: number
}

/** One transform family with its parameters (semantics in bank.ts). */
export type AugTransform =
  | { name: 'rrc'; scale: Range; ratio: Range; size?: number }
  | { name: 'rot'; deg: Range; interp: 'nearest' | 'bilinear' }
  | { name: 'translate'; frac: number }
  | { name: 'jitter'; b: Range; c: Range; s: Range }
  | { name: 'blur'; k: number; sigma: Range }
  | { name: 'hflip' }
  | { name: 'vflip' }
  | { name: 'autocontrast' }
  | { name: 'sharpness'; f: number }
  | { name: 'posterize'; bits: number }

/** The transform family names, in default-bank order. */
export type TransformName = AugTransform['name']

/** One bank entry: a transform drawn `repeat` times (views k..k+repeat−1, one independent draw each). */
export interface BankEntry {
  transform: AugTransform
  repeat: number
}

/** An ordered list of entries; views are numbered 1..K across the entries (view 0 is the original). */
export type AugBank = BankEntry[]

type Kind = 'range' | 'sym0' | 'sym1' | 'num' | 'int' | 'enum'
type Value = number | string | Range
interface ParamDef {
  key: string
  kind: Kind
  /** Default as spec text; absent for optional parameters that are then left out. */
  def?: string
  /** Enum words; the first is the default and is left out when formatting. */
  words?: string[]
  /** Returns what is wrong with a parsed value, or null. */
  check: (v: Value) => string | null
}

const rng = (v: Value): Range => v as Range
const num = (v: Value): number => v as number
const orNull = (bad: boolean, text: string): string | null => (bad ? text : null)

// Defaults are the AEA bank of docs/attacks.md; ranges follow the torchvision transform arguments.
const DEFS: Record<TransformName, ParamDef[]> = {
  rrc: [
    { key: 'scale', kind: 'range', def: '0.5:1', check: (v) => orNull(!(rng(v).lo > 0 && rng(v).lo <= rng(v).hi && rng(v).hi <= 1), 'needs 0 < lo ≤ hi ≤ 1') },
    { key: 'ratio', kind: 'range', def: '0.75:1.333', check: (v) => orNull(!(rng(v).lo > 0 && rng(v).lo <= rng(v).hi && rng(v).hi <= 100), 'needs 0 < lo ≤ hi ≤ 100') },
    { key: 'size', kind: 'int', check: (v) => orNull(!(num(v) >= 1 && num(v) <= 8192), 'needs an integer 1…8192') }
  ],
  rot: [
    { key: 'deg', kind: 'sym0', def: '15', check: (v) => orNull(!(rng(v).lo <= rng(v).hi && rng(v).lo >= -360 && rng(v).hi <= 360), 'needs −360 ≤ lo ≤ hi ≤ 360 (one number d means −d:d)') },
    { key: 'interp', kind: 'enum', words: ['nearest', 'bilinear'], check: () => null }
  ],
  translate: [{ key: 'frac', kind: 'num', def: '0.1', check: (v) => orNull(!(num(v) >= 0 && num(v) <= 1), 'needs 0 ≤ frac ≤ 1') }],
  jitter: ['b', 'c', 's'].map((key) => ({
    key,
    kind: 'sym1' as const,
    def: '0.4',
    check: (v: Value) => orNull(!(rng(v).lo >= 0 && rng(v).lo <= rng(v).hi && rng(v).hi <= 100), 'needs a factor spread d ≥ 0 (range max(0,1−d):1+d) or lo:hi with 0 ≤ lo ≤ hi')
  })),
  blur: [
    { key: 'k', kind: 'int', def: '5', check: (v) => orNull(!(num(v) >= 1 && num(v) <= 31 && num(v) % 2 === 1), 'needs an odd kernel size 1…31') },
    { key: 'sigma', kind: 'range', def: '0.1:2', check: (v) => orNull(!(rng(v).lo > 0 && rng(v).lo <= rng(v).hi && rng(v).hi <= 100), 'needs 0 < lo ≤ hi ≤ 100') }
  ],
  hflip: [],
  vflip: [],
  autocontrast: [],
  sharpness: [{ key: 'f', kind: 'num', def: '2', check: (v) => orNull(!(num(v) >= 0 && num(v) <= 100), 'needs 0 ≤ f ≤ 100') }],
  posterize: [{ key: 'bits', kind: 'int', def: '4', check: (v) => orNull(!(num(v) >= 1 && num(v) <= 8), 'needs an integer 1…8') }]
}

/** Every transform family name, in the default bank's order. */
export const TRANSFORM_NAMES = Object.keys(DEFS) as TransformName[]

/** The default AEA bank (K = 10, one draw each), as canonical text. */
export const DEFAULT_BANK_TEXT =
  'rrc(scale=0.5:1,ratio=0.75:1.333), rot(deg=15), translate(frac=0.1), jitter(b=0.4,c=0.4,s=0.4), ' + 'blur(k=5,sigma=0.1:2), hflip, vflip, autocontrast, sharpness(f=2), posterize(bits=4)'

function invalid(message: string, token: string, hint: string): WorkbenchError {
  return new WorkbenchError({ code: 'invalid-input', message, item: token, hint })
}

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i

function parseNumber(text: string, token: string): number {
  const v = Number(text)
  if (!NUMBER.test(text) || !Number.isFinite(v)) {
    throw invalid(`Augmentation spec: "${text}" in "${token}" is not a number.`, token, 'Write numbers like 0.5, 15 or 1e-3; ranges as lo:hi.')
  }
  return v === 0 ? 0 : v
}

function parseValue(def: ParamDef, text: string, token: string): Value {
  if (def.kind === 'enum') {
    const word = text.toLowerCase()
    if (!def.words!.includes(word)) throw invalid(`Augmentation spec: ${def.key}="${text}" in "${token}" must be one of ${def.words!.join(', ')}.`, token, `Use ${def.key}=${def.words!.join(' or ')}.`)
    return word
  }
  const parts = text.split(':')
  if (parts.length > 2 || (parts.length === 2 && !['range', 'sym0', 'sym1'].includes(def.kind))) {
    throw invalid(`Augmentation spec: ${def.key}="${text}" in "${token}" is not a single number.`, token, `Give ${def.key} one number.`)
  }
  const nums = parts.map((p) => parseNumber(p.trim(), token))
  if (def.kind === 'int' && !Number.isInteger(nums[0])) throw invalid(`Augmentation spec: ${def.key}=${text} in "${token}" must be an integer.`, token, `Give ${def.key} a whole number.`)
  if (def.kind === 'num' || def.kind === 'int') return nums[0]
  if (nums.length === 2) return { lo: nums[0], hi: nums[1] }
  const d = nums[0]
  if (def.kind === 'sym0') return { lo: d === 0 ? 0 : -d, hi: d }
  if (def.kind === 'sym1') return { lo: Math.max(0, 1 - d), hi: 1 + d }
  return { lo: d, hi: d }
}

function formatNumber(v: number): string {
  return String(v === 0 ? 0 : v)
}

/** Text of a value, or null when it is an optional parameter at its default (then it is left out). */
function formatValue(def: ParamDef, v: Value | undefined): string | null {
  if (v === undefined) return null
  if (def.kind === 'enum') return v === def.words![0] ? null : String(v)
  if (typeof v === 'number') return formatNumber(v)
  const { lo, hi } = v as Range
  if (def.kind === 'sym0' && lo === (hi === 0 ? 0 : -hi) && hi >= 0) return formatNumber(hi)
  if (def.kind === 'sym1') {
    const d = Number((hi - 1).toPrecision(12)) // drop float noise; accepted only if it reproduces lo:hi exactly
    if (d >= 0 && Math.max(0, 1 - d) === lo && 1 + d === hi) return formatNumber(d)
  }
  if (def.kind === 'range' && lo === hi) return formatNumber(lo)
  return `${formatNumber(lo)}:${formatNumber(hi)}`
}

/** Split on commas outside parentheses; throws on unbalanced parentheses. */
function splitTopLevel(text: string): string[] {
  const out: string[] = []
  let depth = 0
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (ch === '(') depth++
    if (ch === ')') depth--
    if (depth < 0 || depth > 1) throw invalid(`Augmentation spec: unbalanced parentheses in "${text}".`, text, 'Write each transform as name(key=value,...), e.g. rot(deg=15).')
    if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i))
      start = i + 1
    }
  }
  if (depth !== 0) throw invalid(`Augmentation spec: unbalanced parentheses in "${text}".`, text, 'Close every "(" with ")".')
  out.push(text.slice(start))
  return out
}

function parseParams(name: TransformName, body: string, token: string): AugTransform {
  const defs = DEFS[name]
  const given = new Map<string, string>()
  for (const raw of body.trim() === '' ? [] : body.split(',')) {
    const m = /^\s*([A-Za-z]+)\s*=\s*(\S(?:.*\S)?)\s*$/.exec(raw)
    if (!m) throw invalid(`Augmentation spec: "${raw.trim()}" in "${token}" is not key=value.`, token, `Parameters of ${name}: ${defs.map((d) => d.key).join(', ') || 'none'}.`)
    const key = m[1].toLowerCase()
    if (!defs.some((d) => d.key === key))
      throw invalid(`Augmentation spec: ${name} has no parameter "${m[1]}" (in "${token}").`, token, `Parameters of ${name}: ${defs.map((d) => d.key).join(', ') || 'none'}.`)
    if (given.has(key)) throw invalid(`Augmentation spec: parameter "${key}" is given twice in "${token}".`, token, 'Give each parameter once.')
    given.set(key, m[2].replace(/\s+/g, ''))
  }
  const t: Record<string, Value> = { name }
  for (const def of defs) {
    const text = given.get(def.key) ?? def.def ?? def.words?.[0]
    if (text === undefined) continue
    const v = parseValue(def, text, token)
    const problem = def.check(v)
    if (problem) throw invalid(`Augmentation spec: ${name} ${def.key}=${text} ${problem} (in "${token}").`, token, `Fix ${def.key}; the default is ${def.def ?? 'to leave it out'}.`)
    t[def.key] = v
  }
  return t as unknown as AugTransform
}

/** Parse one transform, e.g. "rot(deg=15)" or "hflip"; missing parameters take their defaults. */
export function parseTransform(text: string): AugTransform {
  const token = text.trim()
  const m = /^([A-Za-z][A-Za-z0-9]*)\s*(?:\(([^()]*)\))?$/.exec(token)
  if (!m) throw invalid(`Augmentation spec: cannot read "${token}".`, token, 'Write a transform as name or name(key=value,...), e.g. rot(deg=15).')
  const name = m[1].toLowerCase() as TransformName
  if (!(name in DEFS)) throw invalid(`Augmentation spec: unknown transform "${m[1]}".`, token, `Known transforms: ${TRANSFORM_NAMES.join(', ')}.`)
  return parseParams(name, m[2] ?? '', token)
}

/** Canonical text of one transform: parameters in fixed order, all numeric ones spelled out. */
export function formatTransform(t: AugTransform): string {
  const rec = t as unknown as Record<string, Value | undefined>
  const parts = DEFS[t.name].flatMap((def) => {
    const text = formatValue(def, rec[def.key])
    return text === null ? [] : [`${def.key}=${text}`]
  })
  return parts.length === 0 ? t.name : `${t.name}(${parts.join(',')})`
}

/**
 * Parse a bank: comma-separated transforms, each optionally followed by `xN` (N draws), or the word
 * `default`. Adjacent equal transforms merge into one entry, so equal banks have one canonical text.
 */
export function parseBank(text: string): AugBank {
  const trimmed = text.trim()
  if (trimmed.toLowerCase() === 'default') return parseBank(DEFAULT_BANK_TEXT)
  if (trimmed === '') throw invalid('Augmentation spec is empty.', text, `Give at least one transform, or "default" for: ${DEFAULT_BANK_TEXT}.`)
  const bank: AugBank = []
  for (const part of splitTopLevel(trimmed)) {
    const token = part.trim()
    const m = /^(.*?)\s*(?:(?<=\)|\s)x\s*(\d+))?$/i.exec(token)
    if (token === '' || !m || m[1] === '') throw invalid(`Augmentation spec: empty transform in "${trimmed}".`, trimmed, 'Remove the extra comma.')
    const repeat = m[2] === undefined ? 1 : Number(m[2])
    if (!(repeat >= 1 && repeat <= 1000)) throw invalid(`Augmentation spec: repeat count in "${token}" must be 1…1000.`, token, 'Write e.g. rot(deg=15) x3 for three draws.')
    pushEntry(bank, { transform: parseTransform(m[1]), repeat })
  }
  return bank
}

function pushEntry(bank: AugBank, entry: BankEntry): void {
  const last = bank[bank.length - 1]
  if (last && formatTransform(last.transform) === formatTransform(entry.transform)) last.repeat += entry.repeat
  else bank.push({ transform: entry.transform, repeat: entry.repeat })
}

/** Canonical text of a bank: `t1, t2 x3, …` (parseBank of it gives the same bank back). */
export function formatBank(bank: AugBank): string {
  const merged: AugBank = []
  for (const e of bank) pushEntry(merged, { transform: e.transform, repeat: e.repeat })
  return merged.map((e) => formatTransform(e.transform) + (e.repeat > 1 ? ` x${e.repeat}` : '')).join(', ')
}

/** The default AEA bank of docs/attacks.md (a fresh copy). */
export function defaultBank(): AugBank {
  return parseBank(DEFAULT_BANK_TEXT)
}

/** Number of augmented views K of a bank. */
export function viewCount(bank: AugBank): number {
  return bank.reduce((n, e) => n + e.repeat, 0)
}

/** The transform of view k (1 ≤ k ≤ K); throws `invalid-input` otherwise. */
export function viewTransform(bank: AugBank, k: number): AugTransform {
  const count = viewCount(bank)
  if (!Number.isInteger(k) || k < 1 || k > count) {
    throw invalid(`Augmentation view k=${k} does not exist: the bank has views 1…${count}.`, String(k), 'View 0 is the original image; augmented views are numbered from 1.')
  }
  let left = k
  for (const e of bank) {
    if (left <= e.repeat) return e.transform
    left -= e.repeat
  }
  throw new Error('unreachable: k was checked against the view count')
}

/**
 * Cache key of view k under an experiment seed, e.g. `aug:v1:rot(deg=15)#k=2#seed=7`; `orig` for k = 0.
 * With the image's content hash and the model fingerprint it names one embedding.
 */
export function viewSpec(bank: AugBank, k: number, seed: number): string {
  if (!Number.isSafeInteger(seed)) throw invalid(`Augmentation seed ${seed} is not an integer.`, String(seed), 'Use a whole-number experiment seed.')
  if (k === 0) return 'orig'
  return `aug:v${AUG_VERSION}:${formatTransform(viewTransform(bank, k))}#k=${k}#seed=${seed}`
}
