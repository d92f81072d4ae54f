// Browser mode: a loopback HTTP server with a session token, serving the renderer and the API.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { WorkbenchError } from '../shared/contract/errors'
import { CONTENT_SECURITY_POLICY } from '../shared/csp'
import type { EngineClient } from '../main/host/client'
import { createGuard, isLoopbackHost, newToken } from './guard'
import { handleApi, sendError } from './routes'

/** Options of `mia serve`. */
export interface ServeOptions {
  client: EngineClient
  /** Built renderer (index.html + assets). */
  staticDir: string
  host?: string
  port?: number
  /** Bind a non-loopback address; off unless the user asks explicitly. */
  allowRemote?: boolean
  token?: string
}

/** A running server. */
export interface RunningServer {
  url: string
  /** URL with the session token; the only way in. */
  urlWithToken: string
  token: string
  port: number
  close(): Promise<void>
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.ico': 'image/x-icon'
}

function serveStatic(staticDir: string, pathname: string, res: http.ServerResponse, setCookie: string | null): void {
  const rel = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '')
  const file = path.resolve(staticDir, rel)
  // Only files under the renderer folder; no listing, no traversal.
  if (!file.startsWith(path.resolve(staticDir) + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
    return sendError(res, 404, 'not-found', 'Not found.')
  }
  const headers: Record<string, string> = {
    'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store'
  }
  if (setCookie) headers['Set-Cookie'] = setCookie
  res.writeHead(200, headers)
  fs.createReadStream(file).pipe(res)
}

/** Start browser mode. Refuses non-loopback hosts unless `allowRemote`. */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  if (!isLoopbackHost(host) && !options.allowRemote) {
    throw new WorkbenchError({
      code: 'forbidden',
      message: `Refusing to bind ${host}: browser mode listens on loopback only.`,
      hint: 'Use an SSH tunnel to reach a remote server, or pass --allow-remote if you accept that anyone on that network who learns the token can use this workbench.'
    })
  }
  if (!fs.existsSync(path.join(options.staticDir, 'index.html'))) {
    throw new WorkbenchError({ code: 'not-found', message: `The renderer is not built (${options.staticDir}/index.html missing).`, hint: 'Run `npm run build` (or `npm run setup`).' })
  }
  const token = options.token ?? newToken()
  let guard = createGuard(host, options.port ?? 0, token)
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const isApi = url.pathname.startsWith('/api/')
    const queryToken = url.searchParams.get('token')
    const reason = guard.check(req, isApi || !guard.tokenMatches(queryToken))
    if (reason) return sendError(res, 403, 'forbidden', `Forbidden: ${reason}.`)
    if (isApi) {
      handleApi(options.client, req, res, url.pathname)
        .then((handled) => {
          if (!handled) sendError(res, 404, 'not-found', 'Not found.')
        })
        .catch(() => sendError(res, 500, 'internal', 'Internal error.'))
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'invalid-input', 'Use GET.')
    const cookie = guard.tokenMatches(queryToken) ? `mia_token=${token}; HttpOnly; SameSite=Strict; Path=/` : null
    serveStatic(options.staticDir, url.pathname, res, cookie)
  })
  server.requestTimeout = 0 // long operations stream for as long as they run
  server.headersTimeout = 10_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  guard = createGuard(host, port, token)
  const shownHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${shownHost}:${port}/`
  return {
    url,
    urlWithToken: `${url}?token=${token}`,
    token,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  }
}
