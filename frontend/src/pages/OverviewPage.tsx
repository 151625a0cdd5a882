import { useEffect } from 'react';
import { Link, useNavigate } from 'react-router';
import { useChartTheme } from '../theme';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartCard, SqlDisclosure } from '../components/ChartCard';
import { StackedBarChart } from '../components/StackedBars';
import { ErrorState, Skeleton } from '../components/States';
import { useQuery } from '../db/hooks';
import {
  filmsPerYearByStudioQuery,
  genderByDecadeQuery,
  headlineQuery,
  studioOptionsQuery,
  topGrossingQuery,
  type Headline,
} from '../db/queries';
import { formatInteger, formatMoney, formatMoneyFull, formatPercent, GENDER_COLORS, pivot, roleLabel, studioColor } from '../format';
import { useTitle } from '../title';
import { moneyAxis, noGridLines, stackTotals, valueAxis } from '../chartScale';

const HEADLINE_FIGURES: { key: keyof Headline; label: string; format: (value: number) => string }[] = [
  { key: 'studios', label: 'Studios', format: formatInteger },
  { key: 'films', label: 'Films', format: formatInteger },
  { key: 'characters', label: 'Characters', format: formatInteger },
  { key: 'voice_actors', label: 'Voice actors (speaking)', format: formatInteger },
  { key: 'worldwide_gross_usd', label: 'Worldwide gross', format: formatMoney },
];

/** Marks the first chart drawn, for the benchmark (performance.getEntriesByName('first-chart')). */
export function useFirstChartMark(ready: boolean) {
  useEffect(() => {
    if (ready && performance.getEntriesByName('first-chart').length === 0) {
      requestAnimationFrame(() => performance.mark('first-chart'));
    }
  }, [ready]);
}

/** Whole decades from the first to the last year (the year axis' ticks). */
function decadeTicks(years: number[]): number[] {
  if (years.length === 0) return [0];
  const ticks: number[] = [];
  for (let decade = Math.ceil(Math.min(...years) / 10) * 10; decade <= Math.max(...years); decade += 10) ticks.push(decade);
  return ticks.length > 0 ? ticks : [Math.min(...years)];
}

export function OverviewPage() {
  useTitle('Overview');
  const headline = useQuery(headlineQuery);
  const perYear = useQuery(filmsPerYearByStudioQuery);
  const topGrossing = useQuery(topGrossingQuery);
  const gender = useQuery(genderByDecadeQuery);
  const studioOptions = useQuery(studioOptionsQuery);
  const studioNames: Record<string, string> = Object.fromEntries(studioOptions.rows.map((option) => [option.value, option.label]));
  useFirstChartMark(perYear.status === 'ready');
  const navigate = useNavigate();
  const chart = useChartTheme();
  const yearly = pivot(perYear.rows, (row) => row.release_year, (row) => row.studio_id, (row) => row.films);
  const years = yearly.rows.map((row) => Number(row.key));
  const yearTicks = decadeTicks(years);
  const studioSeries = yearly.series.map((name, index) => ({ key: name, label: studioNames[name] ?? name, color: studioColor(name, index), onSelect: () => navigate(`/studios/${name}`) }));
  const genderWide = pivot(gender.rows, (row) => `${row.decade}s`, (row) => row.gender, (row) => row.appearances);
  const genderSeries = genderWide.series.map((name) => ({ key: name, label: roleLabel(name), color: GENDER_COLORS[name] ?? '#6b7280' }));
  const genderShares = genderWide.rows.map((row) => {
    const total = genderWide.series.reduce((sum, name) => sum + ((row[name] as number) ?? 0), 0);
    const shares: Record<string, string | number> = { key: row.key };
    for (const name of genderWide.series) shares[name] = ((row[name] as number) ?? 0) / total;
    return shares;
  });

  return (
    <>
      <h1>Disney-family animation at a glance</h1>
      <section className="card" aria-labelledby="headline-title" data-query-id={headlineQuery.id} data-sql={headlineQuery.sql} data-source={headline.source ?? 'duckdb'}>
        <h2 id="headline-title" className="visually-hidden">
          Headline figures
        </h2>
        {headline.status === 'error' ? (
          <ErrorState message={headline.error} />
        ) : headline.status === 'loading' ? (
          <Skeleton height={90} label="Loading headline figures" />
        ) : (
          <dl className="figures">
            {HEADLINE_FIGURES.map((figure) => {
              const value = headline.rows[0]?.[figure.key] ?? null;
              return (
                <div key={figure.key} className="figure" data-figure={figure.key} data-value={value ?? ''}>
                  <dt>{figure.label}</dt>
                  <dd title={figure.key.endsWith('usd') ? formatMoneyFull(value) : undefined}>
                    {value === null ? '—' : figure.format(value)}
                  </dd>
                </div>
              );
            })}
          </dl>
        )}
        {headline.rows[0] && (
          <p className="muted figure-note" data-testid="gross-coverage">
            Worldwide gross: the sum over the {formatInteger(headline.rows[0].films_with_worldwide_gross)} of {formatInteger(headline.rows[0].films)} films with a
            reported worldwide figure. Voice actors counts speaking roles; <Link to="/talent">Talent</Link> also lists singing voices.
          </p>
        )}
        <SqlDisclosure sql={headlineQuery.sql} />
      </section>

      <div className="grid">
        <ChartCard
          title="Films per year by studio"
          summary="Number of films released each year, stacked by studio."
          spec={filmsPerYearByStudioQuery}
          state={perYear}
          columns={[
            { header: 'Year', value: (row) => row.release_year, field: 'release_year' },
            { header: 'Studio', value: (row) => studioNames[row.studio_id] ?? row.studio_id, field: 'studio_id', link: (row) => `/studios/${row.studio_id}` },
            { header: 'Films', value: (row) => row.films, field: 'films' },
          ]}
        >
          {() => (
            <StackedBarChart rows={yearly.rows} series={studioSeries} margin={{ left: -20 }} tooltipStyle={chart.tooltip}>
              <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" vertical={false} verticalCoordinatesGenerator={noGridLines} />
              {/* A number axis keeps empty years as gaps; ticks on whole decades. */}
              <XAxis dataKey="key" type="number" domain={years.length ? [Math.min(...years) - 1, Math.max(...years) + 1] : [0, 1]} ticks={yearTicks} tick={chart.tick} stroke={chart.axis} allowDecimals={false} />
              <YAxis {...valueAxis(stackTotals(yearly.rows, yearly.series), 4, true)} tick={chart.tick} stroke={chart.axis} />
            </StackedBarChart>
          )}
        </ChartCard>

        <ChartCard
          title="Top-grossing films"
          summary="The ten films with the highest reported worldwide gross."
          spec={topGrossingQuery}
          state={topGrossing}
          columns={[
            { header: 'Film', value: (row) => row.title, field: 'title', link: (row) => `/films/${row.film_id}` },
            { header: 'Year', value: (row) => row.release_year, field: 'release_year' },
            { header: 'Worldwide gross (USD)', value: (row) => row.worldwide_gross_usd, field: 'worldwide_gross_usd' },
          ]}
        >
          {(rows) => (
            <ResponsiveContainer>
              <BarChart data={rows} layout="vertical" margin={{ left: 30 }}>
                <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" horizontal={false} horizontalCoordinatesGenerator={noGridLines} />
                <XAxis type="number" {...moneyAxis(rows.map((row) => row.worldwide_gross_usd ?? 0))} tick={chart.tick} stroke={chart.axis} />
                <YAxis type="category" dataKey="title" width={130} tick={chart.tick} stroke={chart.axis} interval={0} />
                <Tooltip formatter={(value) => formatMoneyFull(Number(value))} contentStyle={chart.tooltip} />
                <Bar dataKey="worldwide_gross_usd" name="Worldwide gross" fill="#3b6fd4" cursor="pointer" onClick={(data) => navigate(`/films/${(data as { payload?: { film_id?: string } }).payload?.film_id ?? ''}`)} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          )}
        </ChartCard>

        <ChartCard
          title="Cast gender balance by decade"
          summary="Share of character appearances by gender, per decade of release."
          spec={genderByDecadeQuery}
          state={gender}
          columns={[
            { header: 'Decade', value: (row) => row.decade, field: 'decade' },
            { header: 'Gender', value: (row) => roleLabel(row.gender), field: 'gender' },
            { header: 'Appearances', value: (row) => row.appearances, field: 'appearances' },
          ]}
        >
          {() => (
            <StackedBarChart rows={genderShares} series={genderSeries} margin={{ left: -10 }} tooltipStyle={chart.tooltip} formatValue={formatPercent}>
              <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" vertical={false} verticalCoordinatesGenerator={noGridLines} />
              <XAxis dataKey="key" tick={chart.tick} stroke={chart.axis} />
              <YAxis tickFormatter={(value: number) => formatPercent(value)} domain={[0, 1]} ticks={[0, 0.25, 0.5, 0.75, 1]} tick={chart.tick} stroke={chart.axis} />
            </StackedBarChart>
          )}
        </ChartCard>
      </div>
      <p className="muted">
        Explore the <Link to="/films">film list</Link>, the <Link to="/characters">characters</Link>, the{' '}
        <Link to="/map">US box-office map</Link> or write your own query in{' '}
        <Link to="/analytics">analytics</Link>.
      </p>
    </>
  );
}
