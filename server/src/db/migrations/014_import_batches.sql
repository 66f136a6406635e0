-- Imports as batches (issue #15, write side): every import is one batch with an id, every row it added or changed is
-- listed with what it was before, so the import can be undone; `import_key` remembers which stored row each source
-- row became (by its natural key or a fingerprint of the source row), so importing the same file again matches them
-- one for one instead of doubling the layer.

CREATE TABLE import_batch (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  actor      text NOT NULL,
  file       text NOT NULL,
  format     text NOT NULL,
  layers     text[] NOT NULL,
  -- The write report's counts: new / updated / unchanged / refused / repaired per layer.
  counts     jsonb NOT NULL,
  undone_at  timestamptz,
  undone_by  text
);

CREATE TABLE import_row (
  batch_id   bigint NOT NULL REFERENCES import_batch (id) ON DELETE CASCADE,
  layer      text NOT NULL,
  feature_id bigint NOT NULL,
  action     text NOT NULL CHECK (action IN ('new', 'updated')),
  -- For 'updated': the row as it was (columns and GeoJSON geometry) and its import key state, to restore on undo.
  before     jsonb,
  -- The row's version right after this import wrote it: an undo refuses a row edited since.
  version    integer NOT NULL,
  PRIMARY KEY (batch_id, layer, feature_id)
);
CREATE INDEX import_row_feature_idx ON import_row (layer, feature_id);

CREATE TABLE import_key (
  layer      text NOT NULL,
  -- 'code:…', 'gb:…', 'osm:…', 'key:…' (a column the user named) or 'row:<sha1 of the source row>'.
  key        text NOT NULL,
  -- The n-th row with this key in a file matches the n-th stored one: a row twice in a file is two rows.
  occurrence integer NOT NULL,
  feature_id bigint NOT NULL,
  -- sha1 of the row as written (mapped properties + geometry): equal means unchanged.
  digest     text NOT NULL,
  version    integer NOT NULL,
  batch_id   bigint NOT NULL,
  PRIMARY KEY (layer, key, occurrence)
);
CREATE INDEX import_key_feature_idx ON import_key (layer, feature_id);

-- GB/T 28181 device codes of cameras, validated and decoded at import: 1–8 centre (1–6 the GB/T 2260 division),
-- 9–10 industry, 11–13 device type (131 camera, 132 network camera), 14 network, 15–20 sequence.
ALTER TABLE camera
  ADD COLUMN gb_code     text UNIQUE CHECK (gb_code ~ '^[0-9]{20}$'),
  ADD COLUMN gb_division text CHECK (gb_division ~ '^[0-9]{6}$'),
  ADD COLUMN gb_industry text CHECK (gb_industry ~ '^[0-9]{2}$'),
  ADD COLUMN gb_type     text CHECK (gb_type ~ '^[0-9]{3}$'),
  ADD COLUMN gb_network  text CHECK (gb_network ~ '^[0-9]$'),
  ADD COLUMN point_class smallint CHECK (point_class BETWEEN 1 AND 3);

-- Beats import without a station (assigned later).
ALTER TABLE beat ALTER COLUMN station_id DROP NOT NULL;

-- Admin areas import without a parent above them (a township's district may not be loaded): only a region must
-- have none.
ALTER TABLE admin_area DROP CONSTRAINT admin_area_check;
ALTER TABLE admin_area ADD CONSTRAINT admin_area_region_no_parent CHECK (level <> 'region' OR parent_code IS NULL);
