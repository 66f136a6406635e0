-- Issue 20. Image quality (DORI, IEC 62676-4) and the 雪亮工程 / 护学岗 reports.
-- Cameras carry what the pixel density at a distance needs: the ledger's 分辨率 as written (parsed by the engine:
-- "1920×1080", "400万"; NULL → the type's default), the lens's horizontal field (or focal length and sensor width),
-- and the tilt below the horizon (with height_m it gives the blind zone under the mast). position_type is the GB/T
-- 28181 PositionType of the site (党政机关, 车站码头, 校园周边 …), for the KPIs per location type.
ALTER TABLE camera
  ADD COLUMN resolution      text CHECK (length(resolution) BETWEEN 1 AND 40),
  ADD COLUMN lens_fov_deg    double precision CHECK (lens_fov_deg > 0 AND lens_fov_deg < 180),
  ADD COLUMN focal_length_mm double precision CHECK (focal_length_mm > 0 AND focal_length_mm <= 2000),
  ADD COLUMN sensor_width_mm double precision CHECK (sensor_width_mm > 0 AND sensor_width_mm <= 100),
  ADD COLUMN tilt_deg        double precision NOT NULL DEFAULT 15 CHECK (tilt_deg >= 0 AND tilt_deg <= 90),
  ADD COLUMN position_type   text CHECK (length(position_type) BETWEEN 1 AND 40);

-- Key places: the band they must be seen at (NULL → by kind: schools, banks, transit hubs identify), and whether the
-- place's one-key alarm (一键式报警) is networked to the command centre.
ALTER TABLE key_place
  ADD COLUMN required_band text CHECK (required_band IN ('identify', 'recognise', 'observe', 'detect')),
  ADD COLUMN one_key_alarm boolean NOT NULL DEFAULT false;

-- School gates: points on (or next to) a school's outline, imported or placed by hand. A school without a gate row
-- is judged at its own point (or the point on its grounds).
CREATE TABLE school_gate (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  key_place_id  bigint NOT NULL REFERENCES key_place (id) ON DELETE CASCADE,
  name          text NOT NULL DEFAULT '校门' CHECK (length(name) BETWEEN 1 AND 200),
  geom          geometry(Point, 4326) NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX school_gate_place_idx ON school_gate (key_place_id);
CREATE INDEX school_gate_geom_idx ON school_gate USING gist (geom);
