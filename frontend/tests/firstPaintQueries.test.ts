// The build script computes each route's first paint from src/db/first-paint-queries.json. This test
// keeps that file equal to the queries the pages run (UPDATE_FIRST_PAINT_SQL=1 rewrites it), and
// checks that every first-paint file of the current build equals the same SQL run in DuckDB-WASM.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { firstPaintQueriesDocument, firstPaintRoute } from '../src/db/firstPaintRoutes';
import type { Row } from '../src/db/rows';
import { openTestEngine } from './engineHarness';

const QUERIES_FILE = join(__dirname, '..', 'src', 'db', 'first-paint-queries.json');
const DATA_DIRECTORY = join(__dirname, '..', 'public', 'data');

describe('first paint', () => {
  it('public/first-paint.js starts the downloads of exactly the first-paint routes', () => {
    const script = readFileSync(join(__dirname, '..', 'public', 'first-paint.js'), 'utf8');
    const literal = script.match(/var FIRST_PAINT_ROUTES = (\{[^}]*\});/)![1];
    const routes = JSON.parse(literal.replace(/'/g, '"')) as Record<string, string>;
    for (const [path, route] of Object.entries(routes)) expect(firstPaintRoute(path), path).toBe(route);
    expect(Object.values(routes).sort()).toEqual(Object.keys(firstPaintQueriesDocument()).sort());
  });

  it('the committed first-paint SQL equals the pages default queries', () => {
    const expected = JSON.stringify(firstPaintQueriesDocument(), null, 1) + '\n';
    if (process.env.UPDATE_FIRST_PAINT_SQL === '1') writeFileSync(QUERIES_FILE, expected);
    expect(readFileSync(QUERIES_FILE, 'utf8')).toBe(expected);
  });

  it('maps pathnames to first-paint routes', () => {
    expect(firstPaintRoute('/')).toBe('overview');
    expect(firstPaintRoute('/films/')).toBe('films');
    expect(firstPaintRoute('/films/toy-story')).toBeNull();
    expect(firstPaintRoute('/analytics')).toBeNull();
  });

  describe('files of the current build', () => {
    let run: (sql: string) => Row[];
    let manifest: { database: { file: string; bytes: number }; first_paint: Record<string, { file: string; bytes: number }> };
    beforeAll(async () => {
      run = await openTestEngine();
      const path = join(DATA_DIRECTORY, 'site.json');
      if (!existsSync(path)) throw new Error(`${path} not found: run "make web" (scripts/07_build_site.py) first`);
      manifest = JSON.parse(readFileSync(path, 'utf8'));
    });

    it('every route has a hashed file whose rows equal DuckDB-WASM', () => {
      const document = firstPaintQueriesDocument();
      expect(Object.keys(manifest.first_paint).sort()).toEqual(Object.keys(document).sort());
      for (const [route, queries] of Object.entries(document)) {
        const entry = manifest.first_paint[route];
        expect(entry.file).toMatch(new RegExp(`^first-paint-${route}\\.[0-9a-f]{16}\\.json$`));
        const file = JSON.parse(readFileSync(join(DATA_DIRECTORY, entry.file), 'utf8')) as { queries: { id: string; sql: string; rows: Row[] }[] };
        expect(file.queries.map((query) => query.sql)).toEqual(queries.map((query) => query.sql));
        for (const query of file.queries) expect(query.rows, `${route}/${query.id}`).toEqual(run(query.sql));
      }
      expect(manifest.database.file).toMatch(/^hyperion\.[0-9a-f]{16}\.duckdb$/);
    });
  });
});
