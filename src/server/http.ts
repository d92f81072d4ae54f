// Browser mode: a loopback HTTP server with a session token, serving the renderer and the API.
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { WorkbenchError } from '../shared/contract/errors'
import { CONTENT_SECURITY_POLICY } from '../shared/csp'
import type { EngineClient } from '../main/host/client'
import { bareHost, createGuard, isLoopbackHost, newToken, urlHost } from './guard'
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
  limits?: Partial<ServerLimits>
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

/** A request path decoded, or null when its percent-encoding is malformed (`/%E0%A4%A`). */
function decodePath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname)
  } catch {
    return null
  }
}

function serveStatic(staticDir: string, pathname: string, res: http.ServerResponse, setCookie: string | null): void {
  const decoded = pathname === '/' ? '/index.html' : decodePath(pathname)
  if (decoded === null || decoded.includes('\0')) return sendError(res, 400, 'invalid-input', 'Malformed path.')
  const root = path.resolve(staticDir)
  const file = path.resolve(root, decoded.replace(/^\/+/, ''))
  // Only regular files under the renderer folder; no listing, no traversal, no device or FIFO behind a link.
  const stat = file.startsWith(root + path.sep) ? fs.statSync(file, { throwIfNoEntry: false }) : undefined
  if (!stat?.isFile()) return sendError(res, 404, 'not-found', 'Not found.')
  const headers: Record<string, string> = {
    'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store'
  }
  if (setCookie) headers['Set-Cookie'] = setCookie
  const stream = fs.createReadStream(file)
  stream.on('error', () => sendError(res, 500, 'internal', 'Internal error.'))
  stream.once('open', () => {
    res.writeHead(200, headers)
    stream.pipe(res)
  })
}

/** Bounds on what one client can hold open; defaults suit one person's browser. */
export interface ServerLimits {
  /** Time to receive a request's headers. */
  headersTimeoutMs: number
  /** Time to receive a whole request, body included (responses, e.g. a long operation's event stream, are not bounded). */
  requestTimeoutMs: number
  /** Requests handled at once; more are answered 503 at once. */
  maxInFlight: number
}

export const DEFAULT_SERVER_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxInFlight: 64 }

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void

/** Counts requests in flight and turns any exception a handler throws into an answer, so no request can stop the server. */
function contained(limits: ServerLimits, handle: Handler): Handler {
  let inFlight = 0
  return (req, res) => {
    if (inFlight >= limits.maxInFlight) {
      res.setHeader('Connection', 'close')
      res.setHeader('Retry-After', '1')
      return sendError(res, 503, 'forbidden', `Busy: ${limits.maxInFlight} requests already in flight.`)
    }
    inFlight++
    res.once('close', () => inFlight--)
    try {
      handle(req, res)
    } catch {
      sendError(res, 400, 'invalid-input', 'Malformed request.')
    }
  }
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
  const limits = { ...DEFAULT_SERVER_LIMITS, ...options.limits }
  let guard = createGuard(host, options.port ?? 0, token)
  const handle: Handler = (req, res) => {
    // Absolute-form request lines (`GET http://[ HTTP/1.1`) make URL throw; `contained` answers 400.
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
  }
  const server = http.createServer(
    {
      requestTimeout: limits.requestTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      // How often Node looks for requests past those timeouts (its default, 30 s, would outlast short test limits).
      connectionsCheckingInterval: Math.max(50, Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)
    },
    contained(limits, handle)
  )
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, bareHost(host), () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  guard = createGuard(host, port, token)
  const url = `http://${urlHost(host)}:${port}/`
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
