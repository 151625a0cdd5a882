// The US box-office map's data: the lazily fetched map file (built from the boxoffice_weekly_by_state
// export by scripts/07_build_site.py, see hyperion/transform/boxoffice_map.py) and the pure logic the map
// draws from it: a film's weeks, all films summed by release week, colour bins and their legend.
import { scaleThreshold } from 'd3-scale';
import { DATA_BASE_URL, loadSiteManifest } from '../db/siteData';

export interface MapWeek {
  week: number;
  /** The week's first day (ISO), or null when the week sums films released on different dates. */
  start: string | null;
  /** Gross per state in cents, in the file's state order; null when the export has no row. */
  cents: (number | null)[];
}

export interface MapFile {
  format: number;
  sql: string;
  states: [code: string, name: string][];
  films: { film_id: string; weeks: MapWeek[] }[];
}

/** site.json's optional `lazy` entries (files fetched on demand, not at start-up). */
interface LazyManifest {
  lazy?: Record<string, { file: string; bytes: number }>;
}

export const MAP_FILE_KEY = 'boxoffice_map';
let mapFilePromise: Promise<MapFile> | null = null;

/** Fetch the map file once (named in site.json); a failure is reported, and a later call retries. */
export function loadMapFile(): Promise<MapFile> {
  mapFilePromise ??= loadSiteManifest().then(async (manifest) => {
    const entry = (manifest as LazyManifest).lazy?.[MAP_FILE_KEY];
    if (!entry) throw new Error('site.json names no box-office map file: rebuild the site data (make web)');
    const url = DATA_BASE_URL + entry.file;
    const response = await fetch(url);
    if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
    return parseMapFile(await response.json());
  });
  mapFilePromise.catch(() => (mapFilePromise = null));
  return mapFilePromise;
}

/** Check the shape the map relies on; a file of another shape is an error, never a wrong map. */
export function parseMapFile(value: unknown): MapFile {
  const file = value as MapFile;
  if (!file || file.format !== 1 || !Array.isArray(file.states) || !Array.isArray(file.films)) {
    throw new Error('the box-office map file has an unknown format');
  }
  for (const film of file.films) {
    for (const week of film.weeks) {
      if (week.cents.length !== file.states.length) {
        throw new Error(`map file: ${film.film_id} week ${week.week} has ${week.cents.length} states, not ${file.states.length}`);
      }
    }
  }
  return file;
}

/** One film's weeks, or null when the film has no state split (no theatrical box office). */
export function filmWeeks(file: MapFile, filmId: string): MapWeek[] | null {
  return file.films.find((film) => film.film_id === filmId)?.weeks ?? null;
}

/**
 * Every film summed by release week: week 1 is each film's opening week. A state is null only when no
 * film has a row for it that week. Sums stay exact: the largest total is far below 2^53 cents.
 */
export function allFilmsWeeks(file: MapFile): MapWeek[] {
  const byWeek = new Map<number, (number | null)[]>();
  for (const film of file.films) {
    for (const week of film.weeks) {
      const sums = byWeek.get(week.week) ?? file.states.map(() => null);
      week.cents.forEach((cents, index) => {
        if (cents !== null) sums[index] = (sums[index] ?? 0) + cents;
      });
      byWeek.set(week.week, sums);
    }
  }
  return [...byWeek.entries()].sort(([a], [b]) => a - b).map(([week, cents]) => ({ week, start: null, cents }));
}

/** A week's total over its states, in cents. */
export function weekTotal(week: MapWeek): number {
  return week.cents.reduce<number>((total, cents) => total + (cents ?? 0), 0);
}

/** `value` rounded to two significant digits ($1,374,000 -> $1,400,000), so legend bounds read easily. */
export function roundToTwoDigits(value: number): number {
  if (value <= 0) return 0;
  const magnitude = 10 ** (Math.floor(Math.log10(value)) - 1);
  return Math.round(value / magnitude) * magnitude;
}

/**
 * Dollar thresholds between `binCount` colour bins: half-decade steps below the largest state-week of the
 * whole run (its max/√10, max/10, max/√1000 ...), rounded to two digits. State grosses are skewed
 * (California is fifty times Wyoming) and a run fades by orders of magnitude, so log steps keep both the
 * states of one week and the weeks of one run apart. The same thresholds serve every week, so moving the
 * slider shows the run rise and fade.
 */
export function dollarThresholds(weeks: MapWeek[], binCount: number): number[] {
  const largest = Math.max(0, ...weeks.flatMap((week) => week.cents).map((cents) => (cents ?? 0) / 100));
  if (largest <= 0) return [];
  const thresholds: number[] = [];
  for (let step = binCount - 1; step >= 1; step -= 1) {
    const rounded = roundToTwoDigits(largest / 10 ** (step / 2));
    if (rounded > 0 && rounded > (thresholds.at(-1) ?? 0)) thresholds.push(rounded);
  }
  return thresholds;
}

/** The bin of a dollar value: 0 below the first threshold, thresholds.length at or above the last. */
export function binOf(dollars: number, thresholds: number[]): number {
  const bins = Array.from({ length: thresholds.length + 1 }, (_, bin) => bin);
  return scaleThreshold<number, number>().domain(thresholds).range(bins)(dollars);
}

// Legend bounds are two-digit round numbers: "$3M", not "$3.0M".
const legendMoney = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  minimumFractionDigits: 0,
  maximumFractionDigits: 1,
});
const formatMoney = (dollars: number) => legendMoney.format(dollars);

/** Legend labels, one per bin: "Under $1.4M", "$1.4M–$3M", ..., "$20M or more". */
export function legendLabels(thresholds: number[]): string[] {
  if (thresholds.length === 0) return ['Any amount'];
  return [
    `Under ${formatMoney(thresholds[0])}`,
    ...thresholds.slice(1).map((upper, index) => `${formatMoney(thresholds[index])}–${formatMoney(upper)}`),
    `${formatMoney(thresholds.at(-1)!)} or more`,
  ];
}

/** Sequential palettes, light to strong, each step checked against its theme's background by eye and axe. */
export const MAP_PALETTES = {
  light: ['#dbe7fb', '#b3cdf5', '#7fa8ea', '#4f82d8', '#2f5fb3', '#1c3d7a'],
  dark: ['#1d2b45', '#23417a', '#2f5fb3', '#4f82d8', '#86adf0', '#c4d8fb'],
} as const;
export const MAP_NO_DATA = { light: '#eceef2', dark: '#2a2d35' } as const;
export const MAP_BIN_COUNT = MAP_PALETTES.light.length;
