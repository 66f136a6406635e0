-- Incidents partitioned (issue #22): a province holds tens of millions of them, and nearly every question asks for a
-- period, so the table is split by month and a query for March reads March only (the planner prunes the rest).
--
-- Two levels:
--   incident                       PARTITION BY LIST (district_code)
--     incident_local   (DEFAULT)   PARTITION BY RANGE (occurred_at): the districts this server stores itself
--       incident_mYYYY_MM          one per calendar month (UTC bounds), made on demand by incident_ensure_months
--       incident_local_rest (DEFAULT) rows of a month that has no partition yet (kept empty by the write paths)
-- The list level is where a district can later live on another server as a postgres_fdw foreign partition
-- (`ATTACH PARTITION … FOR VALUES IN ('<district code>')`); until then every district falls in incident_local.
--
-- What partitioning costs, said plainly: a unique index on a partitioned table must hold every partition key column,
-- and district_code may be NULL, so `id` is indexed but no longer declared unique. It stays unique because only the
-- identity sequence hands ids out (undo restores the ids it took away); nothing references incident(id).

ALTER TABLE incident RENAME TO incident_unpartitioned;

CREATE TABLE incident (
  id            bigint GENERATED ALWAYS AS IDENTITY,
  occurred_at   timestamptz NOT NULL,
  category      text NOT NULL CHECK (length(category) BETWEEN 1 AND 100),
  -- 1 = minor … 4 = major.
  severity      smallint NOT NULL DEFAULT 1 CHECK (severity BETWEEN 1 AND 4),
  source        text NOT NULL DEFAULT 'manual' CHECK (length(source) BETWEEN 1 AND 100),
  external_id   text,
  district_code text CHECK (district_code ~ '^[0-9]{12}$'),
  h3_r7 bigint NOT NULL, h3_r8 bigint NOT NULL, h3_r9 bigint NOT NULL, h3_r10 bigint NOT NULL,
  geom          geometry(Point, 4326) NOT NULL,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
) PARTITION BY LIST (district_code);

CREATE TABLE incident_local PARTITION OF incident DEFAULT PARTITION BY RANGE (occurred_at);
CREATE TABLE incident_local_rest PARTITION OF incident_local DEFAULT;

-- The month partition of each distinct month in `ts` that has none yet: made as a plain table holding its range as a
-- CHECK (so ATTACH need not scan it), filled with that month's rows from incident_local_rest (single edits of a month
-- without a partition land there), then attached. Bounds are UTC months: pruning works for any fixed bounds, and UTC
-- keeps them the same whatever GRIDPATROL_TZ says. Returns how many partitions it made.
CREATE FUNCTION incident_ensure_months(ts timestamptz[]) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
  m    timestamp;
  lo   timestamptz;
  hi   timestamptz;
  part text;
  made integer := 0;
BEGIN
  FOR m IN SELECT DISTINCT date_trunc('month', t AT TIME ZONE 'UTC') FROM unnest(ts) AS t WHERE t IS NOT NULL ORDER BY 1 LOOP
    part := 'incident_m' || to_char(m, 'YYYY_MM');
    -- Looked up among incident_local's own partitions, not by name on the search_path (another schema may hold one).
    CONTINUE WHEN EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                          WHERE i.inhparent = 'incident_local'::regclass AND c.relname = part);
    lo := m AT TIME ZONE 'UTC';
    hi := (m + interval '1 month') AT TIME ZONE 'UTC';
    EXECUTE format('CREATE TABLE %I (LIKE incident_local INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
    EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (occurred_at >= %L AND occurred_at < %L)',
                   part, part || '_range', lo, hi);
    EXECUTE format('WITH moved AS (DELETE FROM incident_local_rest WHERE occurred_at >= $1 AND occurred_at < $2 RETURNING *)
                    INSERT INTO %I SELECT * FROM moved', part) USING lo, hi;
    EXECUTE format('ALTER TABLE incident_local ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
    made := made + 1;
  END LOOP;
  RETURN made;
END $$;

-- Archiving: a month leaves the live table (every query, tile and analysis stops seeing it) but stays whole as the
-- plain table incident_mYYYY_MM_archived, to dump (`pg_dump -t`) and drop, or to bring back with
-- incident_restore_month. DDL fires no row or statement triggers, so both bump the incident table version by hand
-- (tile caches key on it).
CREATE FUNCTION incident_archive_month(month date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE part text := 'incident_m' || to_char(month, 'YYYY_MM');
BEGIN
  EXECUTE format('ALTER TABLE incident_local DETACH PARTITION %I', part);
  EXECUTE format('ALTER TABLE %I RENAME TO %I', part, part || '_archived');
  UPDATE table_version SET version = version + 1 WHERE table_name = 'incident';
  RETURN part || '_archived';
END $$;

CREATE FUNCTION incident_restore_month(month date) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  part text := 'incident_m' || to_char(month, 'YYYY_MM');
  lo   timestamptz := date_trunc('month', month::timestamp) AT TIME ZONE 'UTC';
  hi   timestamptz := (date_trunc('month', month::timestamp) + interval '1 month') AT TIME ZONE 'UTC';
BEGIN
  EXECUTE format('ALTER TABLE %I RENAME TO %I', part || '_archived', part);
  EXECUTE format('ALTER TABLE incident_local ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
  UPDATE table_version SET version = version + 1 WHERE table_name = 'incident';
  RETURN part;
END $$;

SELECT incident_ensure_months(ARRAY(SELECT DISTINCT date_trunc('month', occurred_at) FROM incident_unpartitioned));
INSERT INTO incident (id, occurred_at, category, severity, source, external_id, district_code, h3_r7, h3_r8, h3_r9,
                      h3_r10, geom, version, created_at, updated_at)
  OVERRIDING SYSTEM VALUE
  SELECT id, occurred_at, category, severity, source, external_id, district_code, h3_r7, h3_r8, h3_r9, h3_r10, geom,
         version, created_at, updated_at
  FROM incident_unpartitioned;
SELECT setval(pg_get_serial_sequence('incident', 'id'), COALESCE((SELECT max(id) FROM incident_unpartitioned), 1),
              (SELECT count(*) > 0 FROM incident_unpartitioned));
DROP TABLE incident_unpartitioned;

CREATE INDEX incident_id_idx ON incident (id);
CREATE INDEX incident_geom_idx ON incident USING gist (geom);
CREATE INDEX incident_occurred_idx ON incident (occurred_at);
CREATE INDEX incident_h3_r9_idx ON incident (h3_r9);
CREATE INDEX incident_category_idx ON incident (category);
CREATE INDEX incident_district_idx ON incident (district_code);

CREATE TRIGGER incident_version_bump AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON incident
  FOR EACH STATEMENT EXECUTE FUNCTION bump_table_version();
