// models.add checks a folder before registering it (issue 16): a garbage tokenizer or a broken layout is refused now,
// naming the file, instead of failing later at embed time.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine, type Engine } from '../../../../src/main/engine'
import { tempDir, testConfig } from '../../../helpers/workspace'

const TINY = path.resolve('test/fixtures/tiny-clip')
const ws = tempDir('mia-models-add-')
let engine: Engine

/** A copy of tiny-clip whose tokenizer.json holds `text`. */
function withTokenizer(name: string, text: string): string {
  const dir = path.join(ws.dir, name)
  fs.cpSync(TINY, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}broken`) && !src.includes(`${path.sep}reference`) })
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), text)
  return dir
}

beforeAll(() => {
  engine = createEngine(testConfig(path.join(ws.dir, 'workspace')))
})
afterAll(async () => {
  await engine.dispose()
  ws.cleanup()
})

describe('models add', () => {
  it('refuses a tokenizer.json that is garbage, naming it, and registers nothing', async () => {
    for (const [name, text] of [
      ['not-json', 'garbage \u0000'],
      ['wrong-json', '{"model": 42, "added_tokens": "x"}'],
      ['empty-object', '{}']
    ]) {
      const dir = withTokenizer(name, text)
      await expect(engine.invoke('models.add', { path: dir }), name).rejects.toMatchObject({ code: 'bad-model', message: expect.stringMatching(/tokenizer/i) })
    }
    expect((await engine.invoke('models.list', {})).models.filter((m) => m.source === 'user')).toEqual([])
  })

  it('refuses a folder that describing finds broken (the checks models list shows)', async () => {
    await expect(engine.invoke('models.add', { path: path.join(TINY, 'broken') })).rejects.toMatchObject({ code: 'bad-model' })
    await expect(engine.invoke('models.add', { path: path.join(ws.dir, 'no-such-folder') })).rejects.toMatchObject({ code: expect.stringMatching(/bad-model|not-found/) })
  })

  it('adds a working model', async () => {
    const info = await engine.invoke('models.add', { path: TINY })
    expect(info.error).toBeNull()
    expect((await engine.invoke('models.list', {})).models.map((m) => m.path)).toContain(TINY)
  })
})
