import { formatMoney } from './format';

/** A 1-2-5 step that splits [0, span] into at most `count` intervals: ticks land on round values. */
export function niceStep(span: number, count = 4, integer = false): number {
  if (!(span > 0)) return 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const residual = raw / magnitude;
  const step = (residual <= 1 ? 1 : residual <= 2 ? 2 : residual <= 5 ? 5 : 10) * magnitude;
  return integer ? Math.max(1, Math.round(step)) : step;
}

/** Round ticks from 0 (or the lowest negative value) to just past the largest value. */
export function niceTicks(values: number[], count = 4, integer = false): number[] {
  const finite = values.filter((value) => Number.isFinite(value));
  const low = Math.min(0, ...finite);
  const high = Math.max(0, ...finite);
  const step = niceStep(high - low, count, integer);
  const first = Math.floor(low / step) * step;
  const last = Math.max(first + step, Math.ceil(high / step) * step);
  const ticks: number[] = [];
  // Round away the float error of repeated addition (0.1 + 0.2).
  for (let index = 0; first + index * step <= last + step / 1e6; index += 1) ticks.push(Number((first + index * step).toPrecision(12)));
  return ticks;
}

/** Axis props (domain and ticks) for a value axis whose ticks fall on round values. */
export function valueAxis(values: number[], count = 4, integer = false): { domain: [number, number]; ticks: number[]; allowDecimals: boolean } {
  const ticks = niceTicks(values, count, integer);
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks, allowDecimals: !integer };
}

/** Money axis: round ticks and compact labels ($500M, $1B). */
export function moneyAxis(values: number[], count = 4) {
  return { ...valueAxis(values, count), tickFormatter: (value: number) => formatMoney(value) };
}

const compactNumber = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
/** A number as a short axis label: 12, 1.5K, 2M. */
export const formatCompact = (value: number) => compactNumber.format(value);

/** Sum of stacked series per row: the height of each stacked bar. */
export function stackTotals(rows: Record<string, string | number>[], series: string[]): number[] {
  return rows.map((row) => series.reduce((sum, name) => sum + (Number(row[name]) || 0), 0));
}

/**
 * Wide rows keyed by a year, with a row of zeros for every year between the first and the last that
 * has none, so a category axis shows the gaps instead of closing them up.
 */
export function fillYears(rows: Record<string, string | number>[], series: string[]): Record<string, string | number>[] {
  if (rows.length === 0) return rows;
  const byYear = new Map(rows.map((row) => [Number(row.key), row]));
  const years = [...byYear.keys()];
  const filled: Record<string, string | number>[] = [];
  for (let year = Math.min(...years); year <= Math.max(...years); year += 1) {
    filled.push(byYear.get(year) ?? Object.fromEntries([['key', year], ...series.map((name) => [name, 0])]));
  }
  return filled;
}

/** Decades as "1930s", with every decade between the first and last present (zeros where none). */
export function fillDecades(rows: Record<string, string | number>[], series: string[]): Record<string, string | number>[] {
  if (rows.length === 0) return rows;
  const byDecade = new Map(rows.map((row) => [parseInt(String(row.key), 10), row]));
  const decades = [...byDecade.keys()];
  const filled: Record<string, string | number>[] = [];
  for (let decade = Math.min(...decades); decade <= Math.max(...decades); decade += 10) {
    filled.push(byDecade.get(decade) ?? Object.fromEntries([['key', `${decade}s`], ...series.map((name) => [name, 0])]));
  }
  return filled;
}

/**
 * The coordinates generator of a grid direction that is not drawn (`vertical={false}` or
 * `horizontal={false}`): Recharts still computes that direction's lines, measuring every tick label in
 * the DOM to do so (about 26 ms of the overview's first chart in a warm-load profile, docs/07-site.md).
 */
export const noGridLines = (): number[] => [];
