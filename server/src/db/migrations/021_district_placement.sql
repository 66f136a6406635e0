-- Districts on other servers (issue #22): past what one machine holds, a district's incidents live on another
-- PostgreSQL/PostGIS server as a postgres_fdw foreign partition of `incident` (FOR VALUES IN ('<district code>')), so
-- every query, tile and analysis keeps reading the one `incident` table and the planner sends the district's part of it
-- to its server. Migration 017 left the list level free for this: districts kept here fall in the DEFAULT incident_local.
--
-- The functions only define; they run on the server database (postgres_fdw is not in the embedded one), called by
-- services/district-placement.service.ts (`npm run place-district`).
--
-- What is and is not atomic, said plainly: postgres_fdw commits the other server's part just before this server
-- commits (no two-phase commit). So each move is ordered to lose nothing if this server's commit then fails: placing
-- writes the rows there first (a failed commit leaves them only there, unattached, and the next try refuses a
-- non-empty remote table); bringing home never deletes on the other server (its copy is dropped by hand afterwards).

-- The CREATE TABLE (and indexes) for the district's table on the other server, from this server's own `incident`
-- columns, so the two cannot drift; the CHECK keeps other districts' rows out. Run there by the service.
CREATE FUNCTION incident_remote_table_ddl(district text, remote_schema text, remote_table text)
RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE cols text;
BEGIN
  IF district !~ '^[0-9]{12}$' THEN
    RAISE EXCEPTION 'a district code is 12 digits, not "%"', district USING ERRCODE = '22023';
  END IF;
  SELECT string_agg(format('%I %s%s', a.attname, format_type(a.atttypid, a.atttypmod),
                           CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END), ', ' ORDER BY a.attnum)
    INTO cols
    FROM pg_attribute a WHERE a.attrelid = 'incident'::regclass AND a.attnum > 0 AND NOT a.attisdropped;
  RETURN 'CREATE EXTENSION IF NOT EXISTS postgis;'
    || format('CREATE TABLE IF NOT EXISTS %I.%I (%s, CONSTRAINT %I CHECK (district_code = %L));',
              remote_schema, remote_table, cols, remote_table || '_district', district)
    || format('CREATE INDEX IF NOT EXISTS %I ON %I.%I (id);', remote_table || '_id', remote_schema, remote_table)
    || format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gist (geom);', remote_table || '_geom', remote_schema, remote_table)
    || format('CREATE INDEX IF NOT EXISTS %I ON %I.%I (occurred_at);', remote_table || '_occurred', remote_schema, remote_table)
    || format('CREATE INDEX IF NOT EXISTS %I ON %I.%I (h3_r9);', remote_table || '_h3_r9', remote_schema, remote_table)
    || format('CREATE INDEX IF NOT EXISTS %I ON %I.%I (category);', remote_table || '_category', remote_schema, remote_table);
END $$;

-- The foreign server and this user's mapping to it (made once, kept while a district lives there). `extensions
-- 'postgis'` lets the planner send PostGIS operators and functions (the bbox `&&` of tiles, ST_ calls) to the other
-- server instead of fetching every row; fetch_size and batch_size make reads and the move's inserts bulk.
CREATE FUNCTION incident_shard_server(name text, host text, port integer, dbname text, username text, password text)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  CREATE EXTENSION IF NOT EXISTS postgres_fdw;
  IF EXISTS (SELECT 1 FROM pg_foreign_server WHERE srvname = name) THEN
    RETURN false;
  END IF;
  EXECUTE format('CREATE SERVER %I FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host %L, port %L, dbname %L, '
                 || 'extensions %L, fetch_size %L, batch_size %L)', name, host, port::text, dbname, 'postgis', '10000', '1000');
  IF password IS NULL THEN
    EXECUTE format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (user %L)', name, username);
  ELSE
    EXECUTE format('CREATE USER MAPPING FOR CURRENT_USER SERVER %I OPTIONS (user %L, password %L)', name, username, password);
  END IF;
  RETURN true;
END $$;

-- The districts that live on other servers: the foreign partitions of `incident`.
CREATE FUNCTION incident_placements()
RETURNS TABLE (district_code text, server text, remote_table text) LANGUAGE sql STABLE AS $$
  SELECT substr(c.relname, length('incident_d') + 1), s.srvname,
         (SELECT substr(o, length('table_name=') + 1) FROM unnest(f.ftoptions) AS o WHERE o LIKE 'table_name=%')
  FROM pg_inherits i
  JOIN pg_class c ON c.oid = i.inhrelid
  JOIN pg_foreign_table f ON f.ftrelid = c.oid
  JOIN pg_foreign_server s ON s.oid = f.ftserver
  WHERE i.inhparent = 'incident'::regclass
  ORDER BY 1
$$;

-- Moves one district's incidents to `server` (its table made there beforehand by incident_remote_table_ddl): takes
-- the rows out of incident_local, makes the foreign partition, and writes them back through `incident`, which routes
-- them there with their ids. Writers of incidents wait for the move (readers do not). Returns the rows moved.
CREATE FUNCTION incident_place_district(district text, server text, remote_schema text, remote_table text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  part  text := 'incident_d' || district;
  there boolean;
  moved bigint;
BEGIN
  IF district !~ '^[0-9]{12}$' THEN
    RAISE EXCEPTION 'a district code is 12 digits, not "%"', district USING ERRCODE = '22023';
  END IF;
  IF EXISTS (SELECT 1 FROM incident_placements() p WHERE p.district_code = district) THEN
    RAISE EXCEPTION 'district % already lives on another server', district USING ERRCODE = '55000';
  END IF;
  LOCK TABLE incident IN SHARE ROW EXCLUSIVE MODE;
  DROP TABLE IF EXISTS pg_temp.incident_moving;
  CREATE TEMP TABLE incident_moving ON COMMIT DROP AS SELECT * FROM incident WHERE incident.district_code = district;
  DELETE FROM incident WHERE incident.district_code = district;
  EXECUTE format('CREATE FOREIGN TABLE %I PARTITION OF incident FOR VALUES IN (%L) SERVER %I '
                 || 'OPTIONS (schema_name %L, table_name %L)', part, district, server, remote_schema, remote_table);
  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', part) INTO there;
  IF there THEN
    RAISE EXCEPTION 'the table %.% on server % already holds rows: empty it before placing district % there',
      remote_schema, remote_table, server, district USING ERRCODE = '55000';
  END IF;
  INSERT INTO incident OVERRIDING SYSTEM VALUE SELECT * FROM incident_moving;
  GET DIAGNOSTICS moved = ROW_COUNT;
  RETURN moved;
END $$;

-- Brings a district's incidents back into incident_local (its month partitions made as needed) and drops the foreign
-- partition. The other server's table is left as it was (see the top of this file). Returns the rows brought home.
CREATE FUNCTION incident_bring_district_home(district text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  part  text := 'incident_d' || district;
  moved bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM incident_placements() p WHERE p.district_code = district) THEN
    RAISE EXCEPTION 'district % does not live on another server', district USING ERRCODE = '55000';
  END IF;
  LOCK TABLE incident IN SHARE ROW EXCLUSIVE MODE;
  DROP TABLE IF EXISTS pg_temp.incident_moving;
  EXECUTE format('CREATE TEMP TABLE incident_moving ON COMMIT DROP AS SELECT * FROM %I', part);
  EXECUTE format('ALTER TABLE incident DETACH PARTITION %I', part);
  EXECUTE format('DROP FOREIGN TABLE %I', part);
  PERFORM incident_ensure_months(ARRAY(SELECT DISTINCT date_trunc('month', occurred_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
                                       FROM incident_moving));
  INSERT INTO incident OVERRIDING SYSTEM VALUE SELECT * FROM incident_moving;
  GET DIAGNOSTICS moved = ROW_COUNT;
  RETURN moved;
END $$;

