// Audit-set form: the operation's defaults, suspect ids read as the CLI reads an ids file, and refusals before any call.
import { describe, expect, it } from 'vitest'
import { AUDIT_SET_ATTACKS, auditSetInput, defaultAuditSetForm, parseIds } from '../../../src/renderer/src/composables/useAuditSetForm'

const base = { ...defaultAuditSetForm(), model: 'demo-clip-s', dataset: 'emoji-demo' }

describe('audit-set form', () => {
  it("starts from the operation's defaults and offers every attack that queries the model", () => {
    expect(defaultAuditSetForm()).toMatchObject({ suspectKind: 'members', attack: 'csa', seed: 0, nullSubsets: 200, size: '', known: 'reference' })
    expect(AUDIT_SET_ATTACKS).toContain('qmia')
    expect(AUDIT_SET_ATTACKS).not.toContain('blind')
    expect(AUDIT_SET_ATTACKS).not.toContain('imported')
  })

  it('reads ids one per line, trimmed, blank lines ignored (CRLF too)', () => {
    expect(parseIds(' a \r\n\nb\n  \nc d\n')).toEqual(['a', 'b', 'c d'])
  })

  it('builds the audit.set input: a keyword or the ids, the size only when given', () => {
    expect(auditSetInput(base)).toEqual({ input: { model: 'demo-clip-s', dataset: 'emoji-demo', suspect: 'members', attack: 'csa', seed: 0, nullSubsets: 200, known: 'reference' } })
    const ids = auditSetInput({ ...base, suspectKind: 'ids', ids: 'x1\nx2\nx3', size: 2, attack: 'aea', seed: 4 })
    expect(ids).toEqual({ input: { model: 'demo-clip-s', dataset: 'emoji-demo', suspect: ['x1', 'x2', 'x3'], size: 2, attack: 'aea', seed: 4, nullSubsets: 200, known: 'reference' } })
    expect(auditSetInput({ ...base, known: 'nonmembers' })).toMatchObject({ input: { known: 'nonmembers' } })
  })

  it('refuses what the engine refuses, naming the field', () => {
    expect(auditSetInput({ ...base, suspectKind: 'ids', ids: 'only-one' })).toMatchObject({ field: 'ids', problem: expect.stringMatching(/at least 2 suspect item ids/) })
    expect(auditSetInput({ ...base, size: 1 })).toMatchObject({ field: 'size' })
    expect(auditSetInput({ ...base, seed: -1 })).toMatchObject({ field: 'seed' })
    expect(auditSetInput({ ...base, nullSubsets: 1e6 })).toMatchObject({ field: 'nullSubsets' })
    expect(auditSetInput({ ...base, model: '' })).toMatchObject({ field: 'model' })
    expect(auditSetInput({ ...base, dataset: '' })).toMatchObject({ field: 'dataset' })
  })
})
