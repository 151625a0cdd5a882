import { beforeAll, describe, expect, it } from 'vitest';
import {
  characterAppearancesQuery,
  characterFranchiseOptionsQuery,
  characterListQuery,
  characterOptionsQuery,
  containsPattern,
  decadeOptionsQuery,
  DEFAULT_CHARACTER_FILTERS,
  DEFAULT_FILM_FILTERS,
  DEFAULT_TALENT_FILTERS,
  EXAMPLE_QUERIES,
  filmCastQuery,
  filmDailyGrossQuery,
  filmDetailQuery,
  filmListQuery,
  filmsPerYearByStudioQuery,
  filmStateGrossQuery,
  filmWeeklyGrossQuery,
  genderByDecadeQuery,
  headlineQuery,
  literal,
  releaseTypeOptionsQuery,
  schemaQuery,
  studioOptionsQuery,
  studioOutputByDecadeQuery,
  studioStatsQuery,
  talentAcrossStudiosQuery,
  talentListQuery,
  talentRolesQuery,
  topGrossingQuery,
  type FilmListRow,
  type QuerySpec,
} from '../src/db/queries';
import type { Row } from '../src/db/rows';
import { openTestEngine } from './engineHarness';

let run: (sql: string) => Row[];
let topFilmId: string;
let topCharacterId: string;
let someVoiceActor: string;

function rows<T>(spec: QuerySpec<T>): T[] {
  return run(spec.sql) as unknown as T[];
}

beforeAll(async () => {
  run = await openTestEngine();
  topFilmId = String(run("select film_id from films_complete where domestic_gross_usd is not null and release_type = 'theatrical' order by domestic_gross_usd desc limit 1")[0].film_id);
  topCharacterId = String(run('select character_id from characters_complete group by character_id order by count(*) desc, character_id limit 1')[0].character_id);
  someVoiceActor = String(run('select talent_name from talent_stats order by appearance_count desc, talent_name limit 1')[0].talent_name);
});

describe('SQL literals', () => {
  it('doubles quotes so user text cannot end the string', () => {
    expect(literal("Chip 'n Dale")).toBe("'Chip ''n Dale'");
    expect(literal(3)).toBe('3');
    expect(literal(null)).toBe('null');
    expect(() => literal(Number.NaN)).toThrow();
  });
  it('escapes LIKE wildcards in search text', () => {
    expect(containsPattern('50%_a\\')).toBe("'%50\\%\\_a\\\\%' escape '\\'");
  });
});

describe('every query of the module runs on the packed exports in DuckDB-WASM', () => {
  const specs = (): [string, QuerySpec<unknown>][] => [
    ['headline', headlineQuery],
    ['films per year', filmsPerYearByStudioQuery],
    ['top grossing', topGrossingQuery],
    ['gender by decade', genderByDecadeQuery],
    ['film list', filmListQuery(DEFAULT_FILM_FILTERS)],
    ['studio options', studioOptionsQuery],
    ['decade options', decadeOptionsQuery],
    ['release type options', releaseTypeOptionsQuery],
    ['film detail', filmDetailQuery(topFilmId)],
    ['film cast', filmCastQuery(topFilmId)],
    ['film daily', filmDailyGrossQuery(topFilmId)],
    ['film weekly', filmWeeklyGrossQuery(topFilmId)],
    ['film states', filmStateGrossQuery(topFilmId)],
    ['character list', characterListQuery(DEFAULT_CHARACTER_FILTERS)],
    ['franchise options', characterFranchiseOptionsQuery],
    ['role options', characterOptionsQuery('role')],
    ['character appearances', characterAppearancesQuery(topCharacterId)],
    ['talent list', talentListQuery(DEFAULT_TALENT_FILTERS)],
    ['talent across studios', talentAcrossStudiosQuery],
    ['talent roles', talentRolesQuery(someVoiceActor)],
    ['studio stats', studioStatsQuery([])],
    ['studio output', studioOutputByDecadeQuery(['pixar', 'wdas'])],
    ['schema', schemaQuery],
    ...EXAMPLE_QUERIES.map((example): [string, QuerySpec<unknown>] => [example.title, { id: example.title, sql: example.sql }]),
  ];
  it('returns rows for each query', () => {
    for (const [name, spec] of specs()) {
      const result = run(spec.sql);
      expect(result.length, name).toBeGreaterThan(0);
    }
  });
});

describe('query results agree with independent SQL', () => {
  it('headline counts', () => {
    const [headline] = rows(headlineQuery);
    const films = run('select count(*) as n from films_complete')[0].n;
    const characters = run('select count(*) as n from (select distinct character_id from characters_complete)')[0].n;
    expect(headline.films).toBe(films);
    expect(headline.characters).toBe(characters);
    expect(headline.studios).toBe(rows(studioOptionsQuery).length);
  });

  it('films per year adds up to the film count', () => {
    const total = rows(filmsPerYearByStudioQuery).reduce((sum, row) => sum + row.films, 0);
    expect(total).toBe(rows(headlineQuery)[0].films);
  });

  it('film list filters by studio, decade and type, and sorts', () => {
    const pixar = rows(filmListQuery({ ...DEFAULT_FILM_FILTERS, studio: 'pixar' }));
    expect(pixar.length).toBeGreaterThan(0);
    expect(new Set(pixar.map((film) => film.studio_id))).toEqual(new Set(['pixar']));
    const pixarCount = run("select count(*) as n from films_complete where studio_id = 'pixar'")[0].n;
    expect(pixar.length).toBe(pixarCount);

    const nineties = rows(filmListQuery({ ...DEFAULT_FILM_FILTERS, decade: '1990', releaseType: 'theatrical' }));
    expect(nineties.every((film) => film.release_year >= 1990 && film.release_year < 2000 && film.release_type === 'theatrical')).toBe(true);

    const byGross = rows(filmListQuery({ ...DEFAULT_FILM_FILTERS, sort: 'worldwide_gross_usd', descending: true }));
    const grosses = byGross.map((film: FilmListRow) => film.worldwide_gross_usd).filter((gross): gross is number => gross !== null);
    expect(grosses).toEqual([...grosses].sort((a, b) => b - a));
    expect(byGross[byGross.length - 1].worldwide_gross_usd).toBeNull();
  });

  it('film search is case-insensitive and safe with quotes and wildcards', () => {
    const toy = rows(filmListQuery({ ...DEFAULT_FILM_FILTERS, search: 'TOY' }));
    expect(toy.length).toBeGreaterThan(0);
    expect(toy.every((film) => film.title.toLowerCase().includes('toy'))).toBe(true);
    expect(rows(filmListQuery({ ...DEFAULT_FILM_FILTERS, search: "'; drop table films_complete; --" }))).toEqual([]);
    expect(rows(filmListQuery({ ...DEFAULT_FILM_FILTERS, search: '%' }))).toEqual([]);
  });

  it('an unknown sort column falls back to release date', () => {
    const spec = filmListQuery({ ...DEFAULT_FILM_FILTERS, sort: 'title; drop table x' as never });
    expect(spec.sql).toContain('order by release_date');
  });

  it('box-office curves and states sum to the same total', () => {
    const daily = rows(filmDailyGrossQuery(topFilmId)).reduce((sum, row) => sum + row.gross_usd, 0);
    const weekly = rows(filmWeeklyGrossQuery(topFilmId)).reduce((sum, row) => sum + row.gross_usd, 0);
    const states = rows(filmStateGrossQuery(topFilmId));
    const byState = states.reduce((sum, row) => sum + row.gross_usd, 0);
    expect(weekly).toBeCloseTo(daily, 2);
    expect(byState).toBeCloseTo(daily, 2);
    expect(states.reduce((sum, row) => sum + row.share, 0)).toBeCloseTo(1, 6);
    const weeks = rows(filmWeeklyGrossQuery(topFilmId)).map((row) => row.week);
    expect(weeks[0]).toBe(1);
  });

  it('character filters combine', () => {
    const filtered = rows(characterListQuery({ ...DEFAULT_CHARACTER_FILTERS, gender: 'female', role: 'protagonist' }));
    const expected = run("select count(distinct character_id) as n from characters_complete where gender = 'female' and role = 'protagonist'")[0].n;
    expect(filtered.length).toBe(expected);
    expect(filtered.every((character) => character.roles.includes('protagonist'))).toBe(true);
  });

  it('a character page lists every film of the character', () => {
    const appearances = rows(characterAppearancesQuery(topCharacterId));
    const expected = run(`select count(*) as n from characters_complete where character_id = ${literal(topCharacterId)}`)[0].n;
    expect(appearances.length).toBe(expected);
    expect(appearances.every((row) => Array.isArray(row.voice_actors) && typeof row.studio === 'string')).toBe(true);
  });

  it('talent filters by minimum studios and by studio', () => {
    const multiStudio = rows(talentListQuery({ ...DEFAULT_TALENT_FILTERS, minimumStudios: 2 }));
    expect(multiStudio.every((row) => row.studios >= 2)).toBe(true);
    const pixarVoices = rows(talentListQuery({ ...DEFAULT_TALENT_FILTERS, studio: 'pixar' }));
    expect(pixarVoices.length).toBeGreaterThan(0);
    expect(pixarVoices.every((row) => row.studio_ids.includes('pixar'))).toBe(true);
    const roles = rows(talentRolesQuery(someVoiceActor));
    expect(roles.every((row) => row.voice_actors.includes(someVoiceActor) || row.singing_voice_actors.includes(someVoiceActor))).toBe(true);
  });

  it('studio filters restrict the studios', () => {
    const stats = rows(studioStatsQuery(['pixar']));
    expect(stats.map((row) => row.studio_id)).toEqual(['pixar']);
    const output = rows(studioOutputByDecadeQuery(['pixar']));
    expect(output.reduce((sum, row) => sum + row.films, 0)).toBe(stats[0].films);
  });
});

describe('the engine is locked down after attaching', () => {
  it('cannot read files, change settings, or write', () => {
    expect(() => run("select * from read_csv('/etc/passwd')")).toThrow(/disabled by configuration|Permission/);
    expect(() => run('SET enable_external_access = true')).toThrow(/locked/);
    expect(() => run('create table t (a int)')).toThrow(/read-only/);
  });
});
