// First paint of the overview before DuckDB is ready. DuckDB's start-up is mostly a wasm compile of
// about 2 s; the overview only needs two small exports, so they are read directly with hyparquet (pure
// JavaScript, zstd through fzstd) and the same figures are computed in JavaScript. When the engine is
// ready its SQL results replace these; the e2e tests compare both paths with Python DuckDB.
import { decompress } from 'fzstd';
import { parquetReadObjects } from 'hyparquet';
import type { GenderDecade, Headline, TopGrossing, YearStudioCount } from './queries';
import { TABLES } from './queries';

export interface OverviewFirstPaint {
  headline: Headline;
  filmsPerYear: YearStudioCount[];
  topGrossing: TopGrossing[];
  genderByDecade: GenderDecade[];
}

type ParquetRow = Record<string, unknown>;

const toNumber = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const compare = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);

async function readExport(table: string, columns: string[]): Promise<ParquetRow[]> {
  const response = await fetch(`${import.meta.env.BASE_URL}data/${table}.parquet`);
  if (!response.ok) throw new Error(`could not load ${table}.parquet: HTTP ${response.status}`);
  const file = await response.arrayBuffer();
  return parquetReadObjects({ file, columns, compressors: { ZSTD: (input: Uint8Array) => decompress(input) } });
}

/** The overview's figures from the Parquet exports, with the semantics of the SQL in queries.ts. */
export function computeOverview(films: ParquetRow[], characters: ParquetRow[]): OverviewFirstPaint {
  const voiceActors = new Set<string>();
  for (const character of characters) for (const name of (character.voice_actors as string[] | null) ?? []) voiceActors.add(name);
  const sum = (column: string) => {
    const values = films.map((film) => toNumber(film[column])).filter((value): value is number => value !== null);
    return values.length ? values.reduce((total, value) => total + value, 0) : 0;
  };
  const headline: Headline = {
    studios: new Set(films.map((film) => film.studio_id)).size,
    films: films.length,
    characters: new Set(characters.map((character) => character.character_id)).size,
    voice_actors: voiceActors.size,
    worldwide_gross_usd: sum('worldwide_gross_usd'),
    domestic_gross_usd: sum('domestic_gross_usd'),
  };

  const perYear = new Map<string, YearStudioCount>();
  for (const film of films) {
    const key = `${film.release_year}|${film.studio_id}`;
    const entry = perYear.get(key) ?? { release_year: Number(film.release_year), studio_id: String(film.studio_id), films: 0 };
    entry.films += 1;
    perYear.set(key, entry);
  }
  const filmsPerYear = [...perYear.values()].sort((a, b) => compare(a.release_year, b.release_year) || compare(a.studio_id, b.studio_id));

  const topGrossing = films
    .filter((film) => film.worldwide_gross_usd !== null && film.worldwide_gross_usd !== undefined)
    .map((film) => ({
      film_id: String(film.film_id),
      title: String(film.title),
      release_year: Number(film.release_year),
      worldwide_gross_usd: Number(film.worldwide_gross_usd),
    }))
    .sort((a, b) => b.worldwide_gross_usd - a.worldwide_gross_usd || compare(a.film_id, b.film_id))
    .slice(0, 10);

  const byDecade = new Map<string, GenderDecade>();
  for (const character of characters) {
    const decade = Math.floor(Number(character.release_year) / 10) * 10;
    const key = `${decade}|${character.gender}`;
    const entry = byDecade.get(key) ?? { decade, gender: String(character.gender), appearances: 0 };
    entry.appearances += 1;
    byDecade.set(key, entry);
  }
  const genderByDecade = [...byDecade.values()].sort((a, b) => compare(a.decade, b.decade) || compare(a.gender, b.gender));
  return { headline, filmsPerYear, topGrossing, genderByDecade };
}

let overviewPromise: Promise<OverviewFirstPaint> | null = null;

export function loadOverviewFirstPaint(): Promise<OverviewFirstPaint> {
  overviewPromise ??= Promise.all([
    readExport(TABLES.films, ['film_id', 'title', 'release_year', 'studio_id', 'worldwide_gross_usd', 'domestic_gross_usd']),
    readExport(TABLES.characters, ['character_id', 'gender', 'release_year', 'voice_actors']),
  ]).then(([films, characters]) => computeOverview(films, characters));
  return overviewPromise;
}
