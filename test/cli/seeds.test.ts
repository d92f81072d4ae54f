// `--seeds` parsing: ranges, lists, duplicates and refusals.
import { describe, expect, it } from 'vitest'
import { parseSeeds } from '../../src/cli/evidence-commands'

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
  })
})
