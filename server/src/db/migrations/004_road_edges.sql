-- The routable road network per travel profile, in the shape pgRouting reads: one row per road piece between two
-- junctions, node ids from 1, cost / reverse_cost in seconds (-1 = not allowed that way). Rebuilt from `road` by the
-- routing service whenever the roads change; `pgr_dijkstra('SELECT id, source, target, cost, reverse_cost FROM
-- road_edge WHERE profile = ''car''', …)` runs on exactly the graph the service searches.

CREATE TABLE road_edge (
  profile      text NOT NULL CHECK (profile IN ('car', 'foot')),
  id           bigint NOT NULL,
  source       bigint NOT NULL,
  target       bigint NOT NULL,
  cost         double precision NOT NULL,
  reverse_cost double precision NOT NULL,
  length_m     double precision NOT NULL CHECK (length_m >= 0),
  road_id      bigint NOT NULL,
  geom         geometry(LineString, 4326) NOT NULL,
  PRIMARY KEY (profile, id)
);
CREATE INDEX road_edge_geom_idx ON road_edge USING gist (geom);

-- Which roads the stored edges were built from (count, newest change), so a stale network is rebuilt.
CREATE TABLE road_network_state (
  profile    text PRIMARY KEY CHECK (profile IN ('car', 'foot')),
  roads_key  text NOT NULL,
  built_at   timestamptz NOT NULL DEFAULT now()
);
