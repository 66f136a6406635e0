import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gridGraph, isContiguous, type GridAdjacency } from '../districting/index.js';
import { generateDemoCity } from './city.js';

const hash = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex');
const city = generateDemoCity(20261125, { incidents: 20_000 });

describe('generateDemoCity', () => {
  it('when run twice with one seed, then the output is identical; another seed gives another city', () => {
    expect(hash(generateDemoCity(20261125, { incidents: 20_000 }))).toBe(hash(city));
    expect(hash(generateDemoCity(7, { incidents: 20_000 }))).not.toBe(hash(city));
  }, 60_000); // generates the whole demo city

  it('when counted, then the city has the sizes the foundation issue asks for', () => {
    const levels = (l: string) => city.adminAreas.filter((a) => a.properties.level === l).length;
    expect([levels('region'), levels('district'), levels('township')]).toEqual([1, 1, 4]);
    expect(levels('community')).toBeGreaterThanOrEqual(25);
    expect(city.grids.length).toBeGreaterThanOrEqual(350);
    const dedicated = city.grids.filter((g) => g.properties.kind === 'dedicated').length / city.grids.length;
    expect(dedicated).toBeGreaterThan(0.1);
    expect(dedicated).toBeLessThan(0.16);
    expect(city.stations).toHaveLength(5);
    expect(city.beats.length).toBeGreaterThanOrEqual(45);
    expect(city.cameras.length).toBeGreaterThanOrEqual(1900);
    expect(city.posts).toHaveLength(30);
    expect(city.checkpoints.length).toBeGreaterThanOrEqual(70);
    expect(city.checkpoints.length).toBeLessThanOrEqual(100);
    expect(generateDemoCity(1).incidents).toHaveLength(100_000);
  }, 60_000); // generates the whole demo city

  it('when codes are read, then they are unique and shaped as the schema requires', () => {
    const gridCodes = city.grids.map((g) => g.properties.code as string);
    expect(new Set(gridCodes).size).toBe(gridCodes.length);
    for (const g of city.grids) {
      expect(g.properties.code).toMatch(/^[0-9]{15}$/);
      expect((g.properties.code as string).slice(0, 12)).toBe(g.properties.community_code);
    }
    for (const a of city.adminAreas) expect(a.properties.code).toMatch(/^[0-9]{12}$/);
    const beatCodes = city.beats.map((b) => b.properties.code);
    expect(new Set(beatCodes).size).toBe(beatCodes.length);
    for (const c of city.cameras) expect(c.properties.heading_deg as number).toBeLessThan(360);
  });

  it('when incidents are binned by Beijing hour, then the evening peaks and the small hours are quiet', () => {
    const byHour = new Array<number>(24).fill(0);
    for (const i of city.incidents) byHour[Number((i.properties.occurred_at as string).slice(11, 13))]!++;
    const peak = byHour.indexOf(Math.max(...byHour));
    const low = byHour.indexOf(Math.min(...byHour));
    expect(peak).toBeGreaterThanOrEqual(19);
    expect(peak).toBeLessThanOrEqual(22);
    expect(low).toBeGreaterThanOrEqual(2);
    expect(low).toBeLessThanOrEqual(6);
  });

  it("when each beat's grids are checked on the block graph, then they are contiguous (grids share block edges)", () => {
    // Grids are blocks; two blocks are neighbours when their rings share two corners.
    const corners = city.grids.map(
      (g) => new Set((g.geometry as { coordinates: number[][][][] }).coordinates[0]![0]!.map((p) => p.join(','))),
    );
    const adjacency: GridAdjacency[] = [];
    for (let a = 0; a < corners.length; a++)
      for (let b = a + 1; b < corners.length; b++) {
        let shared = 0;
        for (const p of corners[a]!) if (corners[b]!.has(p)) shared++;
        if (shared >= 2) adjacency.push({ a: String(a), b: String(b), sharedBoundaryM: 1 });
      }
    const g = gridGraph(
      city.grids.map((_, i) => ({ id: String(i), areaM2: 1, perimeterM: 4, load: {} })),
      adjacency,
    );
    // A grid belongs to the beat whose ring has all of its corners.
    for (const beat of city.beats) {
      const ring = new Set(
        (beat.geometry as { coordinates: number[][][][] }).coordinates[0]![0]!.map((p) => p.join(',')),
      );
      const xs = (beat.geometry as { coordinates: number[][][][] }).coordinates[0]![0]!.map((p) => p[0]!);
      const ys = (beat.geometry as { coordinates: number[][][][] }).coordinates[0]![0]!.map((p) => p[1]!);
      const inside = new Set<number>();
      city.grids.forEach((grid, i) => {
        const pts = (grid.geometry as { coordinates: number[][][][] }).coordinates[0]![0]!;
        const cx = pts.slice(0, 4).reduce((s, p) => s + p[0]!, 0) / 4,
          cy = pts.slice(0, 4).reduce((s, p) => s + p[1]!, 0) / 4;
        if (cx > Math.min(...xs) && cx < Math.max(...xs) && cy > Math.min(...ys) && cy < Math.max(...ys)) inside.add(i);
      });
      expect(inside.size, `beat ${String(beat.properties.code)}`).toBe(8);
      expect(isContiguous(g, inside)).toBe(true);
      expect(ring.size).toBeGreaterThan(4);
    }
  }, 60_000); // generates the whole demo city
});
