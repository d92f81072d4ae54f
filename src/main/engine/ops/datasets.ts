// datasets.*: list bundled and added datasets with counts, register, validate, and page through items with thumbnails.
import path from 'node:path'
import type { DatasetCounts, DatasetSummary, ItemCard, ValidationReport } from '../../../shared/contract/datasets'
import { WorkbenchError, toErrorData } from '../../../shared/contract/errors'
import type { EventSink } from '../../../shared/contract/events'
import type { OpOutput, OpParsedInput } from '../../../shared/contract/operations'
import { MEMBERSHIPS, ROLES, imageRef, openDataset, thumbnailDataUrl, validateDataset, type Dataset, type Item } from '../datasets'
import { uniqueName } from './models'
import { listDirs, type Services } from '../services'

// Counts by dataset hash: a manifest's hash covers its bytes, so a changed manifest is recounted.
const countsCache = new Map<string, { counts: DatasetCounts; columns: string[] }>()

function emptyCounts(): DatasetCounts {
  const zero = () => ({ member: 0, nonmember: 0, unknown: 0 })
  return { total: 0, byRole: { target: zero(), reference: zero(), pool: zero() } }
}

/** Counts by membership × role and the metadata columns, by streaming the items once. */
async function countItems(ds: Dataset, signal?: AbortSignal): Promise<{ counts: DatasetCounts; columns: string[] }> {
  const known = countsCache.get(ds.info.hash)
  if (known) return known
  const counts = emptyCounts()
  const columns = new Set<string>()
  for await (const item of ds.items({ signal, onIssue: () => undefined })) {
    counts.total++
    counts.byRole[item.role][item.membership]++
    for (const c of Object.keys(item.metadata)) columns.add(c)
  }
  const result = { counts, columns: [...columns] }
  countsCache.set(ds.info.hash, result)
  return result
}

async function summarise(s: Services, ref: string, source: 'bundled' | 'user', name: string, signal?: AbortSignal): Promise<DatasetSummary> {
  try {
    const ds = await s.openDataset(ref, signal)
    const { counts, columns } = await countItems(ds, signal)
    const { info } = ds
    return {
      name,
      path: info.root,
      source,
      kind: info.kind,
      description: info.description,
      license: info.license,
      hash: info.hash,
      counts,
      metadataColumns: columns,
      embeddings: info.embeddings ?? null,
      error: null
    }
  } catch (err) {
    const e = toErrorData(err)
    return {
      name,
      path: ref,
      source,
      kind: 'unknown',
      description: '',
      license: '',
      hash: null,
      counts: null,
      metadataColumns: [],
      embeddings: null,
      error: { code: e.code, message: e.message, hint: e.hint }
    }
  }
}

/** Bundled datasets (resources/datasets/*) and the ones the user added. */
export async function listDatasetsOp(s: Services): Promise<OpOutput<'datasets.list'>> {
  const bundled = listDirs(s.bundledDatasetsDir).map((name) => summarise(s, path.join(s.bundledDatasetsDir, name), 'bundled', name))
  const added = s
    .store()
    .datasets.list()
    .map((e) => summarise(s, e.path, 'user', e.name))
  return { datasets: await Promise.all([...bundled, ...added]) }
}

/** Register a manifest or image folder; it must open (the error says why when not). */
export async function addDatasetOp(s: Services, ref: string, signal?: AbortSignal): Promise<OpOutput<'datasets.add'>> {
  const full = path.resolve(ref)
  // Opened directly: registering is the act that makes a path readable in browser mode.
  const ds = await openDataset(full, { signal })
  // A folder with no items (e.g. /etc) is refused with the reason, never added as "image folder · 0 items" (issue 21).
  if ((await countItems(ds, signal)).counts.total === 0) {
    throw new WorkbenchError({
      code: 'bad-dataset',
      item: full,
      message: `${full} holds no items: no ${ds.info.kind === 'folder' ? 'images' : 'rows'} to attack were found there.`,
      hint: 'Choose a folder of images with their captions (a .txt beside each image, or a captions file), or a dataset manifest (dataset.json + CSV/JSONL); see README "Data".'
    })
  }
  const taken = s
    .store()
    .datasets.list()
    .filter((e) => e.path !== full)
    .map((e) => e.name)
  const name = uniqueName(ds.info.name || path.basename(full), [...taken, ...listDirs(s.bundledDatasetsDir)])
  s.store().datasets.add({ path: full, name, hash: ds.info.hash })
  return summarise(s, full, 'user', name, signal)
}

/** Forget an added dataset. */
export async function removeDatasetOp(s: Services, ref: string): Promise<OpOutput<'datasets.remove'>> {
  s.store().datasets.remove(path.resolve(ref))
  return { ok: true }
}

/** The validation report in the contract's shape. */
export async function validateDatasetOp(s: Services, input: OpParsedInput<'datasets.validate'>, signal: AbortSignal | undefined, emit: EventSink): Promise<ValidationReport> {
  const ds = await s.openDataset(input.dataset, signal)
  const report = await validateDataset(ds, { signal, maxIssues: input.maxIssues, onProgress: emit })
  const counts = emptyCounts()
  counts.total = report.usable
  for (const m of MEMBERSHIPS) for (const r of ROLES) counts.byRole[r][m] = report.counts[m][r]
  const issueTotal = (sev: 'error' | 'warning'): number => report.issues.filter((i) => i.severity === sev).length
  const errors = report.issuesTruncated ? report.skipped : issueTotal('error')
  const allIssues = Object.values(report.issueCounts).reduce((a, b) => a + (b ?? 0), 0)
  return {
    dataset: ds.info.name,
    counts,
    usable: report.usable,
    errors,
    warnings: report.issuesTruncated ? allIssues - errors : issueTotal('warning'),
    issues: report.issues.map((i) => ({ itemId: i.itemId, line: i.line ?? null, severity: i.severity, code: i.code, message: i.message, hint: i.hint || null })),
    truncated: report.issuesTruncated
  }
}

function matches(item: Item, input: OpParsedInput<'datasets.items'>): boolean {
  if (input.role && item.role !== input.role) return false
  if (input.membership && item.membership !== input.membership) return false
  if (input.search) {
    const q = input.search.toLowerCase()
    return item.id.toLowerCase().includes(q) || item.caption.toLowerCase().includes(q)
  }
  return true
}

// Matches per (dataset hash, filter), so paging a large dataset stops reading once the page is full.
const totalsCache = new Map<string, number>()

/** One page of items (filtered) with thumbnails for that page only; `total` counts every match. */
export async function datasetItemsOp(s: Services, input: OpParsedInput<'datasets.items'>, signal?: AbortSignal): Promise<OpOutput<'datasets.items'>> {
  const ds = await s.openDataset(input.dataset, signal)
  const key = JSON.stringify([ds.info.hash, input.role, input.membership, input.search])
  const known = totalsCache.get(key)
  const page: Item[] = []
  let total = 0
  for await (const item of ds.items({ signal, onIssue: () => undefined })) {
    if (!matches(item, input)) continue
    if (total >= input.offset && page.length < input.limit) page.push(item)
    total++
    if (known !== undefined && page.length === input.limit) break
  }
  if (known === undefined) totalsCache.set(key, total)
  total = known ?? total
  // Images outside the dataset folder are never shown: browser mode must not become a file reader (issue 9).
  const items: ItemCard[] = await Promise.all(
    page.map(async (it) => ({
      id: it.id,
      caption: it.caption,
      membership: it.membership,
      role: it.role,
      metadata: it.metadata,
      thumbnail: it.escapesRoot || !it.imagePath ? null : await thumbnailDataUrl(imageRef(it), input.thumbnailSize)
    }))
  )
  return { total, items }
}
