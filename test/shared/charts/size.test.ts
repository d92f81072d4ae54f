// Figure lengths with units: in, cm, mm, pt and the paper presets; anything else refused with the forms accepted.
import { describe, expect, it } from 'vitest'
import { parseLength } from '../../../src/shared/charts/size'

describe('parseLength', () => {
  it('converts in, cm, mm and pt to inches (1 in = 2.54 cm = 72 pt)', () => {
    expect(parseLength('3.3in')).toBe(3.3)
    expect(parseLength('8.5cm') * 72).toBeCloseTo(240.945, 3)
    expect(parseLength('85mm')).toBeCloseTo(85 / 25.4, 12)
    expect(parseLength('240pt')).toBeCloseTo(240 / 72, 12)
    expect(parseLength(' 8.5 CM ')).toBeCloseTo(8.5 / 2.54, 12)
  })

  it('knows the one- and two-column presets', () => {
    expect([parseLength('one-column'), parseLength('column'), parseLength('two-column'), parseLength('page')]).toEqual([3.3, 3.3, 6.9, 6.9])
  })

  it('refuses a missing or unknown unit and non-lengths, naming what is accepted', () => {
    expect(() => parseLength('8.5')).toThrow(/"8\.5" has no unit/)
    expect(() => parseLength('3px')).toThrow(/has the unit "px", which is not in, cm, mm or pt/)
    expect(() => parseLength('wide')).toThrow(/is not a length/)
    expect(() => parseLength('0cm')).toThrow(/is not positive/)
    try {
      parseLength('3px')
    } catch (err) {
      expect((err as { hint: string }).hint).toMatch(/in, cm, mm or pt .* one-column, column, two-column, page/)
    }
  })
})
