-- A change counter per table, bumped once per writing statement whatever the path (API, import, area edits, SQL by
-- hand): caches of derived data (vector tiles) key on it and so never serve what a committed write has changed.
CREATE TABLE table_version (
  table_name text PRIMARY KEY,
  version    bigint NOT NULL DEFAULT 0
);

CREATE FUNCTION bump_table_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO table_version (table_name, version) VALUES (TG_TABLE_NAME, 1)
  ON CONFLICT (table_name) DO UPDATE SET version = table_version.version + 1;
  RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['admin_area', 'grid', 'station', 'beat', 'camera', 'key_place', 'post', 'checkpoint', 'incident', 'road', 'building'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION bump_table_version()',
      t || '_version_bump', t);
    INSERT INTO table_version (table_name) VALUES (t);
  END LOOP;
END $$;
