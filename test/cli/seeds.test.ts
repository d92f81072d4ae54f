// `--seeds` parsing: ranges, lists, duplicates and refusals.
import { describe, expect, it } from 'vitest'
import { parseSeeds } from '../../src/cli/evidence-commands'
import { SeedListSchema } from '../../src/shared/contract/evidence'

describe('parseSeeds', () => {
  it('expands ranges and lists in order, once each', () => {
    expect(parseSeeds('0-4')).toEqual([0, 1, 2, 3, 4])
    expect(parseSeeds('0,3,7')).toEqual([0, 3, 7])
    expect(parseSeeds('2-3, 9, 3')).toEqual([2, 3, 9])
  })

  it('refuses malformed lists, reversed ranges and a single seed with a hint', () => {
    expect(() => parseSeeds('a-b')).toThrow(/not a list of seeds/)
    expect(() => parseSeeds('4-0')).toThrow(/not a list of seeds/)
    expect(() => parseSeeds('3')).toThrow(/at least 2/)
    expect(() => parseSeeds('0-99999999999')).toThrow(/not a list of seeds/)
  })

  it('caps a run at the 16 experiments a seed summary compares, without expanding a huge range', () => {
    expect(parseSeeds('0-15')).toHaveLength(16)
    expect(() => parseSeeds('0-16')).toThrow(/at most 16 seeds/)
    expect(() => parseSeeds('0-4000000000')).toThrow(/at most 16 seeds/)
  })

  it('is the schema the form validates with: same seeds, same refusals', () => {
    expect(SeedListSchema.parse(' 5-6 ,1')).toEqual([5, 6, 1])
    expect(SeedListSchema.safeParse('1-x').success).toBe(false)
    expect(SeedListSchema.safeParse('').success).toBe(false)
  })
})
