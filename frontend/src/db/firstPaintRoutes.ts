// The queries each list and overview page runs in its default state (no filter in the URL). Their
// results are computed at build time by scripts/07_build_site.py from the committed
// first-paint-queries.json (a unit test keeps that file equal to this module) and shipped as one
// small, content-hashed JSON file per route, so these pages draw before DuckDB-WASM has started.
// The film page (/films/:id) gets the same: its default queries, written once here with a placeholder
// film id, are run at build time for every film (first-paint-entity-queries.json), one file per film.
import {
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
};

/**
 * The queries the film page runs on open, with no state in its URL (the daily curve): FilmPage.tsx
 * runs exactly these specs. A ?curve=weekly link runs another SQL, which has no first paint and waits.
 */
export function filmFirstPaintQueries(filmId: string): QuerySpec<unknown>[] {
  return [filmDetailQuery(filmId), filmCastQuery(filmId), filmDailyGrossQuery(filmId), filmStateGrossQuery(filmId)];
}

/**
 * Stands for the film id in the build's copy of the SQL. It is a whole SQL string literal (quotes
 * included), so the build replaces the literal, never text inside one, by the id quoted the way
 * literal() quotes it ('' for '): the rows are then keyed by the very SQL the page runs.
 */
export const FILM_ID_PLACEHOLDER = literal('__hyperion_film_id__');

/** Prefix of the first-paint key of a film page: `film/<film id>`. */
export const FILM_ROUTE_PREFIX = 'film/';

/** The first-paint key of a pathname: a list route, `film/<id>`, or null (other entity pages, /analytics). */
export function firstPaintRoute(pathname: string): string | null {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return 'overview';
  const film = /^\/films\/([^/]+)$/.exec(path);
  if (film) {
    try {
      return FILM_ROUTE_PREFIX + decodeURIComponent(film[1]);
    } catch {
      return null;
    }
  }
  const name = path.slice(1);
  return name in FIRST_PAINT_ROUTES ? name : null;
}

/** The JSON the build script reads: route -> [{id, sql}]. */
export function firstPaintQueriesDocument(): Record<string, { id: string; sql: string }[]> {
  return Object.fromEntries(
    Object.entries(FIRST_PAINT_ROUTES).map(([route, specs]) => [route, specs.map((spec) => ({ id: spec.id, sql: spec.sql }))]),
  );
}

/** The JSON the build script reads for the entity pages: the ids to run, the placeholder, the queries. */
export function firstPaintEntityQueriesDocument(): Record<string, { ids_sql: string; placeholder: string; queries: { id: string; sql: string }[] }> {
  return {
    film: {
      ids_sql: `select film_id as id from ${TABLES.films} order by film_id`,
      placeholder: FILM_ID_PLACEHOLDER,
      queries: filmFirstPaintQueries(FILM_ID_PLACEHOLDER.slice(1, -1)).map((spec) => ({ id: spec.id, sql: spec.sql })),
    },
  };
}
