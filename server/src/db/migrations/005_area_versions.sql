-- Every saved shape of a grid or beat (版本): written by a trigger on each insert, update and delete, so no edit path
-- can skip it. Who, why and the parent codes come from transaction-local settings the editing code sets
-- (gridpatrol.actor, gridpatrol.change, gridpatrol.parents); a delete is recorded as the code retired.
CREATE TABLE area_version (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  entity       text NOT NULL CHECK (entity IN ('grid', 'beat')),
  code         text NOT NULL,
  version      integer NOT NULL,
  change       text NOT NULL CHECK (change IN ('create', 'edit', 'reshape', 'split', 'merge', 'retire', 'assign', 'align', 'district')),
  parent_codes text[] NOT NULL DEFAULT '{}',
  retired      boolean NOT NULL DEFAULT false,
  attrs        jsonb NOT NULL,
  geom         geometry(MultiPolygon, 4326),
  actor        text NOT NULL,
  saved_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX area_version_code_idx ON area_version (entity, code, version);
CREATE INDEX area_version_geom_idx ON area_version USING gist (geom);

CREATE FUNCTION record_area_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  who     text := coalesce(nullif(current_setting('gridpatrol.actor', true), ''), 'system');
  why     text := nullif(current_setting('gridpatrol.change', true), '');
  parents text[] := coalesce(nullif(current_setting('gridpatrol.parents', true), '')::text[], '{}');
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO area_version (entity, code, version, change, parent_codes, retired, attrs, geom, actor)
    VALUES (TG_TABLE_NAME, OLD.code, OLD.version + 1, coalesce(why, 'retire'), parents, true, to_jsonb(OLD) - 'geom', OLD.geom, who);
    RETURN OLD;
  END IF;
  INSERT INTO area_version (entity, code, version, change, parent_codes, retired, attrs, geom, actor)
  VALUES (TG_TABLE_NAME, NEW.code, NEW.version,
          coalesce(why, CASE TG_OP WHEN 'INSERT' THEN 'create' ELSE 'edit' END), parents, false, to_jsonb(NEW) - 'geom', NEW.geom, who);
  RETURN NEW;
END $$;

CREATE TRIGGER grid_versions AFTER INSERT OR UPDATE OR DELETE ON grid FOR EACH ROW EXECUTE FUNCTION record_area_version();
CREATE TRIGGER beat_versions AFTER INSERT OR UPDATE OR DELETE ON beat FOR EACH ROW EXECUTE FUNCTION record_area_version();

-- Audit rows name the kind of area edit.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
  CHECK (action IN ('create', 'update', 'delete', 'import', 'reshape', 'split', 'merge', 'assign', 'align', 'district'));
