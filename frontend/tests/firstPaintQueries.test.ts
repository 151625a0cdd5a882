// The build script computes each route's first paint from src/db/first-paint-queries.json. This test
// keeps that file equal to the queries the pages run (UPDATE_FIRST_PAINT_SQL=1 rewrites it), and
// checks that every first-paint file of the current build equals the same SQL run in DuckDB-WASM.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  analyticsDefaultQuery,
  characterFirstPaintQueries,
  filmFirstPaintQueries,
  firstPaintEntityQueriesDocument,
  firstPaintQueriesDocument,
  firstPaintRoute,
  FILM_ID_PLACEHOLDER,
  SHARDS,
  shardOf,
  studioFirstPaintQueries,
  talentFirstPaintQueries,
} from '../src/db/firstPaintRoutes';
import { EXAMPLE_QUERIES, literal, studioOptionsQuery } from '../src/db/queries';
import { firstPaintFileName, type SiteManifest } from '../src/db/siteData';
import { guardSql } from '../src/db/sqlGuard';
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
    // Entity pages (the file each path fetches) are checked by running the script: firstPaintEarly.test.ts.
  });

  it('the analytics first paint is the query /analytics runs on open, through the same guard', () => {
    const guarded = guardSql(EXAMPLE_QUERIES[0].sql);
    expect(guarded.ok).toBe(true);
    expect(analyticsDefaultQuery().sql).toBe(guarded.ok ? guarded.sql : null);
    expect(firstPaintQueriesDocument().analytics.map((query) => query.sql)).toContain(analyticsDefaultQuery().sql);
  });

  it('the shard of an id is FNV-1a 32 (its published vectors) of the UTF-8 bytes, as in site_data.py', () => {
    expect(shardOf('', 2 ** 32)).toBe(0x811c9dc5);
    expect(shardOf('a', 2 ** 32)).toBe(0xe40c292c);
    expect(shardOf('foobar', 2 ** 32)).toBe(0xbf9cf968);
    // The same figures as tests/unit/test_site_data.py (multi-byte UTF-8 and a quote).
    expect(shardOf('Zoë', 2 ** 32)).toBe(0xc2a2bddc);
    expect(shardOf("Ed O'Neill", 32)).toBe(shardOf("Ed O'Neill", 2 ** 32) % 32);
    expect(shardOf("Ed O'Neill", 32)).toBe(30);
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

  it('the build substitution of each entity placeholder gives the SQL the page runs, for hostile ids too', () => {
    const documents = firstPaintEntityQueriesDocument();
    const pages = { film: filmFirstPaintQueries, studio: studioFirstPaintQueries, character: characterFirstPaintQueries, talent: talentFirstPaintQueries };
    expect(Object.keys(documents).sort()).toEqual(Object.keys(pages).sort());
    for (const [entity, queries] of Object.entries(pages)) {
      const document = documents[entity];
      // What hyperion/cloud/site_data.py does: the whole literal is replaced by the id quoted, ' doubled.
      const substitute = (sql: string, id: string) => sql.split(document.placeholder).join(`'${id.replace(/'/g, "''")}'`);
      for (const id of ['toy-story', "o'brien", "x' or 1=1; drop table films_complete; --", '\\\'', document.placeholder.slice(1, -1)]) {
        const specs = queries(id);
        expect(document.queries.map((query) => substitute(query.sql, id)), `${entity} ${id}`).toEqual(specs.map((spec) => spec.sql));
        for (const spec of specs) expect(spec.sql).toContain(literal(id));
      }
      for (const query of document.queries) expect(query.sql).toContain(document.placeholder);
    }
    expect(documents.film.placeholder).toBe(FILM_ID_PLACEHOLDER);
    // Thousands of characters and voice actors: shard files; the voice actor page's studio names once a file.
    expect([documents.character.shards, documents.talent.shards, documents.film.shards, documents.studio.shards]).toEqual([SHARDS, SHARDS, undefined, undefined]);
    expect(documents.talent.shared).toEqual([{ id: studioOptionsQuery.id, sql: studioOptionsQuery.sql }]);
  });

  it('maps pathnames to first-paint routes', () => {
    expect(firstPaintRoute('/')).toBe('overview');
    expect(firstPaintRoute('/films/')).toBe('films');
    expect(firstPaintRoute('/films/toy-story')).toBe('film/toy-story');
    expect(firstPaintRoute('/films/toy-story/')).toBe('film/toy-story');
    expect(firstPaintRoute('/films/o%27brien')).toBe("film/o'brien");
    expect(firstPaintRoute('/films/%E0%A4%A')).toBeNull();
    expect(firstPaintRoute('/films/a/b')).toBeNull();
    expect(firstPaintRoute('/characters/simba')).toBe('character/simba');
    expect(firstPaintRoute('/studios/wdas')).toBe('studio/wdas');
    expect(firstPaintRoute("/talent/Ed%20O'Neill")).toBe("talent/Ed O'Neill");
    expect(firstPaintRoute('/analytics')).toBe('analytics');
    expect(firstPaintRoute('/map')).toBeNull();
    expect(firstPaintRoute('/toString')).toBeNull();
    expect(firstPaintRoute('/constructor/x')).toBeNull();
  });

  describe('files of the current build', () => {
    let run: (sql: string) => Row[];
    let manifest: SiteManifest & {
      first_paint_entities: Record<string, Record<string, string>>;
      first_paint_shards: Record<string, string[]>;
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

    it('every studio has its own hashed file whose rows equal DuckDB-WASM', () => {
      const studios = run('select studio_id from studio_stats order by studio_id').map((row) => String(row.studio_id));
      const entries = manifest.first_paint_entities.studio;
      expect(Object.keys(entries)).toEqual(studios);
      for (const studioId of studios) {
        expect(entries[studioId]).toMatch(/^first-paint-studio\.[0-9a-f]{16}\.json$/);
        const file = JSON.parse(readFileSync(join(DATA_DIRECTORY, entries[studioId]), 'utf8')) as { route: string; queries: { sql: string; rows: Row[] }[] };
        expect(file.route).toBe(`studio/${studioId}`);
        expect(file.queries.map((query) => query.sql)).toEqual(studioFirstPaintQueries(studioId).map((spec) => spec.sql));
        for (const query of file.queries) expect(query.rows, `${studioId}/${query.sql}`).toEqual(run(query.sql));
      }
    });

    it('every character and voice actor is answered by its shard file; a sample of the rows equal DuckDB-WASM', () => {
      const kinds = [
        { entity: 'character', ids: run('select distinct character_id as id from characters_complete order by id'), queries: characterFirstPaintQueries },
        { entity: 'talent', ids: run('select talent_name as id from talent_stats order by id'), queries: talentFirstPaintQueries },
      ];
      for (const { entity, ids, queries } of kinds) {
        const shards = manifest.first_paint_shards[entity];
        expect(shards).toHaveLength(SHARDS);
        const bySql = new Map<string, Row[]>();
        const files = shards.map((name) => {
          expect(name).toMatch(new RegExp(`^first-paint-${entity}\\.[0-9a-f]{16}\\.json$`));
          return JSON.parse(readFileSync(join(DATA_DIRECTORY, name), 'utf8')) as { queries: { sql: string; rows: Row[] }[] };
        });
        let answered = 0;
        ids.forEach((row, index) => {
          const id = String(row.id);
          const name = firstPaintFileName(manifest, `${entity}/${id}`)!;
          const file = files[shards.indexOf(name)];
          for (const query of file.queries) bySql.set(query.sql, query.rows);
          for (const spec of queries(id)) {
            expect(bySql.has(spec.sql), `${entity}/${id} not in ${name}`).toBe(true);
            if (index % 40 === 0) expect(bySql.get(spec.sql), `${entity}/${id}`).toEqual(run(spec.sql));
            answered += 1;
          }
        });
        expect(answered).toBe(ids.length * queries('x').length);
        // No file carries answers for ids of another shard: every query of a file belongs to its shard.
        const perFile = files.reduce((total, file) => total + file.queries.length, 0);
        const shared = entity === 'talent' ? SHARDS : 0;
        expect(perFile).toBe(answered + shared);
      }
    });
  });
});
