// Machine-state notices said once: a provider fallback sentence is printed the first time this workspace sees it
// (and always by `mia info`), then shortened on every later run until the machine's state changes (issue 22).
import fs from 'node:fs'
import path from 'node:path'

/** File in the workspace folder holding the sentences already shown. */
export const NOTICES_FILE = 'cli-notices.json'

/** Sentences already shown for this workspace (none when the file is missing or unreadable). */
export function shownNotices(workspaceDir: string): Set<string> {
  try {
    const data = JSON.parse(fs.readFileSync(path.join(workspaceDir, NOTICES_FILE), 'utf8')) as { shown?: unknown }
    return new Set(Array.isArray(data.shown) ? data.shown.filter((s): s is string => typeof s === 'string') : [])
  } catch {
    return new Set()
  }
}

/** Remember `sentences` as shown; a read-only workspace only means they are shown again next time. */
export function rememberNotices(workspaceDir: string, sentences: readonly string[]): void {
  const all = [...new Set([...shownNotices(workspaceDir), ...sentences])].slice(-50)
  try {
    fs.mkdirSync(workspaceDir, { recursive: true })
    fs.writeFileSync(path.join(workspaceDir, NOTICES_FILE), JSON.stringify({ shown: all }, null, 2) + '\n')
  } catch {
    // Not worth failing a command over.
  }
}

/** `message` with every already-shown sentence replaced by a pointer to `mia info`. */
export function shortenNotices(message: string, shown: ReadonlySet<string>): string {
  let out = message
  for (const s of shown) if (s && out.includes(s)) out = out.replace(s, 'see `mia info` for why')
  return out
}
