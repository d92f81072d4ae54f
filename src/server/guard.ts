// Browser-mode access checks: loopback binding, session token, Host and Origin (DNS rebinding) checks.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])

/** True when `host` names a loopback interface. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
}

/** A fresh random session token (256 bits, hex). */
export function newToken(): string {
  return randomBytes(32).toString('hex')
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** Read the token from `Authorization: Bearer …` or the session cookie. */
export function presentedToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization
  if (auth?.startsWith('Bearer ')) return auth.slice(7).trim()
  const cookie = req.headers.cookie ?? ''
  const match = /(?:^|;\s*)mia_token=([0-9a-f]+)/.exec(cookie)
  return match ? match[1] : null
}

/** Checks applied to every request; returns a reason when the request must be refused. */
export interface Guard {
  token: string
  /** Host header values accepted (host:port forms). */
  allowedHosts: Set<string>
  check(req: IncomingMessage, needsToken: boolean): string | null
  tokenMatches(candidate: string | null): boolean
}

/** Build the guard for a server bound at `host:port`. */
export function createGuard(host: string, port: number, token: string): Guard {
  const names = isLoopbackHost(host) ? ['127.0.0.1', 'localhost', '[::1]'] : [host.includes(':') ? `[${host}]` : host]
  const allowedHosts = new Set(names.map((n) => `${n}:${port}`))
  const tokenMatches = (candidate: string | null): boolean => candidate !== null && sameToken(candidate, token)
  return {
    token,
    allowedHosts,
    tokenMatches,
    check(req, needsToken) {
      // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends Host: evil.example.
      if (!req.headers.host || !allowedHosts.has(req.headers.host)) return 'unexpected Host header'
      const origin = req.headers.origin
      if (origin !== undefined && origin !== 'null') {
        try {
          if (!allowedHosts.has(new URL(origin).host)) return 'cross-origin request'
        } catch {
          return 'malformed Origin header'
        }
      } else if (origin === 'null') return 'opaque origin'
      if (needsToken && !tokenMatches(presentedToken(req))) return 'missing or wrong session token'
      return null
    }
  }
}
