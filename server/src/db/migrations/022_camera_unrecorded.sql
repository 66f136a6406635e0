-- 一机一档 honestly (issue #20): direction, height and type are NOT NULL with defaults in the camera table (0°, 6 m,
-- bullet), so a ledger row without them was stored with the defaults and counted as on file. `unrecorded` names the
-- columns of a camera that took their default because the ledger (or the API) did not give them; 建档率 counts those
-- fields as missing until someone records them. Rows stored before this migration cannot be told apart: '{}'.
ALTER TABLE camera ADD COLUMN unrecorded text[] NOT NULL DEFAULT '{}'
  CHECK (unrecorded <@ ARRAY['heading_deg', 'height_m', 'camera_type']::text[]);
