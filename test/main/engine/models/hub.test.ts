// The Hugging Face cache and `models pull` against a local hub stand-in (no network): exact file choice,
// cache layout shared with Python, resume after a dropped connection or an interrupted pull, checksums, offline.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createEngine } from '../../../../src/main/engine'
import { findCachedRepo, hubCacheDir } from '../../../../src/main/engine/models/hf-cache'
import { pullModel } from '../../../../src/main/engine/models/hub-pull'
import { startHubStandin, type HubStandin } from '../../../helpers/hub-standin'
import { testConfig } from '../../../helpers/workspace'
import { TINY_DIR } from './tiny-fixture'

const REPO = 'test-org/tiny-clip'
let root: string
let hub: HubStandin

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'mia-hub-'))
  // The repo also holds files no layout needs (README, reference data): they must not be fetched.
  const repo = path.join(root, 'repo')
  fs.cpSync(TINY_DIR, repo, { recursive: true, filter: (src) => !src.includes(`${path.sep}reference`) && !src.includes(`${path.sep}broken`) })
  fs.writeFileSync(path.join(repo, 'README.md'), '# tiny\n')
  hub = await startHubStandin(REPO, repo)
})
afterAll(async () => {
  await hub.close()
  fs.rmSync(root, { recursive: true, force: true })
})

function cache(name: string): string {
  return path.join(root, name)
}

describe('hubCacheDir', () => {
  it('follows huggingface_hub: HF_HUB_CACHE, then HF_HOME/hub, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(hubCacheDir({ HF_HUB_CACHE: '/a', HF_HOME: '/b' })).toBe('/a')
    expect(hubCacheDir({ HF_HOME: '/b' })).toBe(path.join('/b', 'hub'))
    expect(hubCacheDir({ XDG_CACHE_HOME: '/c' })).toBe(path.join('/c', 'huggingface', 'hub'))
    expect(hubCacheDir({})).toBe(path.join(os.homedir(), '.cache', 'huggingface', 'hub'))
  })
})

describe('mia models pull', () => {
  it('fetches exactly the files of the default variant into the cache layout, resuming a dropped connection, with the token', async () => {
    const dir = cache('pull-1')
    hub.faults.dropOnce = { path: 'onnx/text_model.onnx', bytes: 300_000 }
    const seen = hub.requests.length
    const totals: number[] = []
    let bytes = 0
    const r = await pullModel({ repoId: REPO, cacheDir: dir, endpoint: hub.url, token: 'hf_test', onTotal: (t) => totals.push(t), onBytes: (b) => (bytes += b) })
    expect(r.files.sort()).toEqual(['config.json', 'model_card.json', 'onnx/text_model.onnx', 'onnx/vision_model.onnx', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'])
    expect(r.revision).toBe(hub.commit)
    const repoDir = path.join(dir, 'models--test-org--tiny-clip')
    expect(fs.readFileSync(path.join(repoDir, 'refs', 'main'), 'utf8')).toBe(hub.commit)
    const link = path.join(repoDir, 'snapshots', hub.commit, 'onnx', 'text_model.onnx')
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true)
    expect(fs.readFileSync(link).equals(fs.readFileSync(path.join(TINY_DIR, 'onnx', 'text_model.onnx')))).toBe(true)
    expect(fs.readdirSync(path.join(repoDir, 'blobs')).filter((b) => b.endsWith('.incomplete'))).toEqual([])
    const mine = hub.requests.slice(seen)
    const resumed = mine.filter((q) => q.url.endsWith('/onnx/text_model.onnx') && q.range && !q.range.startsWith('bytes=0-'))
    expect(resumed.length).toBe(1)
    expect(Number(/bytes=(\d+)-/.exec(resumed[0].range!)![1])).toBeGreaterThanOrEqual(300_000)
    expect(mine.every((q) => q.authorization === 'Bearer hf_test')).toBe(true)
    expect(totals).toEqual([r.files.reduce((a, f) => a + fs.statSync(path.join(TINY_DIR, f)).size, 0)])
    expect(bytes).toBe(totals[0])
    expect(findCachedRepo(REPO, dir)).toEqual({ repoId: REPO, revision: hub.commit, dir: path.join(repoDir, 'snapshots', hub.commit) })
  }, 60_000)

  it('resumes an interrupted pull where it stopped and does not fetch complete blobs again', async () => {
    const dir = cache('pull-2')
    hub.faults.dropOnce = undefined
    const ac = new AbortController()
    let got = 0
    await expect(
      pullModel({
        repoId: REPO,
        cacheDir: dir,
        endpoint: hub.url,
        signal: ac.signal,
        onBytes: (b) => {
          got += b
          if (got > 900_000) ac.abort()
        }
      })
    ).rejects.toMatchObject({ code: 'cancelled' })
    const blobs = path.join(dir, 'models--test-org--tiny-clip', 'blobs')
    const partial = fs.readdirSync(blobs).filter((b) => b.endsWith('.incomplete'))
    expect(partial.length).toBe(1)
    const kept = fs.statSync(path.join(blobs, partial[0])).size
    expect(kept).toBeGreaterThan(0)
    const seen = hub.requests.length
    const r = await pullModel({ repoId: REPO, cacheDir: dir, endpoint: hub.url })
    const total = r.files.reduce((a, f) => a + fs.statSync(path.join(TINY_DIR, f)).size, 0)
    expect(r.downloadedBytes).toBeLessThan(total)
    expect(hub.requests.slice(seen).some((q) => q.range === `bytes=${kept}-${fs.statSync(path.join(TINY_DIR, 'onnx', 'text_model.onnx')).size - 1}` || q.range?.startsWith(`bytes=${kept}-`))).toBe(
      true
    )
    // Pulled again: everything is in the cache, nothing is downloaded.
    expect((await pullModel({ repoId: REPO, cacheDir: dir, endpoint: hub.url })).downloadedBytes).toBe(0)
  }, 60_000)

  it('picks the files of --variant, refuses an unknown one, and verifies checksums', async () => {
    const dir = cache('pull-3')
    const fp16 = await pullModel({ repoId: REPO, cacheDir: dir, endpoint: hub.url, variant: 'fp16' })
    expect(fp16.files.filter((f) => f.endsWith('.onnx'))).toEqual(['onnx/model_fp16.onnx'])
    await expect(pullModel({ repoId: REPO, cacheDir: dir, endpoint: hub.url, variant: 'int8' })).rejects.toMatchObject({
      code: 'not-found',
      message: expect.stringMatching(/has no complete variant "int8"; it has: separate, combined-fp16/)
    })
    hub.faults.corrupt = 'onnx/vision_model.onnx'
    try {
      await expect(pullModel({ repoId: REPO, cacheDir: dir, endpoint: hub.url })).rejects.toMatchObject({
        code: 'network',
        message: expect.stringMatching(/vision_model\.onnx failed its checksum \(sha256 .*the partial file was deleted/)
      })
    } finally {
      hub.faults.corrupt = undefined
    }
    expect(fs.readdirSync(path.join(dir, 'models--test-org--tiny-clip', 'blobs')).filter((b) => b.endsWith('.incomplete'))).toEqual([])
  }, 60_000)

  it('says it is offline when the hub cannot be reached, and honours HF_ENDPOINT', async () => {
    await expect(pullModel({ repoId: REPO, cacheDir: cache('pull-4'), endpoint: 'http://127.0.0.1:9' })).rejects.toMatchObject({
      code: 'network',
      message: expect.stringMatching(/Cannot reach http:\/\/127\.0\.0\.1:9/),
      hint: expect.stringMatching(/offline/)
    })
    const before = process.env.HF_ENDPOINT
    process.env.HF_ENDPOINT = hub.url
    try {
      expect((await pullModel({ repoId: REPO, cacheDir: cache('pull-4') })).revision).toBe(hub.commit)
    } finally {
      if (before === undefined) delete process.env.HF_ENDPOINT
      else process.env.HF_ENDPOINT = before
    }
  }, 60_000)
})

describe('models in the Hugging Face cache', () => {
  it('lists a pulled repo and a hand-placed one by repo id and revision, and runs one by repo id', async () => {
    const dir = cache('engine')
    await pullModel({ repoId: REPO, cacheDir: dir, endpoint: hub.url })
    // By hand, as Python leaves it: blobs + snapshot symlinks, refs/main; an immich-layout repo.
    const hand = path.join(dir, 'models--someone--tiny-immich')
    const snap = path.join(hand, 'snapshots', 'b'.repeat(40))
    fs.cpSync(path.resolve(TINY_DIR, '../tiny-layouts/immich'), snap, { recursive: true })
    for (const f of ['tokenizer.json', 'tokenizer_config.json']) fs.copyFileSync(path.join(TINY_DIR, f), path.join(snap, 'textual', f))
    fs.mkdirSync(path.join(hand, 'refs'))
    fs.writeFileSync(path.join(hand, 'refs', 'main'), 'b'.repeat(40))
    // A cached repo that is not a CLIP export is not listed.
    fs.mkdirSync(path.join(dir, 'models--someone--llm', 'snapshots', 'c'.repeat(40)), { recursive: true })
    const engine = createEngine(testConfig(path.join(root, 'ws'), { hfCacheDir: dir }))
    try {
      const { models } = await engine.invoke('models.list', {})
      const cached = models.filter((m) => m.repoId)
      expect(cached.map((m) => [m.name, m.revision, m.format, m.error])).toEqual([
        ['someone/tiny-immich', 'b'.repeat(40), 'openclip', null],
        [REPO, hub.commit, 'huggingface', null]
      ])
      const ds = path.join(root, 'ds')
      fs.mkdirSync(ds, { recursive: true })
      fs.copyFileSync(path.join(TINY_DIR, 'reference', 'images', 'scene-0.jpg'), path.join(ds, 'a.jpg'))
      fs.writeFileSync(path.join(ds, 'a.txt'), 'a photo of a cat')
      const out = await engine.invoke('embed', { model: 'someone/tiny-immich', dataset: ds })
      expect(out.items).toBe(1)
      await expect(engine.invoke('embed', { model: 'someone/not-there', dataset: ds })).rejects.toMatchObject({ code: 'not-found', hint: expect.stringMatching(/mia models pull someone\/not-there/) })
    } finally {
      await engine.dispose()
    }
  }, 60_000)
})
