// The UpSet option: bars carry the intersection counts, the dot matrix marks exactly the flagging experiments.
import { describe, expect, it } from 'vitest'
import { upsetOption } from '../../../src/shared/charts/agreement'
import { paperStyle } from '../../../src/shared/charts/style'
import type { Agreement } from '../../../src/shared/contract/evidence'

const agreement: Agreement = {
  fpr: 0.01,
  nItems: 100,
  experiments: [
    { id: 'a', name: 'CSA', threshold: 0.8, flagged: 5 },
    { id: 'b', name: 'a very long experiment name that will not fit the label column of a one-column figure', threshold: 0.7, flagged: 4 }
  ],
  jaccard: [
    [1, 0.5],
    [0.5, 1]
  ],
  intersections: [
    { sets: [0, 1], count: 3, members: 2 },
    { sets: [0], count: 2, members: 1 },
    { sets: [1], count: 1, members: 0 }
  ],
  records: [],
  notes: []
}

describe('upsetOption', () => {
  it('stacks members over the rest per intersection and marks the dot matrix', () => {
    const option = upsetOption(agreement, paperStyle(3.3))
    const series = option.series as Array<{ type: string; name?: string; data: unknown[]; itemStyle?: { color: string } }>
    const bars = series.filter((s) => s.type === 'bar')
    expect(bars[0].data).toEqual([2, 1, 0])
    expect(bars[1].data).toEqual([1, 1, 1])
    const [on, off] = series.filter((s) => s.type === 'scatter')
    expect(on.data).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
      [2, 1]
    ])
    expect(off.data).toEqual([
      [1, 1],
      [2, 0]
    ])
    const labels = (option.yAxis as Array<{ data?: string[] }>)[1].data!
    expect(labels[0]).toBe('CSA (5)')
    expect(labels[1].endsWith('… (4)')).toBe(true)
  })
})
