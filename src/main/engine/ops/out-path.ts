// Where an operation may write a file the caller names: anywhere the CLI user chose, only inside the workspace in browser mode.
import fs from 'node:fs'
import path from 'node:path'
import { WorkbenchError } from '../../../shared/contract/errors'
import type { EngineConfig } from '../config'

/** Real path of `p`, resolving symlinks in the longest part of it that exists (the rest does not exist yet). */
function realPathOfPrefix(p: string): string {
  const rest: string[] = []
  let head = p
  for (;;) {
    try {
      return path.join(fs.realpathSync(head), ...rest.reverse())
    } catch {
      const parent = path.dirname(head)
      if (parent === head) return p
      rest.push(path.basename(head))
      head = parent
    }
  }
}

const inside = (root: string, p: string): boolean => p === root || p.startsWith(root + path.sep)

/**
 * The absolute path an output file goes to. In browser mode (`registeredOnly`) a page holding the token must not
 * become a writer of arbitrary files (SECURITY.md): relative names land in `<workspace>/exports`, and the real path
 * (symlinks resolved) must stay inside the workspace. Everywhere, an existing target must be a regular file.
 */
export function resolveOutPath(config: EngineConfig, out: string): string {
  const base = config.registeredOnly ? path.join(config.workspaceDir, 'exports') : process.cwd()
  const full = path.resolve(base, out)
  if (config.registeredOnly) {
    const root = realPathOfPrefix(path.resolve(config.workspaceDir))
    if (!inside(root, realPathOfPrefix(full))) {
      throw new WorkbenchError({
        code: 'forbidden',
        item: out,
        message: `${out} is outside the workspace; browser mode writes files only inside ${config.workspaceDir}.`,
        hint: "Give a file name (it goes to the workspace's exports folder), or write it with the mia CLI."
      })
    }
  }
  const st = fs.lstatSync(full, { throwIfNoEntry: false })
  if (st && !st.isFile()) {
    throw new WorkbenchError({
      code: 'invalid-input',
      item: out,
      message: `${out} exists and is not a regular file (a ${st.isDirectory() ? 'folder' : st.isSymbolicLink() ? 'symbolic link' : 'device, FIFO or socket'}); it is not overwritten.`,
      hint: 'Name a new file or an existing regular file.'
    })
  }
  fs.mkdirSync(path.dirname(full), { recursive: true })
  return full
}
