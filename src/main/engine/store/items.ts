// Items repository: the images and captions of each imported dataset, keyed by (dataset hash, item id).
import type { WorkspaceDb } from './database'

/** Ground truth of an item for the attack (design doc, "Dataset manifest"). */
export type Membership = 'member' | 'nonmember' | 'unknown'
/** What the item is used for in an experiment. */
export type ItemRole = 'target' | 'reference' | 'pool'

/** One dataset item; `position` is its order in the manifest, which every listing follows. */
export interface ItemRow {
  datasetHash: string
  itemId: string
  position: number
  imageHash: string | null
  captionHash: string | null
  caption: string | null
  imagePath: string | null
  membership: Membership
  role: ItemRole
  metadata: Record<string, unknown>
}

/** Filter of list(). */
export interface ItemFilter {
  role?: ItemRole
  membership?: Membership
}

/** Prepared-statement access to the items table. */
export interface ItemsRepo {
  /** Insert or replace items in ONE transaction (a re-import updates paths and labels). Returns rows written. */
  putMany(rows: readonly ItemRow[]): number
  /** Items of a dataset in manifest order. */
  list(datasetHash: string, filter?: ItemFilter): ItemRow[]
  get(datasetHash: string, itemId: string): ItemRow | undefined
  count(datasetHash: string): number
  /** Forget a dataset's items; returns how many were removed. */
  deleteDataset(datasetHash: string): number
}

interface DbItem {
  dataset_hash: string
  item_id: string
  position: number
  image_hash: string | null
  caption_hash: string | null
  caption: string | null
  image_path: string | null
  membership: Membership
  role: ItemRole
  metadata: string
}

const COLUMNS = 'dataset_hash, item_id, position, image_hash, caption_hash, caption, image_path, membership, role, metadata'

function fromDb(r: DbItem): ItemRow {
  return {
    datasetHash: r.dataset_hash,
    itemId: r.item_id,
    position: r.position,
    imageHash: r.image_hash,
    captionHash: r.caption_hash,
    caption: r.caption,
    imagePath: r.image_path,
    membership: r.membership,
    role: r.role,
    metadata: JSON.parse(r.metadata) as Record<string, unknown>
  }
}

/** Create the items repository over an open workspace database. */
export function createItemsRepo(db: WorkspaceDb): ItemsRepo {
  const upsert = db.prepare('items.putMany', `INSERT OR REPLACE INTO items (${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const list = db.prepare<DbItem>('items.list', `SELECT ${COLUMNS} FROM items WHERE dataset_hash = @ds AND (@role IS NULL OR role = @role) AND (@mem IS NULL OR membership = @mem) ORDER BY position`)
  const get = db.prepare<DbItem>('items.get', `SELECT ${COLUMNS} FROM items WHERE dataset_hash = ? AND item_id = ?`)
  const count = db.prepare<{ n: number }>('items.count', 'SELECT count(*) AS n FROM items WHERE dataset_hash = ?')
  const remove = db.prepare('items.deleteDataset', 'DELETE FROM items WHERE dataset_hash = ?')
  return {
    putMany: (rows) =>
      db.write('items.putMany', () => {
        for (const r of rows) {
          upsert.run(r.datasetHash, r.itemId, r.position, r.imageHash, r.captionHash, r.caption, r.imagePath, r.membership, r.role, JSON.stringify(r.metadata))
        }
        return rows.length
      }),
    list: (datasetHash, filter = {}) => list.all({ ds: datasetHash, role: filter.role ?? null, mem: filter.membership ?? null }).map(fromDb),
    get: (datasetHash, itemId) => {
      const r = get.get(datasetHash, itemId)
      return r === undefined ? undefined : fromDb(r)
    },
    count: (datasetHash) => count.get(datasetHash)!.n,
    deleteDataset: (datasetHash) => db.write('items.deleteDataset', () => remove.run(datasetHash).changes)
  }
}
