// One Content-Security-Policy: the header (Electron window, browser mode) forbids framing; the built page's <meta> carries the rest.
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../../src/main/engine'
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from '../../src/shared/csp'

const directives = (policy: string): Map<string, string> => new Map(policy.split('; ').map((d) => [d.split(' ')[0], d.slice(d.indexOf(' ') + 1)] as [string, string]))

describe('Content-Security-Policy', () => {
  it('is strict in the header: self only, no plugins, no base or form targets, no framing', () => {
    const header = directives(CONTENT_SECURITY_POLICY)
    expect(header.get('default-src')).toBe("'self'")
    expect(header.get('script-src')).toBe("'self'")
    expect(header.get('object-src')).toBe("'none'")
    expect(header.get('base-uri')).toBe("'none'")
    expect(header.get('form-action')).toBe("'none'")
    expect(header.get('frame-ancestors')).toBe("'none'")
    expect([...header.values()].join(' ')).not.toMatch(/unsafe-eval|https?:|\*/)
  })

  it('puts every directive but frame-ancestors (header-only) into the meta form', () => {
    const header = directives(CONTENT_SECURITY_POLICY)
    header.delete('frame-ancestors')
    expect(directives(META_CONTENT_SECURITY_POLICY)).toEqual(header)
  })

  const built = path.join(REPO_ROOT, 'out', 'renderer', 'index.html')
  const title = 'is the policy of the built page (out/renderer/index.html)'
  it.skipIf(!fs.existsSync(built))(fs.existsSync(built) ? title : `${title} — skipped: not built; run npx electron-vite build (npm test builds first)`, () => {
    const html = fs.readFileSync(built, 'utf8')
    expect(html).toContain(`content="${META_CONTENT_SECURITY_POLICY}"`)
    expect(html).not.toContain('%MIA_META_CSP%')
  })
})
