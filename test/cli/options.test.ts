// Numeric CLI options (issue 16): one schema per option (the contract's), refused before any work or workspace exists.
import { spawnSync } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { InvalidArgumentError } from 'commander'
import { describe, expect, it } from 'vitest'
import { numberArg } from '../../src/cli/options'
import * as numbers from '../../src/shared/contract/numbers'
import { tempDir } from '../helpers/workspace'

describe('numberArg', () => {
  it('refuses non-numbers, fractions, zero and negatives where meaningless, and absurd sizes', () => {
    const cases: Array<[keyof typeof numbers, string, RegExp]> = [
      ['BatchSizeSchema', 'abc', /Not a whole number/],
      ['BatchSizeSchema', '', /Not a whole number/],
      ['BatchSizeSchema', '12abc', /Not a whole number/],
      ['BatchSizeSchema', '0x10', /Not a whole number/],
      ['BatchSizeSchema', '2.5', /Not a whole number/],
      ['BatchSizeSchema', '0', /at least 1/],
      ['BatchSizeSchema', '-1', /at least 1/],
      ['BatchSizeSchema', '1000000', /at most 4096/],
      ['ThreadsSchema', 'abc', /Not a whole number/],
      ['ThreadsSchema', '-1', /at least 1/],
      ['ThreadsSchema', '100000', /at most 256/],
      ['ThreadsSchema', '99999999999999999999', /too large/],
      ['SeedSchema', '-3', /at least 0/],
      ['ResamplesSchema', '1e9', /Not a whole number/],
      ['ResamplesSchema', '1000000', /at most 100000/],
      ['EpochsSchema', '0', /at least 1/],
      ['PatienceSchema', '0', /at least 1/],
      ['MaxIssuesSchema', '-5', /at least 0/],
      ['DpiSchema', '10', /at least 72/],
      ['PortSchema', '70000', /at most 65535/]
    ]
    for (const [schema, text, message] of cases) {
      const parse = numberArg(numbers[schema])
      expect(() => parse(text), `${schema} ${text}`).toThrow(InvalidArgumentError)
      expect(() => parse(text), `${schema} ${text}`).toThrow(message)
    }
    expect(() => numberArg(numbers.LambdaSchema, 'decimal')('nan')).toThrow(/Not a number/)
    expect(() => numberArg(numbers.LambdaSchema, 'decimal')('Infinity')).toThrow(/Not a number/)
    expect(() => numberArg(numbers.LambdaSchema, 'decimal')('11')).toThrow(/at most 10/)
  })

  it('accepts plain values in range', () => {
    expect(numberArg(numbers.BatchSizeSchema)('64')).toBe(64)
    expect(numberArg(numbers.BatchSizeSchema)(' 8 ')).toBe(8)
    expect(numberArg(numbers.PortSchema)('0')).toBe(0)
    expect(numberArg(numbers.LambdaSchema, 'decimal')('-1.5')).toBe(-1.5)
    expect(numberArg(numbers.LambdaSchema, 'decimal')('.5')).toBe(0.5)
  })
})

describe('mia refuses bad numbers before anything is created', () => {
  const MIA = path.resolve('bin/mia.cjs')
  it.each([
    [['run', '--dataset', 'emoji-demo', '--attack', 'csa', '--batch-size', 'abc'], /--batch-size <n>' argument 'abc' is invalid\. Not a whole number/],
    [['--threads', '-1', 'run', '--dataset', 'emoji-demo', '--attack', 'csa'], /--threads <n>' argument '-1' is invalid\. It must be at least 1/],
    [['embed', '--model', 'tiny', '--dataset', 'emoji-demo', '--batch-size', '0'], /--batch-size <n>' argument '0' is invalid\. It must be at least 1/],
    [['run', '--dataset', 'emoji-demo', '--attack', 'wsa', '--epochs', '1e6'], /--epochs <n>' argument '1e6' is invalid/],
    [['run', '--dataset', 'emoji-demo', '--attack', 'csa', '--calibration', 'difference'], /--calibration difference needs a reference model.*\n.*Add --reference-model/]
  ])('mia %j', (args, message) => {
    const ws = tempDir('mia-opts-')
    try {
      const workspace = path.join(ws.dir, 'ws')
      const out = spawnSync(process.execPath, [MIA, '--workspace', workspace, ...args], { encoding: 'utf8', timeout: 60_000 })
      expect(out.status).toBe(1)
      expect(out.stderr).toMatch(message)
      // Nothing was started: no workspace, so no experiment could have been recorded.
      expect(fs.existsSync(workspace)).toBe(false)
    } finally {
      ws.cleanup()
    }
  })
})
