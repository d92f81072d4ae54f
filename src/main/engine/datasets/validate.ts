// validateDataset: streams every record, checks files, images and captions, and returns a per-item report.
import { throttleProgress } from '../../../shared/contract/events'
import type { ProgressEvent } from '../../../shared/contract/events'
import { throwIfAborted, toErrorData } from '../../../shared/contract/errors'
import { sha256Bytes } from './hash'
import { checkImageBytes } from './image-check'
import { imageLabel, imageRef, readItemImage } from './image-source'
import { MEMBERSHIPS, ROLES } from './types'
import type { Dataset, DatasetInfo, DatasetIssue, DatasetRecord, IssueCode, Item, Membership, Role } from './types'

/** How to validate; every field is optional. */
export interface ValidateOptions {
  /** Throws when the bytes are not a usable image; default: sharp header + pixel cap + thumbnail decode. */
  checkImage?: (bytes: Buffer, item: Item) => Promise<void>
  /** Token count of a caption (the model's tokenizer); enables the context-length check. */
  captionTokenCount?: (caption: string) => number
  /** Tokens the text tower reads (CLIP: 77). */
  contextLength?: number
  /** Without a token counter, captions longer than this many characters are warned about. */
  maxCaptionChars?: number
  /** Images read and checked at once. */
  concurrency?: number
  /** Issues kept in the report; the counts by code always cover all of them. */
  maxIssues?: number
  signal?: AbortSignal
  /** Throttled progress (phase `validating`, unit `items`), monotonic, ends with done === total. */
  onProgress?: (event: ProgressEvent) => void
}

/** The validation report of one dataset. */
export interface ValidationReport {
  dataset: DatasetInfo
  /** Records read (manifest rows or image files). */
  total: number
  /** Items a run will use: no error issue. */
  usable: number
  /** Records a run will skip: at least one error issue. */
  skipped: number
  /** Usable items by membership × role. */
  counts: Record<Membership, Record<Role, number>>
  /** Number of issues by code (all of them, even past `maxIssues`). */
  issueCounts: Partial<Record<IssueCode, number>>
  issues: DatasetIssue[]
  issuesTruncated: boolean
  /** Groups of items whose image files have identical bytes. */
  duplicateContent: Array<{ sha256: string; itemIds: string[] }>
  /** Items whose image lies outside the dataset folder. */
  escapingPaths: number
  bytesRead: number
  durationMs: number
}

/** Default `contextLength`: CLIP's text context. */
export const DEFAULT_CONTEXT_LENGTH = 77
/** Default `maxCaptionChars`: roughly 77 CLIP tokens of English text. */
export const DEFAULT_MAX_CAPTION_CHARS = 400

interface Checked {
  record: DatasetRecord
  issues: DatasetIssue[]
  sha256?: string
  bytes: number
}

type Fail = (code: IssueCode, message: string, hint: string) => DatasetIssue

function failFor(item: Item, severity: DatasetIssue['severity']): Fail {
  return (code, message, hint) => ({ itemId: item.id, ...(item.line === undefined ? {} : { line: item.line }), severity, code, message, hint })
}

/** Missing, non-file, unreadable, empty and undecodable images. */
async function checkFile(item: Item, check: NonNullable<ValidateOptions['checkImage']>): Promise<Omit<Checked, 'record'>> {
  const fail = failFor(item, 'error')
  const bytes = await readItemImage(item).catch((err: NodeJS.ErrnoException) => err)
  const label = imageLabel(item)
  if (bytes instanceof Error) {
    if (bytes.code === 'ENOENT' || bytes.code === 'ENOTDIR')
      return { issues: [fail('missing-file', `${label} does not exist.`, 'Fix the image path (relative to the manifest) or add the file.')], bytes: 0 }
    if (bytes.code === 'EISDIR') return { issues: [fail('not-a-file', `${label} is a folder, not a file.`, 'Point the image path at an image file.')], bytes: 0 }
    if (bytes.code === 'ENOTREG') return { issues: [fail('not-a-file', bytes.message, 'Point the image path at an image file; FIFOs, devices and sockets are never read.')], bytes: 0 }
    if (bytes.code === 'EFBIG') return { issues: [fail('unreadable-file', bytes.message, 'Downscale or re-encode the image.')], bytes: 0 }
    if (bytes.code === 'ELOOP') return { issues: [fail('symlink-loop', bytes.message, 'Replace the link with the image file, or point it at one.')], bytes: 0 }
    return { issues: [fail('unreadable-file', `${label} cannot be read (${bytes.code ?? bytes.message}).`, 'Check the file permissions.')], bytes: 0 }
  }
  if (bytes.length === 0) return { issues: [fail('zero-byte-file', `${label} is empty (0 bytes).`, 'Re-copy or re-download the image; the transfer probably failed.')], bytes: 0 }
  const sha256 = sha256Bytes(bytes)
  try {
    await check(bytes, item)
  } catch (err) {
    const data = toErrorData(err)
    return { issues: [fail('corrupt-image', data.message, data.hint ?? 'Re-export or re-download the image.')], sha256, bytes: bytes.length }
  }
  return { issues: [], sha256, bytes: bytes.length }
}

/** Empty, over-long and mis-decoded captions: warnings, the item is still used. */
function checkCaption(item: Item, options: ValidateOptions): DatasetIssue[] {
  const warn = failFor(item, 'warning')
  const issues: DatasetIssue[] = []
  const caption = item.caption
  if (caption.trim() === '')
    issues.push(warn('empty-caption', `Item ${item.id} has an empty caption.`, 'Text-based scores for this item will use an empty prompt; add a caption if the model was trained with one.'))
  if (caption.includes('\uFFFD')) {
    issues.push(warn('caption-not-utf8', `The caption of ${item.id} contains U+FFFD replacement characters: its bytes were not valid UTF-8.`, 'Re-save the manifest or caption file as UTF-8.'))
  }
  const context = options.contextLength ?? DEFAULT_CONTEXT_LENGTH
  if (options.captionTokenCount) {
    const tokens = options.captionTokenCount(caption)
    if (tokens > context) issues.push(warn('caption-too-long', `The caption of ${item.id} has ${tokens} tokens; the model reads only the first ${context}.`, 'Shorten the caption if its end matters.'))
  } else if (caption.length > (options.maxCaptionChars ?? DEFAULT_MAX_CAPTION_CHARS)) {
    issues.push(
      warn(
        'caption-too-long',
        `The caption of ${item.id} has ${caption.length} characters, likely more than the model's ${context}-token context.`,
        'Shorten the caption if its end matters; text beyond the context is truncated.'
      )
    )
  }
  return issues
}

async function checkRecord(record: DatasetRecord, options: ValidateOptions, check: NonNullable<ValidateOptions['checkImage']>): Promise<Checked> {
  if (!record.item) return { record, issues: record.issues, bytes: 0 }
  // Embedding-only items have no image, and their caption was embedded already: the reader's checks are all there is.
  if (record.item.vectors) return { record, issues: record.issues, bytes: 0 }
  // The reader already ruled the item out (e.g. a symlink loop): reading the file would only say it again.
  if (record.issues.some((i) => i.severity === 'error')) return { record, issues: [...record.issues, ...checkCaption(record.item, options)], bytes: 0 }
  const file = await checkFile(record.item, check)
  return { record, ...file, issues: [...record.issues, ...file.issues, ...checkCaption(record.item, options)] }
}

/** A record that stands for a manifest row, image file or annotation, not a side warning (unused label, ignored COCO image entry). */
function isEntry(record: DatasetRecord): boolean {
  return record.item !== undefined || record.issues.some((i) => i.severity === 'error')
}

function emptyCounts(): Record<Membership, Record<Role, number>> {
  const counts = {} as Record<Membership, Record<Role, number>>
  for (const m of MEMBERSHIPS) counts[m] = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>
  return counts
}

/** Accumulates results in dataset order; memory grows only by an id and a hash per image. */
class ReportBuilder {
  readonly report: ValidationReport
  private readonly firstByHash = new Map<string, { id: string; membership: Membership; imagePath: string }>()
  private readonly groups = new Map<string, string[]>()

  constructor(
    dataset: DatasetInfo,
    private readonly maxIssues: number
  ) {
    this.report = {
      dataset,
      total: 0,
      usable: 0,
      skipped: 0,
      counts: emptyCounts(),
      issueCounts: {},
      issues: [],
      issuesTruncated: false,
      duplicateContent: [],
      escapingPaths: 0,
      bytesRead: 0,
      durationMs: 0
    }
  }

  add(checked: Checked): void {
    const r = this.report
    const item = checked.record.item
    const issues = checked.issues
    if (item && checked.sha256) issues.push(...this.duplicate(item, checked.sha256))
    if (isEntry(checked.record)) r.total++
    r.bytesRead += checked.bytes
    for (const issue of issues) {
      r.issueCounts[issue.code] = (r.issueCounts[issue.code] ?? 0) + 1
      if (r.issues.length < this.maxIssues) r.issues.push(issue)
      else r.issuesTruncated = true
    }
    if (issues.some((i) => i.severity === 'error')) r.skipped++
    else if (item) {
      r.usable++
      r.counts[item.membership][item.role]++
    }
    if (item?.escapesRoot) r.escapingPaths++
  }

  private duplicate(item: Item, sha256: string): DatasetIssue[] {
    const first = this.firstByHash.get(sha256)
    if (!first) {
      this.firstByHash.set(sha256, { id: item.id, membership: item.membership, imagePath: imageRef(item) })
      return []
    }
    // One file with several captions (COCO: ~5 per image) is by design, not a duplicate, unless its labels disagree.
    if (first.imagePath === imageRef(item) && first.membership === item.membership) return []
    const group = this.groups.get(sha256) ?? [first.id]
    group.push(item.id)
    this.groups.set(sha256, group)
    const conflict = first.membership !== item.membership ? ` It is labelled ${item.membership} here and ${first.membership} there, so one label is wrong.` : ''
    return [
      failFor(item, 'warning')(
        'duplicate-content',
        `The image of ${item.id} has the same bytes as the image of ${first.id}.${conflict}`,
        'Remove duplicates: the same image as member and non-member makes the attack look worse, twice as member makes it look better.'
      )
    ]
  }

  finish(started: number): ValidationReport {
    this.report.duplicateContent = [...this.groups].map(([sha256, itemIds]) => ({ sha256, itemIds }))
    this.report.durationMs = Math.round(performance.now() - started)
    return this.report
  }
}

/**
 * Validate a dataset before any run: counts by membership × role, missing/zero-byte/unreadable/
 * corrupt images, duplicate ids and image content, empty, over-long and non-UTF-8 captions.
 * Errors mark items runs will skip; warnings do not. Images are checked `concurrency` at a time and
 * results are applied in dataset order, so the report is deterministic.
 */
export async function validateDataset(dataset: Dataset, options: ValidateOptions = {}): Promise<ValidationReport> {
  const started = performance.now()
  const { signal } = options
  const check = options.checkImage ?? ((bytes: Buffer, item: Item) => checkImageBytes(bytes, item))
  const total = await dataset.count({ signal })
  const builder = new ReportBuilder(dataset.info, options.maxIssues ?? 10_000)
  const progress = options.onProgress ? throttleProgress((e) => options.onProgress!(e as ProgressEvent), 100) : undefined
  let done = 0
  const emit = (): void => {
    const seconds = (performance.now() - started) / 1000
    const rate = seconds > 0 ? done / seconds : 0
    const all = Math.max(total, done)
    progress?.({ type: 'progress', phase: 'validating', done, total: all, unit: 'items', rate, ...(rate > 0 ? { etaSeconds: (all - done) / rate } : {}) })
  }
  emit()
  const window: Array<Promise<Checked>> = []
  const take = async (): Promise<void> => {
    const checked = await window.shift()!
    throwIfAborted(signal)
    builder.add(checked)
    if (isEntry(checked.record)) done++
    emit()
  }
  for await (const record of dataset.records({ signal })) {
    const pending = checkRecord(record, options, check)
    pending.catch(() => undefined)
    window.push(pending)
    if (window.length >= (options.concurrency ?? 4)) await take()
  }
  while (window.length > 0) await take()
  done = Math.max(done, total)
  emit()
  return builder.finish(started)
}
