// Canonical augmentation specs: parse/format round trips, defaults, repeats, cache keys and errors.
import { describe, expect, it } from 'vitest'
import { AUG_VERSION, DEFAULT_BANK_TEXT, defaultBank, formatBank, formatTransform, parseBank, parseTransform, viewCount, viewSpec, viewTransform } from '../../../../src/main/engine/augment'
import { WorkbenchError } from '../../../../src/shared/contract/errors'

function errorOf(fn: () => unknown): WorkbenchError {
  try {
    fn()
  } catch (err) {
    if (err instanceof WorkbenchError) return err
    throw err
  }
  throw new Error('expected a WorkbenchError')
}

describe('default bank', () => {
  it('is the ten transforms of docs/attacks.md, one draw each, in canonical form', () => {
    const bank = defaultBank()
    expect(viewCount(bank)).toBe(10)
    expect(bank.map((e) => e.transform.name)).toEqual(['rrc', 'rot', 'translate', 'jitter', 'blur', 'hflip', 'vflip', 'autocontrast', 'sharpness', 'posterize'])
    expect(formatBank(bank)).toBe(DEFAULT_BANK_TEXT)
    expect(parseBank('  Default ')).toEqual(bank)
    expect(bank[0].transform).toEqual({ name: 'rrc', scale: { lo: 0.5, hi: 1 }, ratio: { lo: 0.75, hi: 1.333 } })
    expect(bank[3].transform).toMatchObject({ b: { lo: 0.6, hi: 1.4 } })
  })

  it('bare names take the default parameters', () => {
    expect(formatBank(parseBank('rrc, rot, translate, jitter, blur, hflip, vflip, autocontrast, sharpness, posterize'))).toBe(DEFAULT_BANK_TEXT)
  })
})

describe('canonical text', () => {
  it.each([
    ['ROT( deg = 15 )', 'rot(deg=15)'],
    ['rot(deg=-15:15)', 'rot(deg=15)'],
    ['rot(deg=-10:30,interp=BILINEAR)', 'rot(deg=-10:30,interp=bilinear)'],
    ['rot(interp=nearest)', 'rot(deg=15)'],
    ['rrc(ratio=1:1, scale=.8)', 'rrc(scale=0.8,ratio=1)'],
    ['rrc(size=224)', 'rrc(scale=0.5:1,ratio=0.75:1.333,size=224)'],
    ['jitter(s=0.6:1.4,b=0)', 'jitter(b=0,c=0.4,s=0.4)'],
    ['jitter(b=1.5)', 'jitter(b=1.5,c=0.4,s=0.4)'],
    ['jitter(c=0.2:1.7)', 'jitter(b=0.4,c=0.2:1.7,s=0.4)'],
    ['blur(sigma=1e0,k=3)', 'blur(k=3,sigma=1)'],
    ['posterize(bits=+2)', 'posterize(bits=2)'],
    ['sharpness()', 'sharpness(f=2)'],
    ['translate(frac=0.25)', 'translate(frac=0.25)']
  ])('%s → %s', (input, canonical) => {
    const t = parseTransform(input)
    expect(formatTransform(t)).toBe(canonical)
    expect(parseTransform(canonical)).toEqual(t)
  })

  it('a bank round-trips: parse ∘ format is the identity and format is idempotent', () => {
    const text = ' hflip ,rot(deg=5)x3 ,  rot(deg=5) , blur( k=7 , sigma=0.5:1.5 ) x 2, vflip'
    const bank = parseBank(text)
    const canonical = formatBank(bank)
    expect(canonical).toBe('hflip, rot(deg=5) x4, blur(k=7,sigma=0.5:1.5) x2, vflip')
    expect(parseBank(canonical)).toEqual(bank)
    expect(formatBank(parseBank(canonical))).toBe(canonical)
    expect(viewCount(bank)).toBe(8)
  })

  it('maps view k to its entry across repeats', () => {
    const bank = parseBank('hflip, rot x3, vflip')
    expect([1, 2, 3, 4, 5].map((k) => viewTransform(bank, k).name)).toEqual(['hflip', 'rot', 'rot', 'rot', 'vflip'])
  })
})

describe('view cache keys', () => {
  it('name the version, the canonical transform, k and the seed', () => {
    const bank = parseBank('hflip, rot(deg=-15:15) x2')
    expect(viewSpec(bank, 0, 7)).toBe('orig')
    expect(viewSpec(bank, 2, 7)).toBe(`aug:v${AUG_VERSION}:rot(deg=15)#k=2#seed=7`)
    expect(viewSpec(bank, 3, 7)).not.toBe(viewSpec(bank, 2, 7))
    expect(viewSpec(bank, 1, 0)).toBe(`aug:v${AUG_VERSION}:hflip#k=1#seed=0`)
  })

  it('reject views outside 0..K and non-integer seeds', () => {
    const bank = parseBank('hflip')
    expect(errorOf(() => viewSpec(bank, 2, 1)).code).toBe('invalid-input')
    expect(errorOf(() => viewSpec(bank, 1.5, 1)).code).toBe('invalid-input')
    expect(errorOf(() => viewSpec(bank, 1, 0.5)).code).toBe('invalid-input')
  })
})

describe('malformed specs', () => {
  it.each([
    ['rot(deg=15), zoom(f=2)', 'zoom(f=2)', /unknown transform "zoom"/],
    ['rot(angle=15)', 'rot(angle=15)', /no parameter "angle"/],
    ['rot(deg=abc)', 'rot(deg=abc)', /"abc" .* not a number/],
    ['rot(deg=15,deg=10)', 'rot(deg=15,deg=10)', /given twice/],
    ['rot(deg=30:10)', 'rot(deg=30:10)', /deg=30:10/],
    ['rot(deg)', 'rot(deg)', /not key=value/],
    ['rrc(scale=0.5:1.5)', 'rrc(scale=0.5:1.5)', /scale=0.5:1.5 needs 0 < lo ≤ hi ≤ 1/],
    ['blur(k=4)', 'blur(k=4)', /odd kernel/],
    ['posterize(bits=2.5)', 'posterize(bits=2.5)', /integer/],
    ['posterize(bits=9)', 'posterize(bits=9)', /1…8/],
    ['translate(frac=0.1:0.2)', 'translate(frac=0.1:0.2)', /single number/],
    ['jitter(b=-0.1)', 'jitter(b=-0.1)', /b=-0.1/],
    ['rot(interp=cubic)', 'rot(interp=cubic)', /nearest, bilinear/],
    ['hflipx2', 'hflipx2', /unknown transform "hflipx2"/],
    ['hflip x0', 'hflip x0', /repeat count/],
    ['rot(deg=15', 'rot(deg=15', /unbalanced/],
    ['rot(deg=(15))', 'rot(deg=(15))', /unbalanced/],
    ['hflip,,vflip', 'hflip,,vflip', /empty transform/],
    ['   ', '   ', /empty/]
  ])('%s', (text, token, message) => {
    const err = errorOf(() => parseBank(text))
    expect(err.code).toBe('invalid-input')
    expect(err.item).toBe(token)
    expect(err.message).toMatch(message)
    expect(err.hint).toBeTruthy()
  })
})
