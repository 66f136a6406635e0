-- Planner fence (issue 16): deleting a station no longer silently unties its planners (ON DELETE SET NULL made a
-- planner of a deleted station a planner of every station). The service answers 409 naming what still refers to the
-- station; this keeps the database itself from doing otherwise.
ALTER TABLE app_user DROP CONSTRAINT app_user_station_id_fkey;
ALTER TABLE app_user ADD CONSTRAINT app_user_station_id_fkey FOREIGN KEY (station_id) REFERENCES station (id) ON DELETE RESTRICT;
