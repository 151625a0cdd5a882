// The queries each list and overview page runs in its default state (no filter in the URL). Their
// results are computed at build time by scripts/07_build_site.py from the committed
// first-paint-queries.json (a unit test keeps that file equal to this module) and shipped as one
// small, content-hashed JSON file per route, so these pages draw before DuckDB-WASM has started.
// The entity pages get the same: their default queries, written once here with a placeholder id, are
// run at build time for every id (first-paint-entity-queries.json). Films and studios (a few hundred
// ids at most) get one file per id, listed in site.json; characters and voice actors (thousands) are
// grouped into a fixed number of shard files picked by a hash of the id (shardOf), so site.json, which
// every visit downloads, lists 2 x SHARDS names instead of ~3,000 (docs/07-site.md, "First paint").
import { guardSql } from './sqlGuard';
import {
  characterAppearancesQuery,
  EXAMPLE_QUERIES,
  schemaQuery,
  studioFilmsQuery,
  talentDetailQuery,
  talentRolesQuery,
  filmCastQuery,
  filmDailyGrossQuery,
  filmDetailQuery,
  filmStateGrossQuery,
  literal,
  TABLES,
  characterFranchiseOptionsQuery,
  characterListQuery,
  characterOptionsQuery,
  decadeOptionsQuery,
  DEFAULT_CHARACTER_FILTERS,
  DEFAULT_FILM_FILTERS,
  DEFAULT_TALENT_FILTERS,
  filmListQuery,
  filmsPerYearByStudioQuery,
  genderByDecadeQuery,
  headlineQuery,
  releaseTypeOptionsQuery,
  studioOptionsQuery,
  studioOutputByDecadeQuery,
  studioStatsQuery,
  talentAcrossStudiosQuery,
  talentListQuery,
  topGrossingQuery,
  type QuerySpec,
} from './queries';

export const FIRST_PAINT_ROUTES: Record<string, QuerySpec<unknown>[]> = {
  overview: [headlineQuery, filmsPerYearByStudioQuery, topGrossingQuery, genderByDecadeQuery, studioOptionsQuery],
  studios: [studioOptionsQuery, studioStatsQuery([]), studioOutputByDecadeQuery([])],
  films: [filmListQuery(DEFAULT_FILM_FILTERS), studioOptionsQuery, decadeOptionsQuery, releaseTypeOptionsQuery],
  characters: [
    characterListQuery(DEFAULT_CHARACTER_FILTERS),
    studioOptionsQuery,
    characterFranchiseOptionsQuery,
    characterOptionsQuery('role'),
    characterOptionsQuery('gender'),
    characterOptionsQuery('species'),
  ],
  talent: [talentListQuery(DEFAULT_TALENT_FILTERS), studioOptionsQuery, talentAcrossStudiosQuery],
  analytics: [schemaQuery, analyticsDefaultQuery()],
};

/**
 * What /analytics runs on open with no ?sql= in its URL: the first example, through the same guard the
 * page's Run goes through (AnalyticsPage.tsx: guardSql(text).sql), so the build's rows are keyed by
 * the very SQL the page sends.
 */
export function analyticsDefaultQuery(): QuerySpec<unknown> {
  const guarded = guardSql(EXAMPLE_QUERIES[0].sql);
  if (!guarded.ok) throw new Error(`the default analytics query is refused by the guard: ${guarded.reason}`);
  return { id: 'analytics-default', sql: guarded.sql };
}

/**
 * The queries the film page runs on open, with no state in its URL (the daily curve): FilmPage.tsx
 * runs exactly these specs. A ?curve=weekly link runs another SQL, which has no first paint and waits.
 */
export function filmFirstPaintQueries(filmId: string): QuerySpec<unknown>[] {
  return [filmDetailQuery(filmId), filmCastQuery(filmId), filmDailyGrossQuery(filmId), filmStateGrossQuery(filmId)];
}

/** /studios/:id on open: StudioPage.tsx runs exactly these. */
export function studioFirstPaintQueries(studioId: string): QuerySpec<unknown>[] {
  return [studioStatsQuery([studioId]), studioOutputByDecadeQuery([studioId]), studioFilmsQuery(studioId)];
}

/** /characters/:id on open: CharacterPage.tsx runs exactly this. */
export function characterFirstPaintQueries(characterId: string): QuerySpec<unknown>[] {
  return [characterAppearancesQuery(characterId)];
}

/** /talent/:name on open: TalentPersonPage.tsx runs these, and studioOptionsQuery (shared, once a file). */
export function talentFirstPaintQueries(talentName: string): QuerySpec<unknown>[] {
  return [talentDetailQuery(talentName), talentRolesQuery(talentName)];
}

/**
 * Stands for the film id in the build's copy of the SQL. It is a whole SQL string literal (quotes
 * included), so the build replaces the literal, never text inside one, by the id quoted the way
 * literal() quotes it ('' for '): the rows are then keyed by the very SQL the page runs.
 */
export const FILM_ID_PLACEHOLDER = literal('__hyperion_film_id__');

/** The path segment of each entity page -> its entity name in the first-paint key `<entity>/<id>`. */
export const ENTITY_PATHS: Record<string, string> = { films: 'film', studios: 'studio', characters: 'character', talent: 'talent' };

/**
 * Shard files per sharded entity (characters and voice actors; films and studios get one file per id):
 * ~55 characters or ~41 voice actors a file (docs/07-site.md).
 */
export const SHARDS = 32;

/** Whether a first-paint key is an entity page's (`character/simba`), not a list route's or null. */
export function isEntityRoute(route: string | null): boolean {
  return route !== null && route.includes('/');
}

/** The first-paint key of a pathname: a list route, `<entity>/<id>`, or null (the map, unknown paths). */
export function firstPaintRoute(pathname: string): string | null {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return 'overview';
  const entity = /^\/([a-z]+)\/([^/]+)$/.exec(path);
  if (entity) {
    if (!Object.hasOwn(ENTITY_PATHS, entity[1])) return null;
    try {
      return `${ENTITY_PATHS[entity[1]]}/${decodeURIComponent(entity[2])}`;
    } catch {
      return null;
    }
  }
  const name = path.slice(1);
  return Object.hasOwn(FIRST_PAINT_ROUTES, name) ? name : null;
}

/**
 * The shard of an id: 32-bit FNV-1a of its UTF-8 bytes, modulo the shard count. The build
 * (hyperion/cloud/site_data.py, shard_of) and public/first-paint.js compute the same; tests pin all
 * three to FNV-1a's published test vectors.
 */
export function shardOf(id: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(id)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash % shards;
}

/** The JSON the build script reads: route -> [{id, sql}]. */
export function firstPaintQueriesDocument(): Record<string, { id: string; sql: string }[]> {
  return Object.fromEntries(
    Object.entries(FIRST_PAINT_ROUTES).map(([route, specs]) => [route, specs.map((spec) => ({ id: spec.id, sql: spec.sql }))]),
  );
}

/** The JSON the build script reads for the entity pages: the ids to run, the placeholder, the queries. */
export interface EntityQueriesDocument {
  ids_sql: string;
  placeholder: string;
  queries: { id: string; sql: string }[];
  /** Queries without the id, run once and added to every file of the entity. */
  shared?: { id: string; sql: string }[];
  /** Group the ids into this many shard files (shardOf) instead of one file per id. */
  shards?: number;
}

/** The JSON the build script reads for the entity pages: the ids to run, the placeholder, the queries. */
export function firstPaintEntityQueriesDocument(): Record<string, EntityQueriesDocument> {
  const plain = (specs: QuerySpec<unknown>[]) => specs.map((spec) => ({ id: spec.id, sql: spec.sql }));
  const entity = (idsSql: string, placeholder: string, queries: (id: string) => QuerySpec<unknown>[]) => ({
    ids_sql: idsSql,
    placeholder,
    queries: plain(queries(placeholder.slice(1, -1))),
  });
  return {
    film: entity(`select film_id as id from ${TABLES.films} order by film_id`, FILM_ID_PLACEHOLDER, filmFirstPaintQueries),
    studio: entity(`select studio_id as id from ${TABLES.studios} order by studio_id`, literal('__hyperion_studio_id__'), studioFirstPaintQueries),
    character: {
      ...entity(`select distinct character_id as id from ${TABLES.characters} order by id`, literal('__hyperion_character_id__'), characterFirstPaintQueries),
      shards: SHARDS,
    },
    talent: {
      ...entity(`select talent_name as id from ${TABLES.talent} order by talent_name`, literal('__hyperion_talent_name__'), talentFirstPaintQueries),
      shared: plain([studioOptionsQuery]),
      shards: SHARDS,
    },
  };
}
