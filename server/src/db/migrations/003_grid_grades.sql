-- Risk grades of grids (红黄绿 挂牌整治): one row per grid per computation day, so a leader sees a grid move from red
-- to yellow. A recomputation on the same day replaces that day's rows.

CREATE TABLE grid_grade (
  grid_code     text NOT NULL REFERENCES grid (code) ON UPDATE CASCADE ON DELETE CASCADE,
  computed_on   date NOT NULL,
  grade         text NOT NULL CHECK (grade IN ('red', 'yellow', 'green', 'blue')),
  incidents     integer NOT NULL CHECK (incidents >= 0),
  -- Incidents per 1,000 residents over the period (NULL for a grid with too few residents: then `basis` is area).
  rate_per_1000 double precision,
  -- The grid's rate (or density) over the district's: 3.4 means 3.4× the district.
  rate_ratio    double precision NOT NULL,
  basis         text NOT NULL CHECK (basis IN ('population', 'area')),
  hot_cells     integer NOT NULL CHECK (hot_cells >= 0),
  -- Machine-readable reasons ({code, …numbers}); the API renders them in zh-CN and en.
  reasons       jsonb NOT NULL,
  -- The thresholds and period the grades were computed with.
  params        jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (grid_code, computed_on)
);
CREATE INDEX grid_grade_day_idx ON grid_grade (computed_on);
