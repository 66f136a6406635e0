-- Long analyses run as jobs (issue #17): one row per job, and the results of analyses kept by their parameters and
-- the versions of the tables they read (migration 007), so the same question on unchanged data answers at once and a
-- result can be reopened later.
CREATE TABLE analysis_result (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind          text NOT NULL,
  -- SHA-256 of the canonical JSON of the parameters; `params` keeps them readable.
  params_key    text NOT NULL,
  params        jsonb NOT NULL,
  -- e.g. "building:3,camera:41,grid:7,key_place:2,road:5": the table_version of every table it read.
  data_versions text NOT NULL,
  result        jsonb NOT NULL,
  created_by    bigint REFERENCES app_user (id) ON DELETE SET NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, params_key, data_versions)
);

CREATE TABLE job (
  id          uuid PRIMARY KEY,
  kind        text NOT NULL,
  owner_id    bigint NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  params      jsonb NOT NULL,
  state       text NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  progress    double precision NOT NULL DEFAULT 0 CHECK (progress >= 0 AND progress <= 1),
  stage       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  started_at  timestamptz,
  finished_at timestamptz,
  deadline_ms integer NOT NULL CHECK (deadline_ms > 0),
  -- A cancelled job keeps no result; a failed one keeps its problem+json.
  result_id   bigint REFERENCES analysis_result (id) ON DELETE SET NULL,
  error       jsonb
);
CREATE INDEX job_owner_idx ON job (owner_id, created_at DESC);
