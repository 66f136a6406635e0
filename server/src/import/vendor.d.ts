// Type declarations for the parsers and the Bloom filter that ship none.
declare module 'tiny-osmpbf' {
  export interface OsmNode {
    type: 'node';
    id: number;
    lat: number;
    lon: number;
    tags?: Record<string, string>;
  }
  export interface OsmWay {
    type: 'way';
    id: number;
    nodes: number[];
    tags?: Record<string, string>;
  }
  export interface OsmRelation {
    type: 'relation';
    id: number;
    tags?: Record<string, string>;
    members: { type: 'node' | 'way' | 'relation'; ref: number; role: string }[];
  }
  export type OsmElement = OsmNode | OsmWay | OsmRelation;
  export default function tinyosmpbf(buffer: Uint8Array): { elements: OsmElement[] };
}

declare module 'shpjs' {
  import type { FeatureCollection } from 'geojson';
  type Parsed = FeatureCollection & { fileName?: string };
  export default function shp(input: ArrayBuffer | Uint8Array): Promise<Parsed | Parsed[]>;
}

declare module 'bloomfilter' {
  /** Jason Davies' Bloom filter: m bits, k hashes (FNV-1a, double hashing). */
  export class BloomFilter {
    constructor(m: number, k: number);
    add(v: string): void;
    test(v: string): boolean;
  }
}
