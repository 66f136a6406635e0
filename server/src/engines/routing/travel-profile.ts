/** How a unit moves on the road network: which classes it may use, how fast, and whether one-way rules bind it. */
export interface TravelProfile {
  name: 'car' | 'foot';
  /** Road classes this profile may not use. */
  excludedClasses: ReadonlySet<string>;
  /** Foot patrols walk both ways on one-way streets. */
  obeysOneway: boolean;
  /** Speed used for every road, overriding the road's own speed (walking pace); undefined: the road's speed. */
  fixedSpeedKmh?: number;
  /** Upper bound on the road's own speed (patrol cars in a city do not drive at the posted motorway limit). */
  maxSpeedKmh?: number;
}

/** A patrol car: no footways, steps or paths; one-way rules apply; at most 60 km/h. */
export const CAR: TravelProfile = {
  name: 'car',
  excludedClasses: new Set([
    'footway',
    'pedestrian',
    'steps',
    'path',
    'cycleway',
    'bridleway',
    'corridor',
    'elevator',
    'platform',
  ]),
  obeysOneway: true,
  maxSpeedKmh: 60,
};

/** An officer on foot at 5 km/h: no motorways or trunk roads; one-way rules do not apply. */
export const FOOT: TravelProfile = {
  name: 'foot',
  excludedClasses: new Set(['motorway', 'motorway_link', 'trunk', 'trunk_link']),
  obeysOneway: false,
  fixedSpeedKmh: 5,
};
