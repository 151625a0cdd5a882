// The in-memory answers of /films and /characters must equal DuckDB's answer to the pages' own SQL,
// row for row and in order, over many filter combinations on the packed database.
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregateCharacters, compareText, filterFilms, type CharacterFilterRow } from '../src/db/listFilters';
import {
  characterFilterRowsQuery,
  characterListQuery,
  DEFAULT_CHARACTER_FILTERS,
  DEFAULT_FILM_FILTERS,
  FILM_SORT_COLUMNS,
  filmListQuery,
  type CharacterFilters,
  type CharacterListRow,
  type FilmFilters,
  type FilmListRow,
} from '../src/db/queries';
import type { Row } from '../src/db/rows';
import { openTestEngine } from './engineHarness';

let run: (sql: string) => Row[];
let allFilms: FilmListRow[];
let appearances: CharacterFilterRow[];

beforeAll(async () => {
  run = await openTestEngine();
  allFilms = run(filmListQuery(DEFAULT_FILM_FILTERS).sql) as unknown as FilmListRow[];
  appearances = run(characterFilterRowsQuery.sql) as unknown as CharacterFilterRow[];
});

const distinct = (sql: string) => run(sql).map((row) => String(row.value));

describe('films filtered in memory', () => {
  it('equal filmListQuery for every studio, decade, type, search and sort', () => {
    const studios = distinct('select distinct studio_id as value from films_complete order by 1');
    const decades = distinct('select distinct ((release_year // 10) * 10)::varchar as value from films_complete order by 1');
    const types = distinct('select distinct release_type as value from films_complete order by 1');
    const cases: FilmFilters[] = [];
    for (const sort of FILM_SORT_COLUMNS) for (const descending of [true, false]) cases.push({ ...DEFAULT_FILM_FILTERS, sort, descending });
    for (const studio of studios) cases.push({ ...DEFAULT_FILM_FILTERS, studio, sort: 'worldwide_gross_usd' });
    for (const decade of decades) cases.push({ ...DEFAULT_FILM_FILTERS, decade, sort: 'runtime_minutes', descending: false });
    for (const releaseType of types) cases.push({ ...DEFAULT_FILM_FILTERS, releaseType, sort: 'title' });
    // Case, wildcards and quotes in the search are text, as containsPattern makes them in SQL.
    for (const search of ['toy', 'TOY ', 'the', '%', '_', "'", 'ü', 'no such film']) cases.push({ ...DEFAULT_FILM_FILTERS, search });
    cases.push({ ...DEFAULT_FILM_FILTERS, studio: studios[0], decade: decades[decades.length - 1], releaseType: types[0], sort: 'character_count' });
    let nonEmpty = 0;
    for (const filters of cases) {
      const expected = run(filmListQuery(filters).sql);
      // The base rows arrive in one order; the result must not depend on it.
      expect(filterFilms([...allFilms].reverse(), filters), JSON.stringify(filters)).toEqual(expected);
      if (expected.length) nonEmpty += 1;
    }
    expect(nonEmpty).toBeGreaterThan(cases.length / 2);
  });
});

describe('characters aggregated in memory', () => {
  it('equal characterListQuery for every franchise, studio, role, gender and species, and searches', () => {
    const column = (name: string) => distinct(`select distinct ${name} as value from characters_complete where ${name} is not null order by 1`);
    const cases: Partial<CharacterFilters>[] = [{}];
    for (const role of column('role')) cases.push({ role });
    for (const gender of column('gender')) cases.push({ gender });
    for (const studio of column('studio_id')) cases.push({ studio });
    for (const franchise of column('franchise_id').slice(0, 10)) cases.push({ franchise });
    for (const species of column('species').slice(0, 10)) cases.push({ species });
    for (const search of ['buzz', 'DUCK', ' the ', '%', "'", 'zzzz']) cases.push({ search });
    cases.push({ role: 'protagonist', gender: 'female', studio: 'pixar' });
    for (const partial of cases) {
      const filters = { ...DEFAULT_CHARACTER_FILTERS, ...partial };
      const expected = run(characterListQuery(filters).sql) as unknown as CharacterListRow[];
      expect(aggregateCharacters(appearances, filters), JSON.stringify(filters)).toEqual(expected);
    }
  });

  it('follows arg_max: NULL arguments skipped, the latest year wins, NULL names sort last', () => {
    const base = { film_id: 'f', role: 'hero', species: 's', gender: 'g', studio_id: 'x', franchise_id: null };
    const rows: CharacterFilterRow[] = [
      { ...base, character_id: 'a', film_id: 'f1', name: 'Old', release_year: 1990 },
      { ...base, character_id: 'a', film_id: 'f2', name: 'New', release_year: 2000, role: null },
      { ...base, character_id: 'a', film_id: 'f3', name: null, release_year: 2010, studio_id: 'w' },
      { ...base, character_id: 'b', film_id: 'f1', name: null, release_year: 1990 },
    ];
    const result = aggregateCharacters(rows, DEFAULT_CHARACTER_FILTERS);
    expect(result.map((row) => [row.character_id, row.name, row.films, row.first_year, row.roles, row.studios])).toEqual([
      ['a', 'New', 3, 1990, ['hero'], ['w', 'x']],
      ['b', null, 1, 1990, ['hero'], ['x']],
    ]);
  });
});

describe('text order', () => {
  it('is by code point, like DuckDB, not by UTF-16 unit or locale', () => {
    expect(compareText('B', 'a')).toBeLessThan(0);
    expect(compareText('\u{1F600}', '\uFFFD')).toBeGreaterThan(0);
    expect(compareText('ab', 'a')).toBeGreaterThan(0);
  });
});
