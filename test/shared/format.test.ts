// Number, percent, CI and p-value formatting shared by UI, CSV and LaTeX.
import { describe, expect, it } from 'vitest'
import {
  formatCI,
  formatCount,
  formatFprTarget,
  formatInterval,
  formatNumber,
  formatPercent,
  formatPValue,
  formatSigned,
  formatTprAtFpr,
  formatUnresolvable,
  nonmembersNeeded,
  scoreRuleText
} from '../../src/shared/format'

describe('formatNumber / formatPercent / formatSigned', () => {
  it('rounds to fixed decimals and never prints a negative zero', () => {
    expect(formatNumber(0.73449)).toBe('0.734')
    expect(formatNumber(0.7345, 2)).toBe('0.73')
    expect(formatNumber(-0.0001)).toBe('0.000')
    expect(formatNumber(-0.012)).toBe('-0.012')
    expect(formatNumber(null)).toBe('n/a')
    expect(formatNumber(Number.NaN)).toBe('n/a')
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe('n/a')
  })
  it('formats percentages', () => {
    expect(formatPercent(0.0123)).toBe('1.2%')
    expect(formatPercent(1, 0)).toBe('100%')
    expect(formatPercent(undefined)).toBe('n/a')
  })
  it('signs differences except zero', () => {
    expect(formatSigned(0.0123)).toBe('+0.012')
    expect(formatSigned(-0.0123)).toBe('-0.012')
    expect(formatSigned(0.0001)).toBe('0.000')
  })
})

describe('formatCI and formatInterval', () => {
  it('prints a value with its interval', () => {
    expect(formatCI(0.7341, { lo: 0.7122, hi: 0.7564 })).toBe('0.734 [0.712, 0.756]')
    expect(formatInterval({ lo: 0.1, hi: 0.25 }, 2)).toBe('[0.10, 0.25]')
  })
  it('leaves out a missing interval and marks a missing value', () => {
    expect(formatCI(0.5, null)).toBe('0.500')
    expect(formatCI(null, { lo: 0, hi: 1 })).toBe('n/a')
  })
})

describe('formatPValue', () => {
  it('bounds small p-values and rounds the others', () => {
    expect(formatPValue(0.0004)).toBe('< 0.001')
    expect(formatPValue(0.001)).toBe('0.001')
    expect(formatPValue(0.04213)).toBe('0.042')
    expect(formatPValue(1)).toBe('1.000')
    expect(formatPValue(null)).toBe('n/a')
  })
})

describe('TPR@FPR', () => {
  it('names the FPR targets as short percentages', () => {
    expect([0.001, 0.01, 0.05, 0.0001, 0.1].map(formatFprTarget)).toEqual(['0.1%', '1%', '5%', '0.01%', '10%'])
  })
  it('says how many non-members an unresolvable target needs', () => {
    expect(nonmembersNeeded(0.001)).toBe(1000)
    expect(nonmembersNeeded(0.05)).toBe(20)
    expect(nonmembersNeeded(0.03)).toBe(34)
    expect(formatUnresolvable(0.001)).toBe('n/a (needs ≥ 1000 non-members)')
  })
  it('formats resolvable entries with their CI and unresolvable ones with the reason', () => {
    const resolvable = { target: 0.01, tpr: 0.12, resolvable: true, ci: { lo: 0.08, hi: 0.16 }, fpr: 0.009, threshold: 0.3 }
    const unresolvable = { target: 0.001, tpr: null, resolvable: false, ci: null, fpr: null, threshold: null, bestAvailableTpr: 0.02 }
    expect(formatTprAtFpr(resolvable)).toBe('0.120 [0.080, 0.160]')
    expect(formatTprAtFpr(unresolvable)).toBe('n/a (needs ≥ 1000 non-members)')
    expect(formatTprAtFpr(undefined)).toBe('n/a')
  })
})

describe('formatCount', () => {
  it('groups large counts only', () => {
    expect(formatCount(1000)).toBe('1000')
    expect(formatCount(12345)).toBe('12,345')
    expect(formatCount(null)).toBe('n/a')
  })
})

describe('scoreRuleText', () => {
  it("prints CLIP's cosine and SigLIP's sigmoid with exp(t) worked out", () => {
    expect(scoreRuleText(undefined)).toBe('cosine ⟨ê_I, ê_T⟩')
    expect(scoreRuleText({ kind: 'sigmoid', logitScale: Math.log(117.33), logitBias: -12.93, source: 'onnx/model.onnx initializers logit_scale, logit_bias' })).toBe(
      'sigmoid(117.330·cos − 12.9300) (logit_scale 4.76499, logit_bias -12.9300; from onnx/model.onnx initializers logit_scale, logit_bias)'
    )
  })
})
