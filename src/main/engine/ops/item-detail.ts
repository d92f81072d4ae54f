// experiments.item and experiments.thumbnails: one item drilled into — image, caption, metadata, its score and rank in every experiment on the
// same dataset, and (AEA) the score of each augmented view (issue 21, per-record drill-down).
import type { OpOutput } from '../../../shared/contract/operations'
import { WorkbenchError } from '../../../shared/contract/errors'
import { requireRow, specOf, toRecord } from '../runner/record'
import type { Services } from '../services'
import { thumbnailDataUrl } from '../datasets'

/** The transform of a view key ("aug:v1:hflip#k=1#seed=0" → "hflip"), as the bank names it. */
function transformOf(viewKey: string | undefined, k: number): string {
  return viewKey ? viewKey.replace(/^aug:v\d+:/, '').replace(/#.*$/, '') : `view ${k}`
}

/** The detail of item `itemId` as scored by experiment `id`, beside every other experiment on its dataset. */
export async function itemDetailOp(s: Services, id: string, itemId: string, size: number): Promise<OpOutput<'experiments.item'>> {
  const store = s.store()
  const record = toRecord(requireRow(store, id))
  const hash = record.spec.datasetHash
  const row = store.items.get(hash, itemId)
  if (!row)
    throw new WorkbenchError({
      code: 'not-found',
      item: itemId,
      message: `Item ${itemId} is not among the items of ${record.spec.datasetName} that experiment ${record.name} scored.`,
      hint: 'Pick an item from this experiment’s lists.'
    })
  const scores: OpOutput<'experiments.item'>['scores'] = []
  let views: OpOutput<'experiments.item'>['views'] = []
  for (const other of store.experiments.list({})) {
    if (other.status !== 'done') continue
    const spec = specOf(other)
    if (spec.datasetHash !== hash) continue
    const all = store.scores.get(other.id)
    const at = all.itemIds.indexOf(itemId)
    if (at < 0 || !Number.isFinite(all.scores[at])) continue
    const score = all.scores[at]
    let nonmembers = 0
    let above = 0
    all.labels.forEach((label, i) => {
      if (label !== 0 || !Number.isFinite(all.scores[i])) return
      nonmembers++
      if (all.scores[i] >= score) above++
    })
    scores.push({ experimentId: other.id, name: other.name, attack: spec.attack, score, nonmembersAtOrAbove: above, nonmembers, current: other.id === id })
    const extra = all.extra[at]
    if (other.id === id && spec.attack === 'aea' && extra) {
      const bank = (record.results?.attackReport.bank as string[] | undefined) ?? []
      views = Array.from(extra, (value, k) => ({ index: k, spec: k === 0 ? 'original' : transformOf(bank[k - 1], k), score: value }))
    }
  }
  return {
    item: {
      id: row.itemId,
      caption: row.caption ?? '',
      membership: row.membership,
      role: row.role,
      metadata: Object.fromEntries(Object.entries(row.metadata).map(([k, v]) => [k, String(v)])),
      image: row.imagePath ? await thumbnailDataUrl(row.imagePath, size) : null
    },
    scores,
    views
  }
}

/** Thumbnails of `itemIds` as experiment `id` remembered them (unknown items and images kept outside the dataset: null). */
export async function itemThumbnailsOp(s: Services, id: string, itemIds: readonly string[], size: number): Promise<OpOutput<'experiments.thumbnails'>> {
  const store = s.store()
  const hash = toRecord(requireRow(store, id)).spec.datasetHash
  const thumbnails = await Promise.all(
    itemIds.map(async (itemId) => {
      const row = store.items.get(hash, itemId)
      return { id: itemId, thumbnail: row?.imagePath ? await thumbnailDataUrl(row.imagePath, size) : null }
    })
  )
  return { thumbnails }
}
