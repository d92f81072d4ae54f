// Number, percent, interval and p-value formatting shared by the UI, CSV and LaTeX exports.
import type { Interval, TprAtFprEntry } from './contract/metrics'
import type { GpuAdapter, ScoreRule } from './contract/models'

/** What a missing or non-finite value prints as. */
export const NOT_AVAILABLE = 'n/a'

function isNumber(value: number | null | undefined): value is number {
  return typeof value === 'number' && Number.isFinite(value)
}

/** Fixed-point text with `digits` decimals; never prints "-0.000" (a rounded-away sign is noise). */
export function formatNumber(value: number | null | undefined, digits = 3): string {
  if (!isNumber(value)) return NOT_AVAILABLE
  const text = value.toFixed(digits)
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text
}

/** A fraction as a percentage with `digits` decimals, e.g. 0.0123 → "1.2%". */
export function formatPercent(value: number | null | undefined, digits = 1): string {
  if (!isNumber(value)) return NOT_AVAILABLE
  return `${formatNumber(value * 100, digits)}%`
}

/** A signed difference, e.g. ΔAUC 0.0123 → "+0.012"; zero prints without a sign. */
export function formatSigned(value: number | null | undefined, digits = 3): string {
  const text = formatNumber(value, digits)
  return isNumber(value) && !text.startsWith('-') && Number(text) !== 0 ? `+${text}` : text
}

/** An interval as "[lo, hi]". */
export function formatInterval(ci: Interval | null | undefined, digits = 3): string {
  if (!ci) return NOT_AVAILABLE
  return `[${formatNumber(ci.lo, digits)}, ${formatNumber(ci.hi, digits)}]`
}

/** A value with its interval, e.g. "0.734 [0.712, 0.756]"; the interval is left out when absent. */
export function formatCI(value: number | null | undefined, ci: Interval | null | undefined, digits = 3): string {
  if (!isNumber(value)) return NOT_AVAILABLE
  return ci ? `${formatNumber(value, digits)} ${formatInterval(ci, digits)}` : formatNumber(value, digits)
}

/** A p-value: "< 0.001" below the smallest value three decimals show, else three decimals. */
export function formatPValue(p: number | null | undefined): string {
  if (!isNumber(p)) return NOT_AVAILABLE
  return p < 0.001 ? '< 0.001' : formatNumber(p, 3)
}

/** An FPR target as a short percentage without trailing zeros, e.g. 0.001 → "0.1%", 0.05 → "5%". */
export function formatFprTarget(target: number): string {
  // toPrecision trims binary noise (0.001 × 100 = 0.1 exactly as text), Number() drops trailing zeros.
  return `${Number((target * 100).toPrecision(6))}%`
}

/** Non-members needed to resolve TPR at FPR `target` (attacks.md: n_0 ≥ 1/f). */
export function nonmembersNeeded(target: number): number {
  // The epsilon keeps 1/0.001 = 999.9999… from rounding up to 1001.
  return Math.ceil(1 / target - 1e-9)
}

/** Why a TPR@FPR value is missing, e.g. "n/a (needs ≥ 1000 non-members)". */
export function formatUnresolvable(target: number): string {
  return `${NOT_AVAILABLE} (needs ≥ ${nonmembersNeeded(target)} non-members)`
}

/** A TPR@FPR entry: "0.120 [0.080, 0.160]" or, when unresolvable, why it is not shown. */
export function formatTprAtFpr(entry: TprAtFprEntry | null | undefined, digits = 3): string {
  if (!entry) return NOT_AVAILABLE
  if (!entry.resolvable || entry.tpr === null) return formatUnresolvable(entry.target)
  return formatCI(entry.tpr, entry.ci, digits)
}

/** A whole count, grouped with commas from five digits on, e.g. 1000 → "1000", 12345 → "12,345". */
export function formatCount(n: number | null | undefined): string {
  if (!isNumber(n)) return NOT_AVAILABLE
  const whole = Math.round(n)
  return Math.abs(whole) < 10_000 ? String(whole) : whole.toLocaleString('en-US')
}

/** k-of-n counts, the Clopper–Pearson TPR interval and the ε bound of a decision rule, e.g. "52/1793 at 0/1792 FP · CP [0.022, 0.038] · ε ≥ 2.41". */
export function formatEvidence(e: Pick<TprAtFprEntry, 'counts' | 'clopperPearson' | 'epsilon'> | null | undefined): string {
  if (!e?.counts) return ''
  const cp = e.clopperPearson ? ` · CP ${formatInterval(e.clopperPearson.tpr)}` : ''
  const eps = isNumber(e.epsilon) ? ` · ε ≥ ${formatNumber(e.epsilon, 2)}` : ''
  return `${e.counts.tp}/${e.counts.nMembers} at ${e.counts.fp}/${e.counts.nNonmembers} FP${cp}${eps}`
}

/** A GPU adapter in one line, e.g. "NVIDIA H100 80GB HBM3 (nvidia, vulkan, driver 550.54)". */
export function adapterText(a: GpuAdapter): string {
  return `${a.description} (${a.vendor}, ${a.backend}${a.driver ? `, driver ${a.driver}` : ''}${a.software ? ', software' : ''})`
}

/** Where a model ran, e.g. "webgpu on SwiftShader Vulkan (software GPU) (google, vulkan, software)" or "cpu". */
export function providerText(provider: string, adapter: GpuAdapter | null | undefined): string {
  return adapter ? `${provider} on ${adapterText(adapter)}` : provider
}

/** A model's pairwise score as `mia models inspect` and the Models screen print it (docs/attacks.md "CSA"). */
export function scoreRuleText(rule: ScoreRule | null | undefined): string {
  if (rule?.kind !== 'sigmoid') return 'cosine ⟨ê_I, ê_T⟩'
  const fmt = (v: number): string => v.toPrecision(6)
  const bias = `${rule.logitBias < 0 ? '−' : '+'} ${fmt(Math.abs(rule.logitBias))}`
  return `sigmoid(${fmt(Math.exp(rule.logitScale))}·cos ${bias}) (logit_scale ${fmt(rule.logitScale)}, logit_bias ${fmt(rule.logitBias)}; from ${rule.source})`
}
