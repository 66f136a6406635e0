-- Admin areas, grids (网格), stations (派出所) and beats (警格).
-- All geometry is EPSG:4326; lengths and areas are computed through geography, in metres.
-- `district_code` sits on every big table so a server deployment can later distribute on it with Citus.

CREATE TABLE admin_area (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- 12-digit statistical division code (统计用区划代码), e.g. 320102001001 for a community.
  code          text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{12}$'),
  level         text NOT NULL CHECK (level IN ('region', 'district', 'township', 'community')),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  parent_code   text REFERENCES admin_area (code),
  district_code text CHECK (district_code ~ '^[0-9]{12}$'),
  geom          geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK ((level = 'region') = (parent_code IS NULL))
);
CREATE INDEX admin_area_geom_idx ON admin_area USING gist (geom);
CREATE INDEX admin_area_parent_idx ON admin_area (parent_code);
CREATE INDEX admin_area_level_idx ON admin_area (level);

CREATE TABLE grid (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- community code + 3-digit sequence; stable across reshapes of the boundary.
  code           text NOT NULL UNIQUE CHECK (code ~ '^[0-9]{15}$'),
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind           text NOT NULL DEFAULT 'basic' CHECK (kind IN ('basic', 'dedicated')),
  -- The unit a dedicated grid (专属网格) serves: a school, hospital, market, park …
  dedicated_unit text,
  community_code text NOT NULL REFERENCES admin_area (code),
  district_code  text NOT NULL CHECK (district_code ~ '^[0-9]{12}$'),
  population     integer NOT NULL DEFAULT 0 CHECK (population >= 0),
  households     integer NOT NULL DEFAULT 0 CHECK (households >= 0),
  worker_name    text,
  worker_phone   text CHECK (worker_phone ~ '^[0-9+\- ]{3,20}$'),
  geom           geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  version        integer NOT NULL DEFAULT 1,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK (kind = 'basic' OR dedicated_unit IS NOT NULL),
  CHECK (left(code, 12) = community_code)
);
CREATE INDEX grid_geom_idx ON grid USING gist (geom);
CREATE INDEX grid_community_idx ON grid (community_code);
CREATE INDEX grid_district_idx ON grid (district_code);

CREATE TABLE station (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code          text NOT NULL UNIQUE CHECK (code ~ '^[0-9A-Za-z_-]{1,40}$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  district_code text NOT NULL CHECK (district_code ~ '^[0-9]{12}$'),
  phone         text,
  geom          geometry(Point, 4326) NOT NULL,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX station_geom_idx ON station USING gist (geom);

CREATE TABLE beat (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code          text NOT NULL UNIQUE CHECK (code ~ '^[0-9A-Za-z_-]{1,40}$'),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  station_id    bigint NOT NULL REFERENCES station (id),
  district_code text NOT NULL CHECK (district_code ~ '^[0-9]{12}$'),
  -- Assigned community officers and auxiliary officers (一社区一民警两辅警).
  officers      integer NOT NULL DEFAULT 1 CHECK (officers >= 0),
  auxiliaries   integer NOT NULL DEFAULT 2 CHECK (auxiliaries >= 0),
  geom          geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX beat_geom_idx ON beat USING gist (geom);
CREATE INDEX beat_station_idx ON beat (station_id);
