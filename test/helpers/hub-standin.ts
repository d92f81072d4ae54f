// A local stand-in for the Hugging Face hub on 127.0.0.1: the URL scheme @huggingface/hub calls
// (/api/models/<repo>/revision/<rev>, /api/models/<repo>/tree/<rev>, /<repo>/resolve/<rev>/<path> with Range),
// serving a folder as one model repo, with faults to inject (a dropped connection, a corrupted file).
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'

/** One request the stand-in saw. */
export interface SeenRequest {
  method: string
  url: string
  range: string | null
  authorization: string | null
}

/** Faults: drop the connection after `bytes` of the first ranged download of `path`; serve `path` corrupted. */
export interface Faults {
  dropOnce?: { path: string; bytes: number }
  corrupt?: string
}

export interface HubStandin {
  url: string
  commit: string
  requests: SeenRequest[]
  faults: Faults
  close(): Promise<void>
}

function listFiles(root: string, rel = ''): string[] {
  return fs.readdirSync(path.join(root, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name
    return e.isDirectory() ? listFiles(root, r) : [r]
  })
}

/** Serve `dir` as model repo `repoId` at commit `commit`; files over 10 kB are LFS (sha256 oid), others git blobs (sha1). */
export async function startHubStandin(repoId: string, dir: string, commit = 'a'.repeat(40)): Promise<HubStandin> {
  const files = new Map(listFiles(dir).map((p) => [p, fs.readFileSync(path.join(dir, p))]))
  const entry = (p: string, data: Buffer): Record<string, unknown> => {
    const gitOid = createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex')
    const lfs = data.length > 10_000 ? { oid: createHash('sha256').update(data).digest('hex'), size: data.length, pointerSize: 130 } : undefined
    return { type: 'file', path: p, size: data.length, oid: gitOid, ...(lfs ? { lfs } : {}) }
  }
  const state = { requests: [] as SeenRequest[], faults: {} as Faults, dropped: false }
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x')
    state.requests.push({ method: req.method ?? '', url: url.pathname + url.search, range: req.headers.range ?? null, authorization: req.headers.authorization ?? null })
    const api = `/api/models/${repoId}`
    if (url.pathname === `${api}/revision/main` || url.pathname === `${api}/revision/${commit}`) {
      res.setHeader('content-type', 'application/json')
      return res.end(JSON.stringify({ _id: 'x', id: repoId, sha: commit, private: false, gated: false, downloads: 0, likes: 0, lastModified: new Date(0).toISOString() }))
    }
    if (url.pathname === `${api}/tree/${commit}` || url.pathname === `${api}/tree/main`) {
      res.setHeader('content-type', 'application/json')
      return res.end(JSON.stringify([...files].map(([p, d]) => entry(p, d))))
    }
    const prefix = `/${repoId}/resolve/${commit}/`
    const data = url.pathname.startsWith(prefix) ? files.get(decodeURIComponent(url.pathname.slice(prefix.length))) : undefined
    if (!data) {
      res.statusCode = 404
      res.setHeader('X-Error-Code', url.pathname.includes('/resolve/') ? 'EntryNotFound' : 'RepoNotFound')
      return res.end(JSON.stringify({ error: 'not found' }))
    }
    const file = decodeURIComponent(url.pathname.slice(prefix.length))
    const body = state.faults.corrupt === file ? Buffer.from(data).fill(7, 0, 16) : data
    res.setHeader('ETag', `"${(entry(file, data).lfs as { oid: string } | undefined)?.oid ?? entry(file, data).oid}"`)
    res.setHeader('Accept-Ranges', 'bytes')
    const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '')
    const start = m ? Number(m[1]) : 0
    const end = m && m[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1
    res.statusCode = m ? 206 : 200
    if (m) res.setHeader('Content-Range', `bytes ${start}-${end}/${body.length}`)
    res.setHeader('Content-Length', String(end - start + 1))
    const drop = state.faults.dropOnce
    if (drop && drop.path === file && !state.dropped && end > 0) {
      state.dropped = true
      res.write(body.subarray(start, start + drop.bytes))
      return void setTimeout(() => res.destroy(), 20)
    }
    res.end(body.subarray(start, end + 1))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    commit,
    requests: state.requests,
    faults: state.faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
