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

describe('models add: names', () => {
  it("refuses a folder whose name is a bundled model's, saying to use --name, and registers nothing", async () => {
    const bundled = path.join(ws.dir, 'resources', 'models', 'demo-clip-s')
    fs.cpSync(TINY, bundled, { recursive: true, filter: (src) => !src.includes(`${path.sep}broken`) && !src.includes(`${path.sep}reference`) })
    const named = createEngine(testConfig(path.join(ws.dir, 'workspace-names'), { resourcesDir: path.join(ws.dir, 'resources') }))
    try {
      const before = (await named.invoke('models.list', {})).models.filter((m) => m.source === 'user')
      // The copy describes itself as the bundled folder's name; explicitly asking for that name is refused too.
      const copy = withTokenizer('tiny-copy', fs.readFileSync(path.join(TINY, 'tokenizer.json'), 'utf8'))
      await expect(named.invoke('models.add', { path: copy, name: 'demo-clip-s' })).rejects.toMatchObject({
        code: 'invalid-input',
        item: 'demo-clip-s',
        message: expect.stringMatching(/taken by a bundled model/),
        hint: expect.stringMatching(/--name/)
      })
      const sameName = path.join(ws.dir, 'elsewhere', 'demo-clip-s')
      fs.cpSync(copy, sameName, { recursive: true })
      await expect(named.invoke('models.add', { path: sameName })).rejects.toMatchObject({ code: 'invalid-input', hint: expect.stringMatching(/--name <other-name>/) })
      await expect(named.invoke('models.add', { path: bundled })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/is the bundled model "demo-clip-s"/) })
      expect((await named.invoke('models.list', {})).models.filter((m) => m.source === 'user')).toEqual(before)

      const added = await named.invoke('models.add', { path: copy, name: 'my-tiny' })
      expect(added.name).toBe('my-tiny')
      // Another folder asking for a taken added name is refused as well; the same folder may keep its own name.
      const other = withTokenizer('tiny-other', fs.readFileSync(path.join(TINY, 'tokenizer.json'), 'utf8'))
      await expect(named.invoke('models.add', { path: other, name: 'my-tiny' })).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/the added model at/) })
      expect((await named.invoke('models.add', { path: copy, name: 'my-tiny' })).name).toBe('my-tiny')
      await expect(named.invoke('models.add', { path: other, name: 'a/b' })).rejects.toMatchObject({ code: 'invalid-input' })
    } finally {
      await named.dispose()
    }
  })
})
