// Browser-mode access checks: loopback binding, session token, Host and Origin (DNS rebinding) checks.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

/** An address as written by the user, without the brackets an IPv6 literal carries in URLs (`[::1]` → `::1`). */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
}

/** The host as it appears in a URL and a Host header: IPv6 literals bracketed, names lower-cased. */
export function urlHost(host: string): string {
  const bare = bareHost(host).toLowerCase()
  return bare.includes(':') ? `[${bare}]` : bare
}

/** True when `host` names a loopback interface (bracketed IPv6 accepted). */
export function isLoopbackHost(host: string): boolean {
  const bare = bareHost(host).toLowerCase()
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare)
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
  /** Host header values accepted (host:port forms, lower case). */
  allowedHosts: Set<string>
  check(req: IncomingMessage, needsToken: boolean): string | null
  tokenMatches(candidate: string | null): boolean
}

/**
 * Host names a request to a server bound at `host` may carry: the bound address itself (so the printed URL
 * always works, e.g. 127.0.0.2 or [::1]) plus, for loopback binds, the usual loopback names.
 */
function hostNames(host: string): string[] {
  const own = urlHost(host)
  return isLoopbackHost(host) ? [...new Set([own, '127.0.0.1', 'localhost', '[::1]'])] : [own]
}

/** Build the guard for a server bound at `host:port`. */
export function createGuard(host: string, port: number, token: string): Guard {
  const names = hostNames(host)
  // Browsers omit the default port from Host and Origin.
  const allowedHosts = new Set(names.flatMap((n) => (port === 80 ? [`${n}:80`, n] : [`${n}:${port}`])))
  const tokenMatches = (candidate: string | null): boolean => candidate !== null && sameToken(candidate, token)
  return {
    token,
    allowedHosts,
    tokenMatches,
    check(req, needsToken) {
      // DNS rebinding: a page on evil.example resolving to 127.0.0.1 still sends Host: evil.example.
      if (!req.headers.host || !allowedHosts.has(req.headers.host.toLowerCase())) return 'unexpected Host header'
      const origin = req.headers.origin
      if (origin === 'null') return 'opaque origin'
      if (origin !== undefined) {
        let parsed: URL
        try {
          parsed = new URL(origin)
        } catch {
          return 'malformed Origin header'
        }
        // Scheme too: the server speaks plain http only, so an https:// or ftp:// origin is some other site.
        if (parsed.protocol !== 'http:' || !allowedHosts.has(parsed.host) || origin.toLowerCase().replace(/\/$/, '') !== parsed.origin) return 'cross-origin request'
      }
      if (needsToken && !tokenMatches(presentedToken(req))) return 'missing or wrong session token'
      return null
    }
  }
}
