const compactCurrency = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  notation: 'compact',
  maximumFractionDigits: 1,
});
const fullCurrency = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const percent = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

export const formatMoney = (value: number | null) => (value === null ? '—' : compactCurrency.format(value));
export const formatMoneyFull = (value: number | null) => (value === null ? '—' : fullCurrency.format(value));
export const formatInteger = (value: number | null) => (value === null ? '—' : integer.format(value));
export const formatPercent = (value: number | null) => (value === null ? '—' : percent.format(value));

export const STUDIO_COLORS: Record<string, string> = {
  wdas: '#3b6fd4',
  pixar: '#e0892b',
  'blue-sky': '#2aa3b8',
  disneytoon: '#a25fd1',
  '20th-century-animation': '#c7463f',
  'disney-plus': '#1f9d55',
  'marvel-animation': '#b8860b',
  'disney-hybrid': '#d35d9b',
};
const FALLBACK_COLORS = ['#6b7280', '#0ea5e9', '#84cc16', '#f43f5e'];

export function studioColor(studioId: string, index = 0): string {
  return STUDIO_COLORS[studioId] ?? FALLBACK_COLORS[index % FALLBACK_COLORS.length];
}

export const GENDER_COLORS: Record<string, string> = {
  female: '#d35d9b',
  male: '#3b6fd4',
  nonbinary: '#1f9d55',
  unknown: '#9ca3af',
};

/** Turn long rows (key, series, value) into wide rows for stacked charts: one row per key. */
export function pivot<T>(
  rows: T[],
  key: (row: T) => string | number,
  series: (row: T) => string,
  value: (row: T) => number,
): { rows: Record<string, string | number>[]; series: string[] } {
  const byKey = new Map<string | number, Record<string, string | number>>();
  const seriesNames = new Set<string>();
  for (const row of rows) {
    const k = key(row);
    const name = series(row);
    seriesNames.add(name);
    const wide = byKey.get(k) ?? { key: k };
    wide[name] = ((wide[name] as number | undefined) ?? 0) + value(row);
    byKey.set(k, wide);
  }
  return { rows: [...byKey.values()], series: [...seriesNames].sort() };
}

/** Bytes as a short figure: "812 KB", "5.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1_000_000) return `${Math.round(bytes / 1000)} KB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** "1 character", "2 characters"; pass the plural when it is not the singular plus "s". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${integer.format(count)} ${count === 1 ? singular : pluralForm}`;
}

/** A machine label as words: "love-interest" -> "Love interest". */
export function roleLabel(value: string | null): string {
  if (!value) return '—';
  const words = value.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const longDate = new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });

/** An ISO date ("2010-06-18") as "Jun 18, 2010"; null as "—". */
export function formatDate(value: string | null): string {
  if (!value) return '—';
  const date = new Date(`${value.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? value : longDate.format(date);
}
