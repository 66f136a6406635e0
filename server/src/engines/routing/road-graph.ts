import { at } from '../shared/checked.js';
import type { TravelProfile } from './travel-profile.js';

/** A road as the graph builder needs it: its line, direction rule and speed (from the road table). */
export interface RoadInput {
  id: number;
  /** [lon, lat] positions, WGS84. */
  coordinates: readonly (readonly [number, number])[];
  roadClass: string;
  /** 1: one-way along the line, −1: against it, 0: both ways. */
  oneway: -1 | 0 | 1;
  speedKmh: number;
}

/**
 * The road network as a directed graph in compact arrays (CSR adjacency). Nodes are real junctions: a vertex shared
 * by two roads (or a road's end), as osm2pgrouting splits ways. Edge e is the road piece between two consecutive
 * junctions; `cost`/`reverseCost` are seconds, −1 where travel that way is not allowed (the pgRouting convention),
 * so the edges can be written to a table that `pgr_dijkstra` reads unchanged.
 */
export interface RoadGraph {
  nodeCount: number;
  nodeLon: Float64Array;
  nodeLat: Float64Array;
  edgeCount: number;
  edgeSource: Int32Array;
  edgeTarget: Int32Array;
  edgeLengthMeters: Float64Array;
  edgeCost: Float64Array;
  edgeReverseCost: Float64Array;
  edgeRoadId: Float64Array;
  /** Positions of edge e are edgeCoords[2·edgeCoordStart[e] … 2·edgeCoordStart[e+1]) as lon, lat pairs. */
  edgeCoordStart: Int32Array;
  edgeCoords: Float64Array;
  /** Outgoing arcs of node v: arcStart[v] … arcStart[v+1] into arcTarget / arcCost / arcEdge. */
  arcStart: Int32Array;
  arcTarget: Int32Array;
  arcCost: Float64Array;
  arcEdge: Int32Array;
}

/**
 * Checks that e is an edge of g, once, before a per-query routine reads the edge's arrays unchecked (a checked read of
 * each made a point's origins, exits and arrival a visible share of a short route, issue 18).
 * @throws RangeError naming the edge and the range
 */
export function checkEdge(g: RoadGraph, e: number): void {
  if (!(Number.isInteger(e) && e >= 0 && e < g.edgeCount))
    throw new RangeError(`edge ${e} is out of range [0, ${g.edgeCount})`);
}

const EARTH_RADIUS_M = 6_371_008.8; // mean radius, as turf uses

/** Great-circle distance in metres (haversine). */
export function haversineMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Vertices closer than this (1e-7°, about 1 cm) are the same junction, as OSM coordinates are stored to 1e-7. */
const key = (lon: number, lat: number) => `${Math.round(lon * 1e7)},${Math.round(lat * 1e7)}`;

/**
 * Builds the junction graph of the roads a profile may use. Roads are not mutated.
 * @param roads the road table's rows
 * @param profile car or foot (classes, one-way rules, speeds)
 */
export function buildRoadGraph(roads: readonly RoadInput[], profile: TravelProfile): RoadGraph {
  const usable = roads.filter((r) => !profile.excludedClasses.has(r.roadClass) && r.coordinates.length >= 2);
  // Pass 1: how many road vertices sit on each position; shared positions and road ends become junctions.
  const uses = new Map<string, number>();
  for (const r of usable) {
    r.coordinates.forEach(([lon, lat], i) => {
      const k = key(lon, lat);
      const isEnd = i === 0 || i === r.coordinates.length - 1;
      uses.set(k, (uses.get(k) ?? 0) + (isEnd ? 2 : 1));
    });
  }
  const nodeIndex = new Map<string, number>();
  const lons: number[] = [];
  const lats: number[] = [];
  const nodeOf = (lon: number, lat: number) => {
    const k = key(lon, lat);
    let v = nodeIndex.get(k);
    if (v === undefined) {
      v = lons.length;
      nodeIndex.set(k, v);
      lons.push(lon);
      lats.push(lat);
    }
    return v;
  };
  // Pass 2: split each road at its junctions into edges.
  const src: number[] = [],
    tgt: number[] = [],
    len: number[] = [],
    cost: number[] = [],
    rcost: number[] = [];
  const roadIds: number[] = [],
    coordStart: number[] = [],
    coords: number[] = [];
  for (const r of usable) {
    const speed = profile.fixedSpeedKmh ?? Math.min(r.speedKmh, profile.maxSpeedKmh ?? Infinity);
    const mps = speed / 3.6;
    const forward = !profile.obeysOneway || r.oneway !== -1;
    const backward = !profile.obeysOneway || r.oneway !== 1;
    let from = 0;
    let length = 0;
    for (let i = 1; i < r.coordinates.length; i++) {
      const [lon0, lat0] = at(r.coordinates, i - 1, 'position');
      const [lon1, lat1] = at(r.coordinates, i, 'position');
      length += haversineMeters(lon0, lat0, lon1, lat1);
      const last = i === r.coordinates.length - 1;
      if (!last && (uses.get(key(lon1, lat1)) ?? 0) < 2) continue;
      const [flon, flat] = at(r.coordinates, from, 'position');
      src.push(nodeOf(flon, flat));
      tgt.push(nodeOf(lon1, lat1));
      len.push(length);
      cost.push(forward ? length / mps : -1);
      rcost.push(backward ? length / mps : -1);
      roadIds.push(r.id);
      coordStart.push(coords.length / 2);
      for (let k = from; k <= i; k++) coords.push(...at(r.coordinates, k, 'position'));
      from = i;
      length = 0;
    }
  }
  coordStart.push(coords.length / 2);
  return withArcs({
    nodeCount: lons.length,
    nodeLon: Float64Array.from(lons),
    nodeLat: Float64Array.from(lats),
    edgeCount: src.length,
    edgeSource: Int32Array.from(src),
    edgeTarget: Int32Array.from(tgt),
    edgeLengthMeters: Float64Array.from(len),
    edgeCost: Float64Array.from(cost),
    edgeReverseCost: Float64Array.from(rcost),
    edgeRoadId: Float64Array.from(roadIds),
    edgeCoordStart: Int32Array.from(coordStart),
    edgeCoords: Float64Array.from(coords),
  });
}

/** Adds the CSR adjacency (both directions of every edge that allows them). */
function withArcs(g: Omit<RoadGraph, 'arcStart' | 'arcTarget' | 'arcCost' | 'arcEdge'>): RoadGraph {
  const degree = new Int32Array(g.nodeCount + 1);
  const bump = (k: number) => {
    degree[k] = at(degree, k, 'node') + 1;
  };
  for (let e = 0; e < g.edgeCount; e++) {
    if (at(g.edgeCost, e, 'edge') >= 0) bump(at(g.edgeSource, e, 'edge') + 1);
    if (at(g.edgeReverseCost, e, 'edge') >= 0) bump(at(g.edgeTarget, e, 'edge') + 1);
  }
  for (let v = 0; v < g.nodeCount; v++) degree[v + 1] = at(degree, v + 1) + at(degree, v);
  const arcStart = degree;
  const n = at(arcStart, g.nodeCount);
  const arcTarget = new Int32Array(n),
    arcCost = new Float64Array(n),
    arcEdge = new Int32Array(n);
  const fill = Int32Array.from(arcStart.subarray(0, g.nodeCount));
  const put = (from: number, to: number, c: number, e: number) => {
    const slot = at(fill, from, 'node');
    fill[from] = slot + 1;
    arcTarget[slot] = to;
    arcCost[slot] = c;
    arcEdge[slot] = e;
  };
  for (let e = 0; e < g.edgeCount; e++) {
    const s = at(g.edgeSource, e, 'edge'),
      t = at(g.edgeTarget, e, 'edge');
    const c = at(g.edgeCost, e, 'edge'),
      rc = at(g.edgeReverseCost, e, 'edge');
    if (c >= 0) put(s, t, c, e);
    if (rc >= 0) put(t, s, rc, e);
  }
  return { ...g, arcStart, arcTarget, arcCost, arcEdge };
}
