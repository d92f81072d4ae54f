// Plain image-folder datasets: recursive deterministic walk, same-name .txt captions, labels.csv or subfolder membership.
import { createHash } from 'node:crypto'
import { lstat, readFile, readdir, stat } from 'node:fs/promises'
import path from 'node:path'
import { WorkbenchError, throwIfAborted } from '../../../shared/contract/errors'
import { MAX_CAPTION_BYTES } from '../limits'
import { countAsync } from './async-count'
import { sha256Text } from './hash'
import { readRegularFile } from './safe-read'
import { unusedLabels } from './label-rule'
import { LABELS_FILE } from './labels-file'
import type { Label } from './labels-file'
import { duplicateIdIssue } from './record-fields'
import type { DatasetIssue, DatasetRecord, IterateOptions, Item, Membership, Role } from './types'

/** Image file extensions a folder dataset picks up (case-insensitive). */
export const IMAGE_EXTENSIONS: readonly string[] = ['.jpg', '.jpeg', '.png', '.webp', '.gif', '.bmp', '.tif', '.tiff']

/**
 * Membership by top-level subfolder, used for images labels.csv does not list. `reference` images
 * are known non-members (attacks.md: reference non-members D_no); `pool` ones are unlabelled.
 */
const SUBFOLDER_LABELS: Record<string, { membership: Membership; role: Role }> = {
  member: { membership: 'member', role: 'target' },
  members: { membership: 'member', role: 'target' },
  nonmember: { membership: 'nonmember', role: 'target' },
  nonmembers: { membership: 'nonmember', role: 'target' },
  'non-member': { membership: 'nonmember', role: 'target' },
  reference: { membership: 'nonmember', role: 'reference' },
  pool: { membership: 'unknown', role: 'pool' }
}

/** One image file found by the walk; `rel` uses '/' on every OS. */
export interface FolderImage {
  rel: string
  abs: string
  /** Absolute path of the same-name caption file, when there is one. */
  captionPath?: string
}

/** Locale-independent string order (UTF-16 code units), the same on every machine. */
export const byCodeUnit = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/**
 * Walk `dir` depth-first, entries sorted by code unit at every level (locale-independent, so the
 * order is the same on every machine). Dot-files and dot-folders are skipped; symlinked folders
 * are not followed (no cycles). Every entry with an image extension is yielded, whatever it is: a symlink loop, a FIFO
 * or a device then becomes a per-item error when it is read, never a silent drop.
 */
export async function* walkImages(root: string, signal?: AbortSignal, dir = root): AsyncGenerator<FolderImage> {
  throwIfAborted(signal)
  const listing = await readdir(dir, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    throw new WorkbenchError(
      { code: 'bad-dataset', item: dir, message: `Cannot list the folder ${dir} (${err.code ?? err.message}).`, hint: 'Check that the folder exists and that you may read it.' },
      { cause: err }
    )
  })
  const entries = listing.filter((e) => !e.name.startsWith('.'))
  entries.sort((a, b) => byCodeUnit(a.name, b.name))
  const names = new Set(entries.map((e) => e.name))
  for (const entry of entries) {
    const abs = path.join(dir, entry.name)
    if (entry.isDirectory()) {
      yield* walkImages(root, signal, abs)
      continue
    }
    const ext = path.extname(entry.name)
    if (!IMAGE_EXTENSIONS.includes(ext.toLowerCase())) continue
    // Symlinks, FIFOs and devices with an image name are kept: reading them reports what they are (issue 16).
    const stem = entry.name.slice(0, entry.name.length - ext.length)
    const caption = [`${stem}.txt`, `${stem}.TXT`].find((n) => names.has(n))
    const rel = path.relative(root, abs).split(path.sep).join('/')
    yield caption ? { rel, abs, captionPath: path.join(dir, caption) } : { rel, abs }
  }
}

/** Item id of a folder image: its relative path without extension, '/'-separated (e.g. `member/cat01`). */
export function folderItemId(rel: string): string {
  return rel.slice(0, rel.length - path.posix.extname(rel).length)
}

/** Caption text of a .txt file: UTF-8 (bad bytes become U+FFFD), BOM dropped, surrounding whitespace trimmed; a regular file of bounded size. */
export async function readCaption(file: string): Promise<string> {
  return new TextDecoder('utf-8').decode(await readRegularFile(file, MAX_CAPTION_BYTES)).trim()
}

function labelFor(rel: string, id: string, labels: Map<string, Label> | undefined): { membership: Membership; role: Role; key?: string } {
  const key = labels?.has(id) ? id : labels?.has(rel) ? rel : undefined
  if (key !== undefined) return { ...labels!.get(key)!, key }
  return SUBFOLDER_LABELS[rel.split('/')[0].toLowerCase()] ?? { membership: 'unknown', role: 'target' }
}

async function folderRecord(image: FolderImage, labels: Map<string, Label> | undefined, used: Set<string>): Promise<DatasetRecord> {
  const id = folderItemId(image.rel)
  const label = labelFor(image.rel, id, labels)
  if (label.key !== undefined) used.add(label.key)
  const folder = path.posix.dirname(image.rel)
  const caption = image.captionPath ? await readCaption(image.captionPath).catch((err: Error) => err) : ''
  if (caption instanceof Error) {
    return {
      issues: [
        {
          itemId: id,
          severity: 'error',
          code: 'unreadable-file',
          message: `The caption file of ${image.rel} cannot be read: ${caption.message}`,
          hint: 'Make the caption a UTF-8 text file (regular file, under 1 MB), or remove it.'
        }
      ]
    }
  }
  const item: Item = {
    id,
    imagePath: image.abs,
    caption,
    membership: label.membership,
    role: label.role,
    metadata: folder === '.' ? {} : { folder },
    escapesRoot: false
  }
  const issues: DatasetIssue[] = []
  if (!image.captionPath) {
    issues.push({
      itemId: id,
      severity: 'warning',
      code: 'missing-caption',
      message: `${image.rel} has no caption file ${id}.txt next to it; its caption is empty.`,
      hint: 'Add a UTF-8 .txt file with the same name as the image.'
    })
  }
  return { item, issues }
}

/**
 * Stream a folder's records. Membership rule: a labels.csv row (matched by item id, or by the
 * relative path with extension) wins; otherwise the top-level subfolder (member, nonmember,
 * reference, pool); otherwise unknown/target. labels.csv rows matching no image are warned about.
 */
export async function* folderRecords(root: string, labels: Map<string, Label> | undefined, options: IterateOptions = {}): AsyncGenerator<DatasetRecord> {
  const seen = new Map<string, string>()
  const used = new Set<string>()
  for await (const image of walkImages(root, options.signal)) {
    const record = await folderRecord(image, labels, used)
    const id = folderItemId(image.rel)
    const first = seen.get(id)
    if (first !== undefined) {
      yield { issues: [duplicateIdIssue(id, undefined, image.rel, first)] }
      continue
    }
    seen.set(id, image.rel)
    yield record
  }
  yield* unusedLabels(labels, used, 'image in the folder', 'Use the image path relative to the folder, without extension (e.g. member/cat01), or remove the row.')
}

/** Number of images in the folder, by the same walk as `folderRecords`. */
export async function countFolder(root: string, options: IterateOptions = {}): Promise<number> {
  return countAsync(walkImages(root, options.signal), options.signal)
}

/**
 * Content hash of a folder dataset: sha256 over, in walk order, each image's relative path, byte
 * size and caption-text hash, then labels.csv's bytes. Mtimes are left out on purpose so that a
 * copied or re-checked-out folder keeps its hash.
 */
export async function folderHash(root: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  for await (const image of walkImages(root, signal)) {
    // lstat when the target cannot be stat'ed (a loop, a dangling link): the listing still hashes, the item is reported later.
    const size = (await stat(image.abs).catch(() => lstat(image.abs))).size
    const caption = image.captionPath ? await readCaption(image.captionPath).catch(() => '\0unreadable') : ''
    hash.update(`${image.rel}\0${size}\0${sha256Text(caption)}\n`)
  }
  const labels = await readFile(path.join(root, LABELS_FILE)).catch(() => undefined)
  if (labels) hash.update(labels)
  return hash.digest('hex')
}
