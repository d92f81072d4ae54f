// Browser-mode server: loopback only by default, token, Host/Origin checks, body limits, static confinement.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startServer, type RunningServer } from '../../src/server/http'
import { CONTENT_SECURITY_POLICY } from '../../src/shared/csp'
import { inProcessClient, tempDir, testConfig } from '../helpers/workspace'
import { request } from './raw-client'

const ws = tempDir()
let server: RunningServer
let close: () => Promise<void>
let client: Awaited<ReturnType<typeof inProcessClient>>['client']

/** Raw request so Host and Origin can be forged (fetch forbids setting Host). */
const raw = (options: { path: string; method?: string; headers?: Record<string, string>; body?: string }) => request(server.port, options)

/** GET a URL (its path and query) from the address it names, with the given headers. */
function rawTo(url: URL, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port, path: url.pathname + url.search, headers }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers }))
    })
    req.on('error', reject)
    req.end()
  })
}

beforeAll(async () => {
  const staticDir = path.join(ws.dir, 'static')
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true })
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>workbench</title>')
  fs.writeFileSync(path.join(ws.dir, 'secret.txt'), 'secret')
  ;({ client, close } = await inProcessClient(testConfig(ws.dir)))
  server = await startServer({ client, staticDir })
})

afterAll(async () => {
  await server.close()
  await close()
  ws.cleanup()
})

const host = (): string => `127.0.0.1:${server.port}`
const api = (headers: Record<string, string> = {}, body = '{}') => raw({ path: '/api/ops/app.info', method: 'POST', headers: { Host: host(), 'Content-Type': 'application/json', ...headers }, body })

describe('browser-mode server', () => {
  it('refuses to bind a non-loopback address unless explicitly allowed', async () => {
    await expect(startServer({ client, staticDir: ws.dir, host: '0.0.0.0' })).rejects.toMatchObject({ code: 'forbidden' })
  })

  it('serves the API only with the session token', async () => {
    expect((await api()).status).toBe(403)
    expect((await api({ Authorization: 'Bearer deadbeef' })).status).toBe(403)
    const ok = await api({ Authorization: `Bearer ${server.token}` })
    expect(ok.status).toBe(200)
    expect(ok.body).toMatch(/event: result/)
  })

  it('sets an HttpOnly SameSite cookie when the page is opened with the token, and accepts it', async () => {
    const page = await raw({ path: `/?token=${server.token}`, headers: { Host: host() } })
    expect(page.status).toBe(200)
    expect(page.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict/)
    expect(page.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY)
    expect(page.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/)
    expect((await raw({ path: '/', headers: { Host: host() } })).status).toBe(403)
    expect((await api({ Cookie: `mia_token=${server.token}` })).status).toBe(200)
  })

  it('rejects a foreign Host header (DNS rebinding) and cross-origin requests', async () => {
    expect((await api({ Host: `evil.example:${server.port}`, Authorization: `Bearer ${server.token}` })).status).toBe(403)
    expect((await api({ Origin: 'http://evil.example', Authorization: `Bearer ${server.token}` })).status).toBe(403)
    expect((await api({ Origin: `http://localhost:${server.port}`, Authorization: `Bearer ${server.token}` })).status).toBe(200)
  })

  it('compares the Origin scheme too, not only host:port', async () => {
    for (const scheme of ['https', 'ftp', 'ws']) {
      const res = await api({ Origin: `${scheme}://127.0.0.1:${server.port}`, Authorization: `Bearer ${server.token}` })
      expect(res.status, scheme).toBe(403)
      expect(JSON.parse(res.body).message).toBe('Forbidden: cross-origin request.')
    }
    expect((await api({ Origin: `http://127.0.0.1:${server.port}/path`, Authorization: `Bearer ${server.token}` })).status).toBe(403)
  })

  it('prints a URL that works for any loopback address, bracketed IPv6 included', async () => {
    for (const bind of ['127.0.0.2', '[::1]', '::1']) {
      const other = await startServer({ client, staticDir: path.join(ws.dir, 'static'), host: bind })
      try {
        const url = new URL(other.urlWithToken)
        const page = await rawTo(url, { Host: url.host })
        expect(page.status, bind).toBe(200)
        expect(page.headers['set-cookie']?.[0]).toMatch(/mia_token=/)
      } finally {
        await other.close()
      }
    }
  })

  it('limits request bodies and requires JSON', async () => {
    const big = JSON.stringify({ x: 'a'.repeat(1024 * 1024 + 10) })
    const res = await api({ Authorization: `Bearer ${server.token}` }, big)
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body)).toMatchObject({ code: 'invalid-input', message: expect.stringMatching(/^Request body over \d+ bytes\.$/) })
    const form = await api({ Authorization: `Bearer ${server.token}`, 'Content-Type': 'text/plain' })
    expect(form.status).toBe(400)
    expect(JSON.parse(form.body)).toMatchObject({ code: 'invalid-input', message: 'Requests must be application/json.' })
    const garbled = await api({ Authorization: `Bearer ${server.token}` }, '{"unterminated": ')
    expect(garbled.status).toBe(400)
    expect(JSON.parse(garbled.body)).toMatchObject({ code: 'invalid-input', message: 'Request body is not valid JSON.' })
  })

  it('never serves files outside the renderer folder and lists no directories', async () => {
    const cookie = { Host: host(), Cookie: `mia_token=${server.token}` }
    expect((await raw({ path: '/../secret.txt', headers: cookie })).status).toBe(404)
    expect((await raw({ path: '/%2e%2e/secret.txt', headers: cookie })).status).toBe(404)
    expect((await raw({ path: '/assets/', headers: cookie })).status).toBe(404)
  })
})
