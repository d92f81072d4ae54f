// The root check on real paths: a symlink inside the dataset folder that points outside it escapes like `../x.png`.
import { placementJudge } from './safe-read'
import type { DatasetIssue, DatasetRecord } from './types'

/**
 * Judge every record's image by its real path (symlinks resolved) against the real dataset root. A lexically inside
 * path whose target lies outside is marked `escapesRoot` with the same warning as `../x.png` (so thumbnails, previews
 * and browser-mode runs treat both alike); a symlink loop is an error naming the item, not a silent drop (issue 16).
 */
export async function* withRealPaths(root: string, records: AsyncIterable<DatasetRecord>): AsyncGenerator<DatasetRecord> {
  const placement = placementJudge(root)
  for await (const record of records) {
    const item = record.item
    if (!item || !item.imagePath || item.vectors) {
      yield record
      continue
    }
    const where = placement(item.imagePath)
    const at = { itemId: item.id, ...(item.line === undefined ? {} : { line: item.line }) }
    if (where === 'loop') {
      const issue: DatasetIssue = {
        ...at,
        severity: 'error',
        code: 'symlink-loop',
        message: `${item.imagePath} is a symbolic link loop; it points back at itself and names no file.`,
        hint: 'Replace the link with the image file, or point it at one.'
      }
      yield { ...record, issues: [...record.issues, issue] }
    } else if (where === 'outside' && !item.escapesRoot) {
      const issue: DatasetIssue = {
        ...at,
        severity: 'warning',
        code: 'path-escapes-root',
        message: `${item.imagePath} is a symbolic link to a file outside the dataset folder ${root}.`,
        hint: 'Allowed for local runs; browser mode will not serve this image. Copy the file into the dataset folder to share the dataset.'
      }
      yield { ...record, item: { ...item, escapesRoot: true }, issues: [...record.issues, issue] }
    } else yield record
  }
}
