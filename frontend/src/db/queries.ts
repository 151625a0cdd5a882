// The one typed query module: every number the site shows comes from a QuerySpec built here.
// Table and column names of the exports live only in this file (see docs/07-site.md for the list).
import type { CharacterFilterRow } from './listFilters';

export const TABLES = {
  films: 'films_complete',
  characters: 'characters_complete',
  boxOfficeSummary: 'boxoffice_summary',
  studios: 'studio_stats',
  talent: 'talent_stats',
  boxOfficeDaily: 'boxoffice_daily_by_film',
  boxOfficeWeekly: 'boxoffice_weekly_by_film',
  boxOfficeStates: 'boxoffice_by_state',
} as const;

/** A query plus the TypeScript shape of its rows; `sql` is what the "Show SQL" panels display. */
export interface QuerySpec<T> {
  id: string;
  sql: string;
  /** Phantom field carrying the row type; never set. */
  readonly rowType?: T;
}

function spec<T>(id: string, sql: string): QuerySpec<T> {
  return { id, sql: dedent(sql) };
}

function dedent(sql: string): string {
  const lines = sql.replace(/^\n+|\s+$/g, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => line.match(/^ */)![0].length));
  return lines.map((line) => line.slice(indent)).join('\n');
}

/** A SQL string literal with quotes doubled; the only way user text enters generated SQL. */
export function literal(value: string | number | null): string {
  if (value === null) return 'null';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** A case-insensitive substring pattern for ILIKE, with LIKE wildcards in the user text escaped. */
export function containsPattern(text: string): string {
  return literal(`%${text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`) + " escape '\\'";
}

function where(conditions: string[]): string {
  return conditions.length ? `where ${conditions.join('\n  and ')}` : '';
}

// ---------------------------------------------------------------- overview

export interface Headline {
  studios: number;
  films: number;
  characters: number;
  voice_actors: number;
  worldwide_gross_usd: number;
  domestic_gross_usd: number;
  films_with_worldwide_gross: number;
}

export const headlineQuery = spec<Headline>(
  'headline',
  `
  select
      (select count(distinct studio_id) from ${TABLES.films}) as studios,
      (select count(*) from ${TABLES.films}) as films,
      (select count(distinct character_id) from ${TABLES.characters}) as characters,
      (select count(distinct voice_actor)
         from (select unnest(voice_actors) as voice_actor from ${TABLES.characters})) as voice_actors,
      (select sum(worldwide_gross_usd)::double from ${TABLES.films}) as worldwide_gross_usd,
      (select sum(domestic_gross_usd)::double from ${TABLES.films}) as domestic_gross_usd,
      (select count(worldwide_gross_usd) from ${TABLES.films}) as films_with_worldwide_gross
  `,
);

export interface YearStudioCount {
  release_year: number;
  studio_id: string;
  films: number;
}

export const filmsPerYearByStudioQuery = spec<YearStudioCount>(
  'films-per-year-by-studio',
  `
  select release_year, studio_id, count(*) as films
  from ${TABLES.films}
  group by release_year, studio_id
  order by release_year, studio_id
  `,
);

export interface TopGrossing {
  film_id: string;
  title: string;
  release_year: number;
  worldwide_gross_usd: number;
}

export const topGrossingQuery = spec<TopGrossing>(
  'top-grossing-films',
  `
  select film_id, title, release_year, worldwide_gross_usd::double as worldwide_gross_usd
  from ${TABLES.films}
  where worldwide_gross_usd is not null
  order by worldwide_gross_usd desc, film_id
  limit 10
  `,
);

export interface GenderDecade {
  decade: number;
  gender: string;
  appearances: number;
}

export const genderByDecadeQuery = spec<GenderDecade>(
  'cast-gender-by-decade',
  `
  select (release_year // 10) * 10 as decade, gender, count(*) as appearances
  from ${TABLES.characters}
  group by all
  order by decade, gender
  `,
);

// ---------------------------------------------------------------- films

export const FILM_SORT_COLUMNS = ['release_date', 'title', 'studio', 'worldwide_gross_usd', 'runtime_minutes', 'character_count'] as const;
export type FilmSortColumn = (typeof FILM_SORT_COLUMNS)[number];

export interface FilmFilters {
  search: string;
  studio: string;
  decade: string;
  releaseType: string;
  sort: FilmSortColumn;
  descending: boolean;
}

export const DEFAULT_FILM_FILTERS: FilmFilters = {
  search: '',
  studio: '',
  decade: '',
  releaseType: '',
  sort: 'release_date',
  descending: true,
};

export interface FilmListRow {
  film_id: string;
  title: string;
  release_date: string;
  release_year: number;
  studio_id: string;
  studio: string;
  franchise: string | null;
  release_type: string;
  animation_type: string;
  runtime_minutes: number | null;
  worldwide_gross_usd: number | null;
  character_count: number;
}

export function filmListQuery(filters: FilmFilters): QuerySpec<FilmListRow> {
  const conditions: string[] = [];
  if (filters.search.trim()) conditions.push(`title ilike ${containsPattern(filters.search.trim())}`);
  if (filters.studio) conditions.push(`studio_id = ${literal(filters.studio)}`);
  if (/^\d{4}$/.test(filters.decade)) conditions.push(`(release_year // 10) * 10 = ${Number(filters.decade)}`);
  if (filters.releaseType) conditions.push(`release_type = ${literal(filters.releaseType)}`);
  const sort = FILM_SORT_COLUMNS.includes(filters.sort) ? filters.sort : 'release_date';
  const direction = filters.descending ? 'desc nulls last' : 'asc nulls last';
  return spec<FilmListRow>(
    'film-list',
    `
    select film_id, title, release_date::varchar as release_date, release_year, studio_id, studio_name as studio,
        franchise_name as franchise, release_type, animation_type, runtime_minutes,
        worldwide_gross_usd::double as worldwide_gross_usd, character_count
    from ${TABLES.films}
    ${where(conditions)}
    order by ${sort} ${direction}, film_id
    `,
  );
}

export interface Option {
  value: string;
  label: string;
}

export const studioOptionsQuery = spec<Option>(
  'studio-options',
  `
  select studio_id as value, any_value(studio_name) as label
  from ${TABLES.films}
  group by studio_id
  order by label
  `,
);

export const decadeOptionsQuery = spec<Option>(
  'decade-options',
  `
  select distinct ((release_year // 10) * 10)::varchar as value, ((release_year // 10) * 10)::varchar || 's' as label
  from ${TABLES.films}
  order by value
  `,
);

export const releaseTypeOptionsQuery = spec<Option>(
  'release-type-options',
  `
  select distinct release_type as value, release_type as label
  from ${TABLES.films}
  order by value
  `,
);

export interface FilmDetail {
  film_id: string;
  title: string;
  release_date: string;
  studio_id: string;
  studio: string;
  franchise_id: string | null;
  franchise: string | null;
  directors: string[];
  runtime_minutes: number | null;
  release_type: string;
  animation_type: string;
  domestic_gross_usd: number | null;
  worldwide_gross_usd: number | null;
  gross_note: string | null;
}

export function filmDetailQuery(filmId: string): QuerySpec<FilmDetail> {
  return spec<FilmDetail>(
    'film-detail',
    `
    select film_id, title, release_date::varchar as release_date, studio_id, studio_name as studio, franchise_id,
        franchise_name as franchise, directors, runtime_minutes, release_type, animation_type,
        domestic_gross_usd::double as domestic_gross_usd, worldwide_gross_usd::double as worldwide_gross_usd,
        gross_note
    from ${TABLES.films}
    where film_id = ${literal(filmId)}
    `,
  );
}

export interface CastMember {
  character_id: string;
  name: string;
  role: string;
  species: string;
  gender: string;
  voice_actors: string[];
  singing_voice_actors: string[];
}

export function filmCastQuery(filmId: string): QuerySpec<CastMember> {
  return spec<CastMember>(
    'film-cast',
    `
    select character_id, name, role, species, gender, voice_actors, singing_voice_actors
    from ${TABLES.characters}
    where film_id = ${literal(filmId)}
    order by case role when 'protagonist' then 0 when 'deuteragonist' then 1 when 'antagonist' then 2
        when 'love-interest' then 3 when 'sidekick' then 4 when 'mentor' then 5 when 'supporting' then 6
        else 7 end, name
    `,
  );
}

export interface DailyGross {
  date: string;
  gross_usd: number;
}

export function filmDailyGrossQuery(filmId: string): QuerySpec<DailyGross> {
  return spec<DailyGross>(
    'film-daily-gross',
    `
    select box_office_date::varchar as date, gross_cents / 100.0 as gross_usd
    from ${TABLES.boxOfficeDaily}
    where film_id = ${literal(filmId)}
    order by box_office_date
    `,
  );
}

export interface WeeklyGross {
  week: number;
  week_start: string;
  gross_usd: number;
}

export function filmWeeklyGrossQuery(filmId: string): QuerySpec<WeeklyGross> {
  return spec<WeeklyGross>(
    'film-weekly-gross',
    `
    select week_number as week, week_start_date::varchar as week_start, gross_cents / 100.0 as gross_usd
    from ${TABLES.boxOfficeWeekly}
    where film_id = ${literal(filmId)}
    order by week_number
    `,
  );
}

export interface StateGross {
  state: string;
  gross_usd: number;
  share: number;
}

export function filmStateGrossQuery(filmId: string): QuerySpec<StateGross> {
  return spec<StateGross>(
    'film-state-gross',
    `
    select state, gross_cents / 100.0 as gross_usd, share_of_film as share
    from ${TABLES.boxOfficeStates}
    where film_id = ${literal(filmId)}
    order by gross_cents desc, state
    `,
  );
}

// ---------------------------------------------------------------- characters

export interface CharacterFilters {
  search: string;
  franchise: string;
  studio: string;
  role: string;
  gender: string;
  species: string;
}

export const DEFAULT_CHARACTER_FILTERS: CharacterFilters = {
  search: '',
  franchise: '',
  studio: '',
  role: '',
  gender: '',
  species: '',
};

export interface CharacterListRow {
  character_id: string;
  name: string;
  films: number;
  first_year: number;
  roles: string[];
  species: string;
  gender: string;
  studios: string[];
}

export function characterListQuery(filters: CharacterFilters): QuerySpec<CharacterListRow> {
  const conditions: string[] = [];
  if (filters.search.trim()) conditions.push(`name ilike ${containsPattern(filters.search.trim())}`);
  if (filters.franchise) conditions.push(`franchise_id = ${literal(filters.franchise)}`);
  if (filters.studio) conditions.push(`studio_id = ${literal(filters.studio)}`);
  if (filters.role) conditions.push(`role = ${literal(filters.role)}`);
  if (filters.gender) conditions.push(`gender = ${literal(filters.gender)}`);
  if (filters.species) conditions.push(`species = ${literal(filters.species)}`);
  return spec<CharacterListRow>(
    'character-list',
    `
    select character_id, arg_max(name, release_year) as name,
        count(distinct film_id) as films, min(release_year) as first_year,
        list_sort(list_distinct(list(role))) as roles, arg_max(species, release_year) as species,
        arg_max(gender, release_year) as gender, list_sort(list_distinct(list(studio_id))) as studios
    from ${TABLES.characters}
    ${where(conditions)}
    group by character_id
    order by films desc, name, character_id
    `,
  );
}

/**
 * Every appearance with the columns characterListQuery filters and aggregates on: the /characters page
 * answers its filter changes from these rows in memory (aggregateCharacters in listFilters.ts).
 */
export const characterFilterRowsQuery = spec<CharacterFilterRow>(
  'character-filter-rows',
  `
  select character_id, film_id, name, release_year, role, species, gender, studio_id, franchise_id
  from ${TABLES.characters}
  `,
);

export function characterOptionsQuery(column: 'role' | 'gender' | 'species'): QuerySpec<Option> {
  return spec<Option>(
    `character-${column}-options`,
    `
    select ${column} as value, ${column} as label
    from ${TABLES.characters}
    where ${column} is not null
    group by ${column}
    order by label
    `,
  );
}

export const characterFranchiseOptionsQuery = spec<Option>(
  'character-franchise-options',
  `
  select franchise_id as value, any_value(franchise_name) as label
  from ${TABLES.films}
  where franchise_id in (select franchise_id from ${TABLES.characters})
  group by franchise_id
  order by label
  `,
);

export interface CharacterAppearance {
  character_id: string;
  name: string;
  film_id: string;
  film_title: string;
  release_year: number;
  studio: string;
  role: string;
  species: string;
  species_detail: string | null;
  gender: string;
  voice_actors: string[];
  singing_voice_actors: string[];
  notes: string | null;
}

export function characterAppearancesQuery(characterId: string): QuerySpec<CharacterAppearance> {
  return spec<CharacterAppearance>(
    'character-appearances',
    `
    select characters.character_id, characters.name, characters.film_id, characters.film_title,
        characters.release_year, films.studio_name as studio, characters.role, characters.species,
        characters.species_detail, characters.gender, characters.voice_actors, characters.singing_voice_actors,
        characters.notes
    from ${TABLES.characters} as characters
    join ${TABLES.films} as films on films.film_id = characters.film_id
    where characters.character_id = ${literal(characterId)}
    order by characters.release_year, characters.film_id
    `,
  );
}

// ---------------------------------------------------------------- talent

export interface TalentFilters {
  search: string;
  studio: string;
  minimumStudios: number;
}

export const DEFAULT_TALENT_FILTERS: TalentFilters = { search: '', studio: '', minimumStudios: 1 };

export interface TalentRow {
  talent_name: string;
  appearances: number;
  characters: number;
  films: number;
  studios: number;
  studio_ids: string[];
  first_year: number;
  last_year: number;
}

export function talentListQuery(filters: TalentFilters): QuerySpec<TalentRow> {
  const conditions: string[] = [];
  if (filters.search.trim()) conditions.push(`talent_name ilike ${containsPattern(filters.search.trim())}`);
  if (filters.studio) conditions.push(`list_contains(studio_ids, ${literal(filters.studio)})`);
  if (filters.minimumStudios > 1) conditions.push(`studio_count >= ${literal(Math.floor(filters.minimumStudios))}`);
  return spec<TalentRow>(
    'talent-list',
    `
    select talent_name, appearance_count as appearances, character_count as characters, film_count as films,
        studio_count as studios, studio_ids, first_release_year as first_year, last_release_year as last_year
    from ${TABLES.talent}
    ${where(conditions)}
    order by appearance_count desc, talent_name
    `,
  );
}

export interface TalentStudioCount {
  studios: number;
  voice_actors: number;
}

export const talentAcrossStudiosQuery = spec<TalentStudioCount>(
  'talent-across-studios',
  `
  select studio_count as studios, count(*) as voice_actors
  from ${TABLES.talent}
  group by studio_count
  order by studio_count
  `,
);

export function talentRolesQuery(talentName: string): QuerySpec<CharacterAppearance> {
  return spec<CharacterAppearance>(
    'talent-roles',
    `
    select characters.character_id, characters.name, characters.film_id, characters.film_title,
        characters.release_year, films.studio_name as studio, characters.role, characters.species,
        characters.species_detail, characters.gender, characters.voice_actors, characters.singing_voice_actors,
        characters.notes
    from ${TABLES.characters} as characters
    join ${TABLES.films} as films on films.film_id = characters.film_id
    where list_contains(characters.voice_actors, ${literal(talentName)})
        or list_contains(characters.singing_voice_actors, ${literal(talentName)})
    order by characters.release_year, characters.film_id, characters.name
    `,
  );
}

// ---------------------------------------------------------------- studios

export interface StudioStatsRow {
  studio_id: string;
  studio: string;
  films: number;
  franchises: number;
  characters: number;
  first_year: number;
  last_year: number;
  domestic_gross_usd: number | null;
}

export function studioStatsQuery(studioIds: string[]): QuerySpec<StudioStatsRow> {
  const condition = studioIds.length ? `where studio_id in (${studioIds.map(literal).join(', ')})` : '';
  return spec<StudioStatsRow>(
    'studio-stats',
    `
    select studio_id, studio_name as studio, film_count as films, franchise_count as franchises,
        character_count as characters, first_release_year as first_year, last_release_year as last_year,
        total_domestic_gross_usd::double as domestic_gross_usd
    from ${TABLES.studios}
    ${condition}
    order by film_count desc, studio_id
    `,
  );
}

export interface DecadeStudioCount {
  decade: number;
  studio_id: string;
  films: number;
}

export function studioOutputByDecadeQuery(studioIds: string[]): QuerySpec<DecadeStudioCount> {
  const condition = studioIds.length ? `where studio_id in (${studioIds.map(literal).join(', ')})` : '';
  return spec<DecadeStudioCount>(
    'studio-output-by-decade',
    `
    select (release_year // 10) * 10 as decade, studio_id, count(*) as films
    from ${TABLES.films}
    ${condition}
    group by all
    order by decade, studio_id
    `,
  );
}

// ---------------------------------------------------------------- analytics

export interface SchemaColumn {
  table_name: string;
  column_name: string;
  data_type: string;
}

export const schemaQuery = spec<SchemaColumn>(
  'schema',
  `
  select table_name, column_name, data_type
  from information_schema.columns
  where table_catalog = current_database()
  order by table_name, ordinal_position
  `,
);

export const EXAMPLE_QUERIES: { title: string; sql: string }[] = [
  {
    title: 'Films per studio',
    sql: `select studio_name, count(*) as films\nfrom ${TABLES.films}\ngroup by studio_name\norder by films desc, studio_name`,
  },
  {
    title: 'Most prolific voice actors',
    sql: `select talent_name, appearance_count, studio_count\nfrom ${TABLES.talent}\norder by appearance_count desc\nlimit 15`,
  },
  {
    title: 'Box office by state (all films)',
    sql: `select state, sum(gross_cents) / 100 as gross_usd\nfrom ${TABLES.boxOfficeStates}\ngroup by state\norder by gross_usd desc`,
  },
  {
    title: 'Species on screen',
    sql: `select species, count(distinct character_id) as characters\nfrom ${TABLES.characters}\ngroup by species\norder by characters desc\nlimit 20`,
  },
];

// ---------------------------------------------------------------- entity pages and search

export function talentDetailQuery(talentName: string): QuerySpec<TalentRow> {
  return spec<TalentRow>(
    'talent-detail',
    `
    select talent_name, appearance_count as appearances, character_count as characters, film_count as films,
        studio_count as studios, studio_ids, first_release_year as first_year, last_release_year as last_year
    from ${TABLES.talent}
    where talent_name = ${literal(talentName)}
    `,
  );
}

export function studioFilmsQuery(studioId: string): QuerySpec<FilmListRow> {
  return { ...filmListQuery({ ...DEFAULT_FILM_FILTERS, studio: studioId }), id: 'studio-films' };
}

export type SearchKind = 'film' | 'character' | 'voice actor' | 'studio';

export interface SearchHit {
  kind: SearchKind;
  id: string;
  label: string;
  detail: string | null;
}

/** Films, characters, voice actors and studios whose name contains the text; the best few of each. */
export function globalSearchQuery(text: string, perKind = 6): QuerySpec<SearchHit> {
  const pattern = containsPattern(text.trim());
  const limit = literal(Math.max(1, Math.floor(perKind)));
  return spec<SearchHit>(
    'global-search',
    `
    select * from (
        (select 'film' as kind, film_id as id, title as label, release_year::varchar as detail, 1 as kind_order
         from ${TABLES.films} where title ilike ${pattern} order by worldwide_gross_usd desc nulls last, title limit ${limit})
        union all
        (select 'character', character_id, any_value(name), string_agg(distinct film_title, ', ' order by film_title), 2
         from ${TABLES.characters} where name ilike ${pattern}
         group by character_id order by count(*) desc, any_value(name) limit ${limit})
        union all
        (select 'voice actor', talent_name, talent_name, appearance_count::varchar || ' appearances', 3
         from ${TABLES.talent} where talent_name ilike ${pattern} order by appearance_count desc, talent_name limit ${limit})
        union all
        (select 'studio', studio_id, studio_name, film_count::varchar || ' films', 4
         from ${TABLES.studios} where studio_name ilike ${pattern} or studio_id ilike ${pattern}
         order by film_count desc limit ${limit})
    )
    order by kind_order, label
    `,
  );
}
