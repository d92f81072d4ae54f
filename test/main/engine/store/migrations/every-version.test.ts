// Every earlier schema version upgrades to the newest on open (issue 9): a committed fixture database per released
// version, written by that version's code, keeps all of its rows; every migration has its own NNNN.test.ts (v0 → v1
// is 0001.test.ts).
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { MIGRATIONS, SCHEMA_VERSION, embeddingKey, openWorkspaceStore } from '../../../../../src/main/engine/store'
import { FIXTURE_CONTENT as C, fixtureHash, fixtureVector } from '../../../../fixtures/store/fixture-content'
import { tempDir } from '../scratch'
import { copyFixture } from './fixture-db'

const here = path.dirname(fileURLToPath(import.meta.url))
const fixtures = path.resolve(here, '../../../../fixtures/store')
const dir = tempDir()
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

const released = Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1)

describe('workspace databases from every earlier schema version', () => {
  it('has a committed fixture for every released version and a test for every migration', () => {
    const missingFixtures = released.filter((v) => !fs.existsSync(path.join(fixtures, `v${v}.sqlite`)))
    expect(missingFixtures, 'run `npx tsx test/fixtures/store/make-fixtures.ts` at each schema version and commit the file').toEqual([])
    const missingTests = MIGRATIONS.map((m) => `${String(m.version).padStart(4, '0')}.test.ts`).filter((f) => !fs.existsSync(path.join(here, f)))
    expect(missingTests, 'each migration needs a test that upgrades version N-1 to N').toEqual([])
  })

  it.each(released)('the committed v%i fixture opens at the newest schema with every kind of row it holds', (version) => {
    const ws = path.join(dir, `fixture-v${version}`)
    fs.mkdirSync(ws)
    copyFixture(version, path.join(ws, 'workspace.sqlite'))
    const store = openWorkspaceStore(ws)
    expect(store.db.schemaVersion).toBe(SCHEMA_VERSION)
    expect(store.db.integrityCheck()).toEqual(['ok'])
    expect(store.embeddings.count({ modelFingerprint: C.fingerprint })).toBe(C.embeddings)
    const v5 = store.embeddings.getMany(C.fingerprint, 'text', [{ contentHash: fixtureHash(5), view: 'orig' }])
    expect(Array.from(v5.get(embeddingKey(fixtureHash(5), 'orig'))!)).toEqual(Array.from(fixtureVector(5)))
    expect(store.items.list(C.datasetHash).map((r) => r.itemId)).toEqual(['item-0', 'item-1', 'item-2'])
    expect(store.experiments.get(C.experimentId)).toMatchObject({ status: 'done', results: { auc: 0.625 }, tags: ['fixture'] })
    expect(Array.from(store.scores.get(C.experimentId).scores)).toEqual([0.5, -0.25])
    expect(store.models.get('/models/fixture')?.fingerprint).toBe(C.fingerprint)
    expect(store.datasets.get('/datasets/fixture')?.hash).toBe(C.datasetHash)
    // Run logs exist from schema 2 on; an older fixture's experiment simply has none.
    const runLog = store.runLogs.get(C.experimentId)
    if (version >= 2) expect(runLog).toMatchObject({ ...C.runLog, startedAt: new Date(C.runLogStartedAt).toISOString() })
    else expect(runLog).toBeUndefined()
    store.close()
  })
})
