import { describe, expect, it } from 'vitest';
import {
  allFilmsWeeks,
  binOf,
  dollarThresholds,
  filmWeeks,
  legendLabels,
  MAP_PALETTES,
  parseMapFile,
  roundToTwoDigits,
  weekTotal,
  type MapFile,
} from '../src/components/mapData';

// Three states, two films with different run lengths and one missing state-week.
const FILE: MapFile = {
  format: 1,
  sql: 'select 1',
  states: [
    ['CA', 'California'],
    ['TX', 'Texas'],
    ['WY', 'Wyoming'],
  ],
  films: [
    {
      film_id: 'a',
      weeks: [
        { week: 1, start: '2010-06-18', cents: [1_000_00, 500_00, 10_00] },
        { week: 2, start: '2010-06-25', cents: [400_00, 200_00, null] },
      ],
    },
    { film_id: 'b', weeks: [{ week: 1, start: '1995-11-22', cents: [3_000_00, 1_500_00, 30_00] }] },
  ],
};

describe('map file', () => {
  it('returns one film’s weeks, or null for a film without a state split', () => {
    expect(filmWeeks(FILE, 'a')?.map((week) => week.week)).toEqual([1, 2]);
    expect(filmWeeks(FILE, 'no-box-office')).toBeNull();
  });

  it('sums every film by release week, cent-exact, keeping a state null only when no film has it', () => {
    const weeks = allFilmsWeeks(FILE);
    expect(weeks).toEqual([
      { week: 1, start: null, cents: [4_000_00, 2_000_00, 40_00] },
      { week: 2, start: null, cents: [400_00, 200_00, null] },
    ]);
    const everyCent = FILE.films.flatMap((film) => film.weeks).reduce((total, week) => total + weekTotal(week), 0);
    expect(weeks.reduce((total, week) => total + weekTotal(week), 0)).toBe(everyCent);
  });

  it('rejects a file of another format or with a week missing states', () => {
    expect(() => parseMapFile({ format: 2, states: [], films: [] })).toThrow(/unknown format/);
    const short = structuredClone(FILE);
    short.films[0].weeks[1].cents.pop();
    expect(() => parseMapFile(short)).toThrow(/a week 2 has 2 states, not 3/);
    expect(parseMapFile(structuredClone(FILE))).toEqual(FILE);
  });
});

describe('colour bins and legend', () => {
  it('rounds legend bounds to two significant digits', () => {
    expect(roundToTwoDigits(1_374_000)).toBe(1_400_000);
    expect(roundToTwoDigits(96_400)).toBe(96_000);
    expect(roundToTwoDigits(0)).toBe(0);
  });

  it('steps down from the largest state-week of the run in half decades, in dollars', () => {
    const weeks = [
      { week: 1, start: null, cents: [3_094_664_00, 45_013_00, null] },
      { week: 9, start: null, cents: [12_00, 0, 1_00] },
    ];
    // $3,094,664 / 10^2.5, / 10^2, / 10^1.5, / 10, / 10^0.5, rounded to two digits.
    expect(dollarThresholds(weeks, 6)).toEqual([9_800, 31_000, 98_000, 310_000, 980_000]);
    expect(dollarThresholds([{ week: 1, start: null, cents: [null, 0] }], 6)).toEqual([]);
    // A tiny run still gives strictly increasing thresholds.
    const tiny = dollarThresholds([{ week: 1, start: null, cents: [1_00] }], 6);
    expect(tiny).toEqual([...new Set(tiny)].sort((a, b) => a - b));
  });

  it('bins a value at or above a threshold into the next bin', () => {
    const thresholds = [1_000, 5_000];
    expect([0, 999, 1_000, 4_999, 5_000, 1e9].map((dollars) => binOf(dollars, thresholds))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it('labels each bin with human dollar amounts', () => {
    expect(legendLabels([1_400_000, 3_000_000, 20_000_000])).toEqual([
      'Under $1.4M',
      '$1.4M–$3M',
      '$3M–$20M',
      '$20M or more',
    ]);
    expect(legendLabels([])).toEqual(['Any amount']);
  });

  it('has one colour per bin in both themes', () => {
    expect(MAP_PALETTES.light).toHaveLength(MAP_PALETTES.dark.length);
  });
});
