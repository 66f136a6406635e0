import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * No string-built SQL from input: every `${…}` inside a template literal that holds SQL in server/src must be either a
 * placeholder number (`$${n}`) or one of the reviewed fragments below. Each reviewed fragment is built from code
 * constants — table and column names from the layer catalogue, fixed SQL snippets, `$n` placeholders pushed with their
 * value (`p(x)`), validated integers (tile zoom) — never from request text. A new interpolation fails this test
 * until someone reads it and lists it here; request values go in as parameters.
 */
const REVIEWED: Record<string, readonly string[]> = {
  // Table and column names from the layer catalogue; the month function's name is a constant in MONTH_PARTITIONED;
  // `geom` is geometrySql over the constant alias u.g (districtOfSql).
  'db/bulk-insert.ts': [
    "aliases.join(', ')",
    'geom',
    'layer.table',
    'months.ensure',
    "names.join(', ')",
    "select.join(', ')",
    "unnestArgs.join(', ')",
  ],
  'db/client.ts': ["columns.join(', ')", 'opts.schema', 'table'],
  // The schema name is checked against SCHEMA_NAME in openDb (client.ts) before the thread is started.
  'db/embedded-thread.ts': ['opts.schema'],
  // Table and column names from the layer catalogue (LAYERS), constant joins; the bbox is passed as $1…$4.
  'db/repos/export.repo.ts': ["pairs.join(', ')", 'def.table', 'join', 'where'],
  'db/repos/coverage.repo.ts': [
    'CAMERA_COLUMNS',
    "['road', 'building', 'key_place', table].map(part).join(\" || '|' || \")",
    'area.from',
    'area.key',
    "bbox ? `WHERE c.geom && ${envelope(1)}` : ''",
    "bbox ? `WHERE r.geom && ${envelope(1)}` : ''",
    'envelope(1)',
    't',
    'where',
  ],
  'db/repos/features.repo.ts': [
    'featureJsonSql(layer)',
    "geometrySql(layer, '$1')",
    'layer.table',
    'p(q.limit)',
    'p(recorded)',
    'p(q.offset)',
    "sets.join(', ')",
    "where.join(' AND ')",
    "where.length ? `WHERE ${where.join(' AND ')}` : ''",
  ],
  // Constant column lists written in the repo (no input reaches them).
  'db/repos/jobs.repo.ts': ['COLUMNS'],
  'db/repos/plans.repo.ts': ['SELECT_PLAN'],
  'db/repos/grades.repo.ts': ['SELECT', "day ? '$1::date' : '(SELECT max(computed_on) FROM grid_grade)'"],
  // Table and column names from the layer catalogue (LAYERS), the two unique columns, a constant column list.
  'db/repos/import.repo.ts': [
    'BATCH_COLUMNS',
    "aliases.join(', ')",
    "args.join(', ')",
    'c',
    'def.table',
    "geometrySql(def, 'u.gj')",
    'sets',
    "sets.join(', ')",
    't',
  ],
  'db/repos/incident-analysis.repo.ts': [
    'AREA_FROM[area.kind]',
    'AREA_FROM[kind]',
    // The bin key is one of three fixed expressions chosen by an enum the contract validated.
    'BIN_KEY[bin]()',
    'POPULATION[kind]',
    "opts.geometry ? ', ST_AsGeoJSON(ST_Multi(a.geom), 7)::json AS geometry' : ''",
    'res',
    'tzSql()',
    "where.join(' AND ')",
    "where.length ? `WHERE ${where.join(' AND ')}` : ''",
    "where.map((w) => `AND ${w}`).join(' ')",
  ],
  'db/repos/incident-cells.repo.ts': [
    "c('occurred_at')",
    'col',
    'tzSql()',
    'p(f.hours)',
    'p(f.weekdays)',
    "where.join(' AND ')",
    "where.length ? `WHERE ${where.join(' AND ')}` : ''",
  ],
  'db/repos/road-network.repo.ts': ['sql'],
  'db/repos/tiles.repo.ts': [
    'ENVELOPE',
    'QUERY_BOX',
    'TILE_BUFFER',
    'TILE_EXTENT',
    "attrs.join(', ')",
    'from',
    'labelFilter',
    "layers.join('\\n || ')",
    'literal(l.id)',
    'mercatorGeom(l, z)',
    'props',
    't',
    'table',
    'tileGeomSql(l, t.z)',
    'union',
    'zoom',
  ],
  'db/repos/topology.repo.ts': ['G', 'GRID'],
  'db/repos/users.repo.ts': ['USER_COLUMNS'],
  'services/demo-city.service.ts': ['table'],
};

const SRC = path.resolve(import.meta.dirname, '../../src');
const SQL = /\b(SELECT|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|WHERE|FROM|JOIN|COPY|CREATE|ALTER|DROP)\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    return statSync(p).isDirectory() ? sourceFiles(p) : p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

/** Interpolations in SQL templates, as "file\texpression", and SQL passed to query/exec as a `+` concatenation. */
function findInterpolations(): { spans: string[]; concatenated: string[] } {
  const spans: string[] = [],
    concatenated: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const rel = path.relative(SRC, file).split(path.sep).join('/');
    const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node): void => {
      if (
        ts.isTemplateExpression(n) &&
        SQL.test([n.head.text, ...n.templateSpans.map((s) => s.literal.text)].join(' '))
      ) {
        let before = n.head.text;
        for (const s of n.templateSpans) {
          if (!before.endsWith('$')) spans.push(`${rel}\t${s.expression.getText(sf).replace(/\s+/g, ' ')}`);
          before = s.literal.text;
        }
      }
      if (
        ts.isCallExpression(n) &&
        ts.isPropertyAccessExpression(n.expression) &&
        ['query', 'exec'].includes(n.expression.name.text) &&
        n.arguments[0] &&
        ts.isBinaryExpression(n.arguments[0]) &&
        n.arguments[0].operatorToken.kind === ts.SyntaxKind.PlusToken
      ) {
        concatenated.push(`${rel}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return { spans, concatenated };
}

describe('parameterised SQL only', () => {
  it('when server/src is scanned, then every interpolation into SQL text is a placeholder or a reviewed constant fragment', () => {
    const { spans, concatenated } = findInterpolations();
    const unreviewed = spans.filter((s) => {
      const [file, expr] = s.split('\t') as [string, string];
      return !(REVIEWED[file] ?? []).includes(expr);
    });
    expect(
      unreviewed,
      'new interpolation into SQL: pass the value as a parameter, or review it and list it in REVIEWED',
    ).toEqual([]);
    expect(concatenated, 'SQL built with + and sent to query/exec').toEqual([]);
    // The scan is alive: it sees the reviewed fragments it is meant to see.
    expect(spans.length).toBeGreaterThan(40);
  }, 60_000); // parses every file under server/src with the TypeScript compiler: ~6 s when the machine is busy

  it('when the reviewed list is read, then every entry still exists (the list does not go stale)', () => {
    const { spans } = findInterpolations();
    const stale = Object.entries(REVIEWED).flatMap(([file, exprs]) =>
      exprs.filter((e) => !spans.includes(`${file}\t${e}`)).map((e) => `${file}: ${e}`),
    );
    expect(stale).toEqual([]);
  }, 60_000); // reads the tree again
});
