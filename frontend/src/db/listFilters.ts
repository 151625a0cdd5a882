// Filter changes on /films and /characters answered in memory, from rows DuckDB already returned.
//
// Profiling a filter change (make bench-web, docs/07-site.md) showed that most of its time was not the
// rows: the change re-rendered the page, the query waited for React's passive effect and a round trip
// to DuckDB's worker (30-150 ms for the characters' GROUP BY), and only then did the new rows render. These
// lists are small (208 films, 2,348 character appearances), so once the unfiltered rows are in the page
// every filter of these two pages is a plain array pass in the same render as the URL change. The
// functions below reproduce the SQL of filmListQuery and characterListQuery exactly; a vitest test runs
// both over many filter combinations in DuckDB-WASM and requires equal rows in equal order.
import { DEFAULT_FILM_FILTERS, FILM_SORT_COLUMNS, type CharacterFilters, type CharacterListRow, type FilmFilters, type FilmListRow } from './queries';

/** `column ilike '%text%'` for plain text (containsPattern escapes the wildcards, so it is a substring test). */
function contains(value: string | null, text: string): boolean {
  return value !== null && value.toLowerCase().includes(text.toLowerCase());
}

/** DuckDB's VARCHAR order is by bytes (UTF-8); comparing code points gives the same order. */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const left = Array.from(a);
  const right = Array.from(b);
  for (let index = 0; index < Math.min(left.length, right.length); index += 1) {
    const difference = left[index].codePointAt(0)! - right[index].codePointAt(0)!;
    if (difference !== 0) return difference;
  }
  return left.length - right.length;
}

function compareValues(a: string | number, b: string | number): number {
  return typeof a === 'number' && typeof b === 'number' ? a - b : compareText(String(a), String(b));
}

/** filmListQuery(filters) over every film (the rows of filmListQuery(DEFAULT_FILM_FILTERS), in any order). */
export function filterFilms(allFilms: readonly FilmListRow[], filters: FilmFilters): FilmListRow[] {
  const search = filters.search.trim();
  const decade = /^\d{4}$/.test(filters.decade) ? Number(filters.decade) : null;
  const kept = allFilms.filter(
    (film) =>
      (!search || contains(film.title, search)) &&
      (!filters.studio || film.studio_id === filters.studio) &&
      (decade === null || (film.release_year !== null && Math.floor(film.release_year / 10) * 10 === decade)) &&
      (!filters.releaseType || film.release_type === filters.releaseType),
  );
  const sort = FILM_SORT_COLUMNS.includes(filters.sort) ? filters.sort : DEFAULT_FILM_FILTERS.sort;
  const direction = filters.descending ? -1 : 1;
  // order by <sort> asc|desc nulls last, film_id
  return kept.sort((a, b) => {
    const left = a[sort] as string | number | null;
    const right = b[sort] as string | number | null;
    if (left !== right) {
      if (left === null) return 1;
      if (right === null) return -1;
      const order = compareValues(left, right);
      if (order !== 0) return direction * order;
    }
    return compareText(a.film_id, b.film_id);
  });
}

/** One row of characters_complete, as characterFilterRowsQuery selects it. */
export interface CharacterFilterRow {
  character_id: string;
  film_id: string;
  name: string | null;
  release_year: number | null;
  role: string | null;
  species: string | null;
  gender: string | null;
  studio_id: string | null;
  franchise_id: string | null;
}

interface Group {
  row: CharacterListRow;
  films: Set<string>;
  roles: Set<string>;
  studios: Set<string>;
  nameYear: number | null;
  speciesYear: number | null;
  genderYear: number | null;
}

/**
 * characterListQuery(filters) over characters_complete's rows: WHERE on the appearances, then per
 * character arg_max(name|species|gender, release_year) (rows with a NULL argument or year skipped, the
 * first row of the largest year wins, as DuckDB's arg_max does in scan order), count(distinct film_id),
 * min(release_year), sorted distinct roles and studios (NULLs dropped); order by films desc, name, id.
 */
export function aggregateCharacters(appearances: readonly CharacterFilterRow[], filters: CharacterFilters): CharacterListRow[] {
  const search = filters.search.trim();
  const groups = new Map<string, Group>();
  for (const appearance of appearances) {
    if (search && !contains(appearance.name, search)) continue;
    if (filters.franchise && appearance.franchise_id !== filters.franchise) continue;
    if (filters.studio && appearance.studio_id !== filters.studio) continue;
    if (filters.role && appearance.role !== filters.role) continue;
    if (filters.gender && appearance.gender !== filters.gender) continue;
    if (filters.species && appearance.species !== filters.species) continue;
    let group = groups.get(appearance.character_id);
    if (!group) {
      group = {
        row: { character_id: appearance.character_id, name: null, films: 0, first_year: null, roles: [], species: null, gender: null, studios: [] } as unknown as CharacterListRow,
        films: new Set(),
        roles: new Set(),
        studios: new Set(),
        nameYear: null,
        speciesYear: null,
        genderYear: null,
      };
      groups.set(appearance.character_id, group);
    }
    const year = appearance.release_year;
    group.films.add(appearance.film_id);
    if (appearance.role !== null) group.roles.add(appearance.role);
    if (appearance.studio_id !== null) group.studios.add(appearance.studio_id);
    if (year !== null) {
      const row = group.row as unknown as Record<string, unknown>;
      if (row.first_year === null || year < (row.first_year as number)) row.first_year = year;
      if (appearance.name !== null && (group.nameYear === null || year > group.nameYear)) [row.name, group.nameYear] = [appearance.name, year];
      if (appearance.species !== null && (group.speciesYear === null || year > group.speciesYear)) [row.species, group.speciesYear] = [appearance.species, year];
      if (appearance.gender !== null && (group.genderYear === null || year > group.genderYear)) [row.gender, group.genderYear] = [appearance.gender, year];
    }
  }
  const rows = [...groups.values()].map((group) => ({
    ...group.row,
    films: group.films.size,
    roles: [...group.roles].sort(compareText),
    studios: [...group.studios].sort(compareText),
  }));
  // order by films desc, name, character_id (ASC sorts NULLs last in DuckDB)
  return rows.sort((a, b) => {
    if (a.films !== b.films) return b.films - a.films;
    if (a.name !== b.name) {
      if (a.name === null) return 1;
      if (b.name === null) return -1;
      const order = compareText(a.name, b.name);
      if (order !== 0) return order;
    }
    return compareText(a.character_id, b.character_id);
  });
}
