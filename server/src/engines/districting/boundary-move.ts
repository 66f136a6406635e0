import { at } from '../shared/checked.js';
import { isContiguous, type GridGraph } from './grid-graph.js';
import { beatShape } from './scores.js';

/** A single-grid boundary move: grid `i` leaves beat `from` for the neighbouring beat `to`. */
export interface BoundaryMove {
  i: number;
  from: number;
  to: number;
  /** Objective change of the move. */
  delta: number;
  /** Polsby–Popper of the donor without the grid and of the receiver with it. */
  ppFrom: number;
  ppTo: number;
}

/**
 * The best move of one tabu-search step (both districting searches share it): for every grid that may move, each
 * neighbouring beat it could join, provided its donor keeps another grid and stays in one piece. The first of equal
 * deltas wins (grids in index order, target beats in neighbour order), so a search stays deterministic.
 * @param movable whether grid i (now in beat `from`) may move at all
 * @param joinable whether a grid may move into beat b
 * @param delta the objective change of a move, given the donor's and the receiver's new Polsby–Popper
 * @param allowed whether a move of this delta is allowed for grid i (tabu, unless aspiration)
 */
export function bestBoundaryMove(
  g: GridGraph,
  assignment: ArrayLike<number>,
  members: readonly Set<number>[],
  rule: {
    movable(i: number, from: number): boolean;
    joinable(b: number): boolean;
    delta(i: number, from: number, to: number, ppFrom: number, ppTo: number): number;
    allowed(i: number, delta: number): boolean;
  },
): BoundaryMove | undefined {
  let move: BoundaryMove | undefined;
  for (let i = 0; i < g.units.length; i++) {
    const from = at(assignment, i, 'grid');
    if (!rule.movable(i, from)) continue;
    const donor = at(members, from, 'beat');
    if (donor.size <= 1) continue;
    const targets = new Set<number>();
    for (const [j] of at(g.neighbours, i, 'grid')) {
      const b = at(assignment, j, 'grid');
      if (b !== from && rule.joinable(b)) targets.add(b);
    }
    if (targets.size === 0) continue;
    donor.delete(i);
    const ok = isContiguous(g, donor);
    const ppFrom = ok ? beatShape(g, donor).polsbyPopper : 0;
    donor.add(i);
    if (!ok) continue;
    for (const to of targets) {
      const receiver = at(members, to, 'beat');
      receiver.add(i);
      const ppTo = beatShape(g, receiver).polsbyPopper;
      receiver.delete(i);
      const delta = rule.delta(i, from, to, ppFrom, ppTo);
      if (!rule.allowed(i, delta)) continue;
      if (!move || delta < move.delta) move = { i, from, to, delta, ppFrom, ppTo };
    }
  }
  return move;
}
