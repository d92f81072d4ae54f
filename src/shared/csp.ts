// The renderer's Content-Security-Policy, defined once: the Electron window (src/main/electron/window.ts), browser mode
// (src/server/http.ts) and the <meta> tag the build writes into src/renderer/index.html (electron.vite.config.ts).

/** No remote content, no inline or eval'd script, no plugins, no framing; inline styles for ECharts and Vue bindings. */
const DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data: blob:"],
  ['connect-src', "'self'"],
  ['font-src', "'self' data:"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['frame-ancestors', "'none'"]
]

/** Directives a <meta> policy may not carry (browsers ignore them there and warn); only a response header sets them. */
const HEADER_ONLY = new Set(['frame-ancestors'])

const serialise = (directives: ReadonlyArray<readonly [string, string]>): string => directives.map(([name, value]) => `${name} ${value}`).join('; ')

/** The policy as a Content-Security-Policy response header. */
export const CONTENT_SECURITY_POLICY = serialise(DIRECTIVES)

/** The same policy for a <meta http-equiv> tag: every directive a meta tag can carry. */
export const META_CONTENT_SECURITY_POLICY = serialise(DIRECTIVES.filter(([name]) => !HEADER_ONLY.has(name)))
