/**
 * What districting needs of the grids, all measured once in PostGIS (areas and shared boundaries over geography):
 * per grid its area, outline length and workload; per adjacent pair the length of boundary they share.
 */
export interface GridUnit {
  id: string;
  areaM2: number;
  perimeterM: number;
  /** Workload measures, e.g. { incidents: 310, population: 1200, roadKm: 3.1 }. */
  load: Readonly<Record<string, number>>;
}

export interface GridAdjacency {
  a: string;
  b: string;
  sharedBoundaryM: number;
}

/** Grids as an undirected graph over indices, with shared-boundary lengths on the edges. */
export interface GridGraph {
  units: readonly GridUnit[];
  index: ReadonlyMap<string, number>;
  /** neighbours[i] = [[j, sharedBoundaryM], …] */
  neighbours: readonly (readonly (readonly [number, number])[])[];
}

export function gridGraph(units: readonly GridUnit[], adjacency: readonly GridAdjacency[]): GridGraph {
  const index = new Map(units.map((u, i) => [u.id, i]));
  const neighbours: [number, number][][] = units.map(() => []);
  for (const { a, b, sharedBoundaryM } of adjacency) {
    const i = index.get(a),
      j = index.get(b);
    if (i === undefined || j === undefined || i === j) continue;
    neighbours[i]?.push([j, sharedBoundaryM]);
    neighbours[j]?.push([i, sharedBoundaryM]);
  }
  return { units, index, neighbours };
}

/** True when the members form one connected piece through shared boundaries (an empty set is not contiguous). */
export function isContiguous(g: GridGraph, members: ReadonlySet<number>): boolean {
  const first = members.values().next();
  if (first.done) return false;
  const seen = new Set<number>([first.value]);
  const stack = [first.value];
  while (stack.length) {
    const v = stack.pop() as number;
    for (const [w] of g.neighbours[v] ?? []) {
      if (members.has(w) && !seen.has(w)) {
        seen.add(w);
        stack.push(w);
      }
    }
  }
  return seen.size === members.size;
}
