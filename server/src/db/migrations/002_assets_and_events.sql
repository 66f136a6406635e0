-- Cameras (雪亮工程), key places (重点场所), posts (屯警点), checkpoints (必巡点), incidents (警情), roads, buildings,
-- and the audit log. Point rows carry H3 cell ids (h3-js, computed when the row is written) as bigint,
-- so heat maps are a GROUP BY; read them as text with to_hex(), which matches h3-js's string form.

CREATE TABLE camera (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code          text UNIQUE CHECK (code ~ '^[0-9A-Za-z_-]{1,40}$'),
  name          text CHECK (length(name) <= 200),
  -- Heading is the bearing of the optical axis, clockwise from north.
  heading_deg   double precision NOT NULL DEFAULT 0 CHECK (heading_deg >= 0 AND heading_deg < 360),
  fov_deg       double precision NOT NULL DEFAULT 60 CHECK (fov_deg > 0 AND fov_deg <= 360),
  range_m       double precision NOT NULL DEFAULT 50 CHECK (range_m > 0 AND range_m <= 2000),
  height_m      double precision NOT NULL DEFAULT 6 CHECK (height_m >= 0 AND height_m <= 300),
  camera_type   text NOT NULL DEFAULT 'bullet' CHECK (camera_type IN ('bullet', 'dome', 'ptz')),
  status        text NOT NULL DEFAULT 'working' CHECK (status IN ('working', 'faulty', 'offline')),
  networked     boolean NOT NULL DEFAULT true,
  installed_on  date,
  owner         text CHECK (length(owner) <= 200),
  osm_id        bigint,
  district_code text CHECK (district_code ~ '^[0-9]{12}$'),
  h3_r7 bigint NOT NULL, h3_r8 bigint NOT NULL, h3_r9 bigint NOT NULL, h3_r10 bigint NOT NULL,
  geom          geometry(Point, 4326) NOT NULL,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX camera_geom_idx ON camera USING gist (geom);
CREATE INDEX camera_h3_r9_idx ON camera (h3_r9);
CREATE INDEX camera_district_idx ON camera (district_code);

CREATE TABLE key_place (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind          text NOT NULL CHECK (kind IN ('school', 'kindergarten', 'hospital', 'market', 'transit_hub',
                                              'government', 'bank', 'other')),
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  osm_id        bigint,
  district_code text CHECK (district_code ~ '^[0-9]{12}$'),
  geom          geometry(Geometry, 4326) NOT NULL
                CHECK (GeometryType(geom) IN ('POINT', 'POLYGON', 'MULTIPOLYGON') AND ST_IsValid(geom)),
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX key_place_geom_idx ON key_place USING gist (geom);
CREATE INDEX key_place_kind_idx ON key_place (kind);

CREATE TABLE post (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  station_id    bigint REFERENCES station (id),
  -- Local hours the post is staffed, "HH:MM-HH:MM"; "00:00-24:00" is round the clock.
  staffed_hours text NOT NULL DEFAULT '00:00-24:00'
                CHECK (staffed_hours ~ '^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$|^00:00-24:00$'),
  district_code text CHECK (district_code ~ '^[0-9]{12}$'),
  geom          geometry(Point, 4326) NOT NULL,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_geom_idx ON post USING gist (geom);

CREATE TABLE checkpoint (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  beat_id       bigint REFERENCES beat (id),
  dwell_minutes integer NOT NULL DEFAULT 5 CHECK (dwell_minutes BETWEEN 0 AND 480),
  district_code text CHECK (district_code ~ '^[0-9]{12}$'),
  geom          geometry(Point, 4326) NOT NULL,
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX checkpoint_geom_idx ON checkpoint USING gist (geom);
CREATE INDEX checkpoint_beat_idx ON checkpoint (beat_id);

CREATE TABLE incident (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
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
);
CREATE INDEX incident_geom_idx ON incident USING gist (geom);
CREATE INDEX incident_occurred_idx ON incident (occurred_at);
CREATE INDEX incident_h3_r9_idx ON incident (h3_r9);
CREATE INDEX incident_category_idx ON incident (category);
CREATE INDEX incident_district_idx ON incident (district_code);

CREATE TABLE road (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  osm_id        bigint,
  name          text,
  -- OSM highway class: motorway, trunk, primary, secondary, tertiary, residential, service, footway …
  road_class    text NOT NULL CHECK (road_class ~ '^[a-z_]{1,40}$'),
  -- 1: one-way along the line, -1: against it, 0: both ways.
  oneway        smallint NOT NULL DEFAULT 0 CHECK (oneway IN (-1, 0, 1)),
  speed_kmh     double precision NOT NULL CHECK (speed_kmh > 0 AND speed_kmh <= 150),
  district_code text CHECK (district_code ~ '^[0-9]{12}$'),
  geom          geometry(LineString, 4326) NOT NULL CHECK (ST_NPoints(geom) >= 2),
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX road_geom_idx ON road USING gist (geom);
CREATE INDEX road_class_idx ON road (road_class);

CREATE TABLE building (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  osm_id        bigint,
  name          text,
  height_m      double precision CHECK (height_m > 0 AND height_m <= 1000),
  levels        integer CHECK (levels > 0 AND levels <= 300),
  district_code text CHECK (district_code ~ '^[0-9]{12}$'),
  geom          geometry(MultiPolygon, 4326) NOT NULL CHECK (ST_IsValid(geom)),
  version       integer NOT NULL DEFAULT 1,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX building_geom_idx ON building USING gist (geom);

-- Every write: who, when, what, before/after, in the same transaction as the write itself.
CREATE TABLE audit_log (
  id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  at        timestamptz NOT NULL DEFAULT now(),
  actor     text NOT NULL,
  entity    text NOT NULL,
  entity_id text,
  action    text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'import')),
  before    jsonb,
  after     jsonb
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
