// Schema version 1: items, embeddings, experiments, scores and the model/dataset registries (design doc, "Data model").
import type { Migration } from './migration'

// Embeddings are a rowid table with a unique key rather than WITHOUT ROWID: a 512-d float32 vector is 2 KiB,
// far above the ~1/20 page size where WITHOUT ROWID pays off (sqlite.org/withoutrowid.html, section 4).
// `kind` is part of the key so an image whose bytes hash like a caption can never collide with it.
const SQL = `
CREATE TABLE items (
  dataset_hash TEXT NOT NULL,
  item_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  image_hash TEXT,
  caption_hash TEXT,
  caption TEXT,
  image_path TEXT,
  membership TEXT NOT NULL DEFAULT 'unknown' CHECK (membership IN ('member', 'nonmember', 'unknown')),
  role TEXT NOT NULL DEFAULT 'target' CHECK (role IN ('target', 'reference', 'pool')),
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  PRIMARY KEY (dataset_hash, item_id)
);
CREATE INDEX items_image_hash ON items (image_hash);

CREATE TABLE embeddings (
  id INTEGER PRIMARY KEY,
  model_fingerprint TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('image', 'text')),
  content_hash TEXT NOT NULL,
  view TEXT NOT NULL,
  dim INTEGER NOT NULL CHECK (dim > 0),
  vector BLOB NOT NULL CHECK (length(vector) = 4 * dim),
  created_at INTEGER NOT NULL,
  UNIQUE (model_fingerprint, kind, content_hash, view)
);

CREATE TABLE experiments (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags)),
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed', 'cancelled')),
  spec TEXT NOT NULL CHECK (json_valid(spec)),
  results TEXT CHECK (results IS NULL OR json_valid(results)),
  error TEXT CHECK (error IS NULL OR json_valid(error))
);
CREATE INDEX experiments_created_at ON experiments (created_at);

CREATE TABLE scores (
  experiment_id TEXT NOT NULL REFERENCES experiments (id) ON DELETE CASCADE,
  item_id TEXT NOT NULL,
  score REAL,
  label INTEGER CHECK (label IS NULL OR label IN (0, 1)),
  extra BLOB,
  PRIMARY KEY (experiment_id, item_id)
);

CREATE TABLE models (
  path TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  fingerprint TEXT,
  added_at INTEGER NOT NULL
);

CREATE TABLE datasets (
  path TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  dataset_hash TEXT,
  added_at INTEGER NOT NULL
);
`

/** Version 1: the initial schema. */
export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(SQL)
  }
}
