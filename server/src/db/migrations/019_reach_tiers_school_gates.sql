-- Issue 18. Key places carry the 1-3-5 tier they must be reached in (快反圈), NULL meaning the default for their kind
-- (government, transit hubs, hospitals 1 min; schools, kindergartens, banks, markets 3 min; others 5 min). Schools
-- carry their entry and exit bells (local "HH:MM"), NULL meaning 07:30 and 16:30. Gate duties (护学岗) a patrol plan
-- put at a school gate on a day, so "which schools have no 护学岗 coverage at 16:30 today" can be answered.
ALTER TABLE key_place
  ADD COLUMN reach_tier_minutes smallint CHECK (reach_tier_minutes IN (1, 3, 5)),
  ADD COLUMN entry_time text CHECK (entry_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
  ADD COLUMN exit_time text CHECK (exit_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$');

CREATE TABLE gate_duty (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- The local day and the local minute of the day the unit is planned to arrive at the gate.
  day           date NOT NULL,
  key_place_id  bigint NOT NULL REFERENCES key_place (id) ON DELETE CASCADE,
  arrival_min   integer NOT NULL CHECK (arrival_min BETWEEN 0 AND 2879),
  dwell_min     integer NOT NULL CHECK (dwell_min BETWEEN 0 AND 480),
  -- Which plan put it there: the base the patrol starts from and its unit number.
  base_kind     text NOT NULL CHECK (base_kind IN ('post', 'station')),
  base_id       bigint NOT NULL,
  unit          integer NOT NULL,
  created_by    text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX gate_duty_day_idx ON gate_duty (day, key_place_id);
