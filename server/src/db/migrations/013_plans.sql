-- Beat plans (警格方案): a named grid-code → beat-code assignment for a station (or the whole region), kept with its
-- versions. The plan in force is not stored: it is derived from today's beats (each grid in the beat holding its
-- inside point). Drafts come from the planner or the districting engine; imported plans from a station's spreadsheet.
CREATE TABLE plan (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind           text NOT NULL CHECK (kind IN ('draft', 'districting', 'imported')),
  station_id     bigint REFERENCES station(id) ON DELETE CASCADE,
  version        integer NOT NULL DEFAULT 1,
  -- Versions of the beats the plan was made against: applying it refuses (409) when one has changed since.
  base_versions  jsonb NOT NULL DEFAULT '{}'::jsonb,
  -- How a districting draft was made (weights, tolerance, locked beats), for the record.
  params         jsonb,
  created_by     text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  applied_at     timestamptz,
  applied_by     text
);
CREATE INDEX plan_station_idx ON plan (station_id);

CREATE TABLE plan_assignment (
  plan_id    bigint NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
  grid_code  text NOT NULL CHECK (grid_code ~ '^[0-9]{15}$'),
  beat_code  text NOT NULL CHECK (beat_code ~ '^[0-9A-Za-z_-]{1,40}$'),
  PRIMARY KEY (plan_id, grid_code)
);

-- Every saved version of a plan's assignment, so an edit or an apply can be traced and an old version read back.
CREATE TABLE plan_version (
  plan_id     bigint NOT NULL REFERENCES plan(id) ON DELETE CASCADE,
  version     integer NOT NULL,
  name        text NOT NULL,
  change      text NOT NULL CHECK (change IN ('create', 'update', 'apply')),
  assignment  jsonb NOT NULL,
  actor       text NOT NULL,
  at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (plan_id, version)
);
