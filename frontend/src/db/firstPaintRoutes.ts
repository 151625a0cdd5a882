// The queries each list and overview page runs in its default state (no filter in the URL). Their
// results are computed at build time by scripts/07_build_site.py from the committed
// first-paint-queries.json (a unit test keeps that file equal to this module) and shipped as one
// small, content-hashed JSON file per route, so these pages draw before DuckDB-WASM has started.
import {
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

/** The first-paint route of a pathname, or null for entity pages and /analytics. */
export function firstPaintRoute(pathname: string): string | null {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/') return 'overview';
  const name = path.slice(1);
  return name in FIRST_PAINT_ROUTES ? name : null;
}

/** The JSON the build script reads: route -> [{id, sql}]. */
export function firstPaintQueriesDocument(): Record<string, { id: string; sql: string }[]> {
  return Object.fromEntries(
    Object.entries(FIRST_PAINT_ROUTES).map(([route, specs]) => [route, specs.map((spec) => ({ id: spec.id, sql: spec.sql }))]),
  );
}
