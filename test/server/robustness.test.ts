// Browser-mode server under hostile requests: a bounded, seeded fuzz (loopback only) and the cases issue 16 reproduced.
// After every hostile request the same server must answer a valid one; no exception may escape a handler.
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRng } from '../../src/main/engine/rng'
import { startServer, type RunningServer } from '../../src/server/http'
import { inProcessClient, tempDir, testConfig } from '../helpers/workspace'
import { request, sendRaw } from './raw-client'

const ws = tempDir()
const staticDir = path.join(ws.dir, 'static')
let server: RunningServer
let close: () => Promise<void>
let client: Awaited<ReturnType<typeof inProcessClient>>['client']
const escaped: unknown[] = []
const onUncaught = (err: unknown): void => void escaped.push(err)

beforeAll(async () => {
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true })
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>workbench</title>')
  ;({ client, close } = await inProcessClient(testConfig(ws.dir)))
  server = await startServer({ client, staticDir, limits: { requestTimeoutMs: 600, headersTimeoutMs: 600, maxInFlight: 8 } })
  process.on('uncaughtException', onUncaught)
})

afterAll(async () => {
  process.off('uncaughtException', onUncaught)
  await server.close()
  await close()
  ws.cleanup()
})

const host = (): string => `127.0.0.1:${server.port}`

/** The valid request every hostile one is followed by: the API answers with a result. */
async function stillServes(): Promise<void> {
  const ok = await request(server.port, {
    path: '/api/ops/app.info',
    method: 'POST',
    headers: { Host: host(), Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' },
    body: '{}'
  })
  expect(ok.status).toBe(200)
  expect(ok.body).toMatch(/event: result/)
  expect(escaped).toEqual([])
}

describe('browser-mode server robustness', () => {
  it('answers an absolute-form request line with an invalid URL, and keeps serving', async () => {
    const res = await sendRaw(server.port, `GET http://[ HTTP/1.1\r\nHost: ${host()}\r\n\r\n`)
    expect(res.status).toBeGreaterThanOrEqual(400)
    await stillServes()
  })

  it('answers malformed percent-encoding in a static path with 400, and keeps serving', async () => {
    for (const p of ['/%E0%A4%A', '/%', '/assets/%ZZ', '/%00index.html']) {
      const res = await request(server.port, { path: p, headers: { Host: host(), Cookie: `mia_token=${server.token}` } })
      expect(res.status, p).toBeGreaterThanOrEqual(400)
      expect(res.status, p).toBeLessThan(500)
    }
    await stillServes()
  })

  it('closes a request whose body trickles in slower than the request timeout', async () => {
    const started = Date.now()
    const head = `POST /api/ops/app.info HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${server.token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`
    const slow = Array.from({ length: 4 }, () => trickle(server.port, head, 30, 100))
    const results = await Promise.all(slow)
    for (const r of results) expect(r.closed).toBe(true)
    // Bounded by the 600 ms request timeout, not by the 3 s the body would take.
    expect(Date.now() - started).toBeLessThan(2900)
    await stillServes()
  })

  it('does not cut a response that streams longer than the request timeout (only receiving the request is bounded)', async () => {
    const slow = {
      invoke: async (_op: string, _input: unknown, options?: { onEvent?: (e: unknown) => void }) => {
        for (let i = 0; i < 4; i++) {
          options?.onEvent?.({ type: 'log', level: 'info', message: `tick ${i}` })
          await new Promise((r) => setTimeout(r, 400))
        }
        return { ok: true }
      },
      cancel: () => undefined
    }
    const other = await startServer({ client: slow as never, staticDir, limits: { requestTimeoutMs: 500, headersTimeoutMs: 500 } })
    try {
      const res = await request(other.port, {
        path: '/api/ops/app.info',
        method: 'POST',
        headers: { Host: `127.0.0.1:${other.port}`, Authorization: `Bearer ${other.token}`, 'Content-Type': 'application/json' },
        body: '{}'
      })
      expect(res.status).toBe(200)
      expect(res.body).toMatch(/tick 3[\s\S]*event: result/)
    } finally {
      await other.close()
    }
  })

  it('answers 503 past the in-flight bound instead of queueing without end', async () => {
    const head = `POST /api/ops/app.info HTTP/1.1\r\nHost: ${host()}\r\nAuthorization: Bearer ${server.token}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n`
    const holders = Array.from({ length: 8 }, () => trickle(server.port, head, 10, 100))
    await new Promise((r) => setTimeout(r, 150))
    const refused = await request(server.port, { path: '/', headers: { Host: host(), Cookie: `mia_token=${server.token}` } })
    expect(refused.status).toBe(503)
    await Promise.all(holders)
    await stillServes()
  })

  it('survives a seeded fuzz of request lines, headers, paths and bodies (loopback, 150 requests)', async () => {
    const rng = createRng(16)
    const pick = <T>(xs: readonly T[]): T => xs[rng.int(xs.length)]
    const methods = ['GET', 'POST', 'HEAD', 'PUT', 'OPTIONS', 'DELETE', 'CONNECT', 'TRACE', 'G\u00e9T', '', 'GET GET']
    const targets = [
      'http://[',
      'http://[::1',
      'http://%',
      'https://evil.example/',
      '*',
      '//',
      '/../../etc/passwd',
      '/%2e%2e/%2e%2e/',
      '/%E0%A4%A',
      '/%',
      '/%00',
      '/?token=%',
      `/?token=${'f'.repeat(64)}`,
      '/api/',
      '/api/ops/',
      '/api/ops/app.info',
      '/api/ops/../ops/app.info',
      '/api/ops/x'.repeat(50),
      '/api/cancel/%',
      '/api/cancel/abc',
      '/api/ops/experiments.get',
      '/api/ops/datasets.validate',
      '/assets/' + 'a'.repeat(5000),
      '/\u00ff\u00fe',
      'index.html',
      '/index.html#x'
    ]
    const versions = ['HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/9', '', 'http/1.1']
    const hosts = [host(), `localhost:${server.port}`, `[::1]:${server.port}`, 'evil.example', '', `${host()}\u0000`, `127.0.0.1:${server.port}:1`, 'a'.repeat(300)]
    const origins = [undefined, 'null', 'http://[', `https://${host()}`, `ftp://${host()}`, `http://${host()}`, `http://${host()}/x`, 'javascript:1', '%']
    const bodies = ['', '{}', '{', 'null', '[]', '"x"', '{"id":"%"}', '{"dataset":"/dev/zero"}', '{"__proto__":{"x":1}}', '\u0000\u0001', '{"a":' + '['.repeat(5000)]
    const auths = [`Bearer ${server.token}`, 'Bearer ', 'Basic x', `Bearer ${server.token}x`, undefined]
    for (let i = 0; i < 150; i++) {
      const body = pick(bodies)
      const headers: string[] = []
      const h = pick(hosts)
      if (h) headers.push(`Host: ${h}`)
      const origin = pick(origins)
      if (origin !== undefined) headers.push(`Origin: ${origin}`)
      const auth = pick(auths)
      if (auth !== undefined) headers.push(`Authorization: ${auth}`)
      if (rng.next() < 0.7) headers.push(`Content-Type: ${pick(['application/json', 'text/plain', 'application/json; charset=\u0000', ''])}`)
      const lengthKind = rng.int(4)
      if (lengthKind === 0) headers.push(`Content-Length: ${Buffer.byteLength(body)}`)
      else if (lengthKind === 1) headers.push(`Content-Length: ${pick(['-1', 'abc', '99999999999999999999', `${Buffer.byteLength(body) + 5}`])}`)
      else if (lengthKind === 2) headers.push('Transfer-Encoding: chunked')
      if (rng.next() < 0.8) headers.push('Connection: close')
      if (rng.next() < 0.1) headers.push(`Cookie: mia_token=${pick([server.token, '%', 'zz'])}`)
      if (rng.next() < 0.05) headers.push(`X-Big: ${'b'.repeat(20_000)}`)
      const line = `${pick(methods)} ${pick(targets)} ${pick(versions)}`
      const bytes = `${line}\r\n${headers.join('\r\n')}\r\n\r\n${lengthKind === 2 ? pick(['zz\r\nxx\r\n0\r\n\r\n', `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`, '']) : body}`
      const res = await sendRaw(server.port, Buffer.from(bytes, 'latin1'), 1500)
      if (res.status !== null) expect(res.status, `${i}: ${line}`).not.toBe(500)
      await stillServes()
    }
  })
})

/** Send `head`, then `bytes` one byte every `everyMs`; resolves when the server closes the socket (or the trickle ends). */
function trickle(port: number, head: string, bytes: number, everyMs: number): Promise<{ closed: boolean }> {
  return new Promise((resolve) => {
    void import('node:net').then(({ default: net }) => {
      const socket = net.connect({ host: '127.0.0.1', port })
      let sent = 0
      const timer = setInterval(() => {
        if (sent++ >= bytes) return done(false)
        socket.write('x')
      }, everyMs)
      const done = (closed: boolean): void => {
        clearInterval(timer)
        socket.destroy()
        resolve({ closed })
      }
      socket.on('close', () => done(true))
      socket.on('error', () => done(true))
      socket.write(head)
    })
  })
}
