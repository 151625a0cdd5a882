// The build script computes each route's first paint from src/db/first-paint-queries.json. This test
// keeps that file equal to the queries the pages run (UPDATE_FIRST_PAINT_SQL=1 rewrites it), and
// checks that every first-paint file of the current build equals the same SQL run in DuckDB-WASM.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { filmFirstPaintQueries, firstPaintEntityQueriesDocument, firstPaintQueriesDocument, firstPaintRoute, FILM_ID_PLACEHOLDER } from '../src/db/firstPaintRoutes';
import { literal } from '../src/db/queries';
import type { Row } from '../src/db/rows';
import { openTestEngine } from './engineHarness';

const QUERIES_FILE = join(__dirname, '..', 'src', 'db', 'first-paint-queries.json');
const ENTITY_QUERIES_FILE = join(__dirname, '..', 'src', 'db', 'first-paint-entity-queries.json');
const DATA_DIRECTORY = join(__dirname, '..', 'public', 'data');

describe('first paint', () => {
  it('public/first-paint.js starts the downloads of exactly the first-paint routes', () => {
    const script = readFileSync(join(__dirname, '..', 'public', 'first-paint.js'), 'utf8');
    const literal = script.match(/var FIRST_PAINT_ROUTES = (\{[^}]*\});/)![1];
    const routes = JSON.parse(literal.replace(/'/g, '"')) as Record<string, string>;
    for (const [path, route] of Object.entries(routes)) expect(firstPaintRoute(path), path).toBe(route);
    expect(Object.values(routes).sort()).toEqual(Object.keys(firstPaintQueriesDocument()).sort());
    // Film pages: the script derives the same key from the path as firstPaintRoute.
    expect(script).toContain("var FILM_PATH = /^\\/films\\/([^/]+)$/;");
    expect(script).toContain("route = 'film/' + decodeURIComponent(film[1]);");
  });

  it('the committed first-paint SQL equals the pages default queries', () => {
    const expected = JSON.stringify(firstPaintQueriesDocument(), null, 1) + '\n';
    if (process.env.UPDATE_FIRST_PAINT_SQL === '1') writeFileSync(QUERIES_FILE, expected);
    expect(readFileSync(QUERIES_FILE, 'utf8')).toBe(expected);
  });

  it('the committed film first-paint SQL equals the film page default queries', () => {
    const expected = JSON.stringify(firstPaintEntityQueriesDocument(), null, 1) + '\n';
    if (process.env.UPDATE_FIRST_PAINT_SQL === '1') writeFileSync(ENTITY_QUERIES_FILE, expected);
    expect(readFileSync(ENTITY_QUERIES_FILE, 'utf8')).toBe(expected);
  });

  it('the build substitution of the film placeholder gives the SQL the page runs, for hostile ids too', () => {
    const film = firstPaintEntityQueriesDocument().film;
    // What hyperion/cloud/site_data.py does: the whole literal is replaced by the id quoted, ' doubled.
    const substitute = (sql: string, id: string) => sql.split(film.placeholder).join(`'${id.replace(/'/g, "''")}'`);
    for (const id of ['toy-story', "o'brien", "x' or 1=1; drop table films_complete; --", '\\\'', '__hyperion_film_id__']) {
      const specs = filmFirstPaintQueries(id);
      expect(film.queries.map((query) => substitute(query.sql, id))).toEqual(specs.map((spec) => spec.sql));
      for (const spec of specs) expect(spec.sql).toContain(`= ${literal(id)}`);
    }
    for (const query of film.queries) expect(query.sql).toContain(FILM_ID_PLACEHOLDER);
  });

  it('maps pathnames to first-paint routes', () => {
    expect(firstPaintRoute('/')).toBe('overview');
    expect(firstPaintRoute('/films/')).toBe('films');
    expect(firstPaintRoute('/films/toy-story')).toBe('film/toy-story');
    expect(firstPaintRoute('/films/toy-story/')).toBe('film/toy-story');
    expect(firstPaintRoute('/films/o%27brien')).toBe("film/o'brien");
    expect(firstPaintRoute('/films/%E0%A4%A')).toBeNull();
    expect(firstPaintRoute('/films/a/b')).toBeNull();
    expect(firstPaintRoute('/characters/simba')).toBeNull();
    expect(firstPaintRoute('/analytics')).toBeNull();
  });

  describe('files of the current build', () => {
    let run: (sql: string) => Row[];
    let manifest: {
      database: { file: string; bytes: number };
      first_paint: Record<string, { file: string; bytes: number }>;
      first_paint_entities: Record<string, Record<string, string>>;
    };
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

    it('every film has a hashed file with the SQL its page runs; a sample of them equal DuckDB-WASM', () => {
      const films = run('select film_id from films_complete order by film_id').map((row) => String(row.film_id));
      const entries = manifest.first_paint_entities.film;
      expect(Object.keys(entries)).toEqual(films);
      // Every file's SQL; the rows of every 8th film (all 208 would add ~12 s in the test engine).
      films.forEach((filmId, index) => {
        expect(entries[filmId]).toMatch(/^first-paint-film\.[0-9a-f]{16}\.json$/);
        const file = JSON.parse(readFileSync(join(DATA_DIRECTORY, entries[filmId]), 'utf8')) as { route: string; queries: { sql: string; rows: Row[] }[] };
        expect(file.route).toBe(`film/${filmId}`);
        expect(file.queries.map((query) => query.sql)).toEqual(filmFirstPaintQueries(filmId).map((spec) => spec.sql));
        if (index % 8 === 0) for (const query of file.queries) expect(query.rows, `${filmId}/${query.sql}`).toEqual(run(query.sql));
      });
    });
  });
});
