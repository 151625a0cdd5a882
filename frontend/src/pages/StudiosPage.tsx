import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { useChartTheme } from '../theme';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartCard } from '../components/ChartCard';
import { StackedBarChart } from '../components/StackedBars';
import { useQuery } from '../db/hooks';
import { studioOptionsQuery, studioOutputByDecadeQuery, studioStatsQuery } from '../db/queries';
import { formatMoneyFull, pivot, studioColor } from '../format';
import { useUrlState } from '../urlState';
import { useFirstChartMark } from './OverviewPage';
import { useTitle } from '../title';
import { fillDecades, moneyAxis, noGridLines, stackTotals, valueAxis } from '../chartScale';

export function StudiosPage() {
  useTitle('Studios');
  const [params, update] = useUrlState();
  const selected = params.getAll('studio');
  const selectedKey = selected.join(',');
  const statsSpec = useMemo(() => studioStatsQuery(selectedKey ? selectedKey.split(',') : []), [selectedKey]);
  const outputSpec = useMemo(() => studioOutputByDecadeQuery(selectedKey ? selectedKey.split(',') : []), [selectedKey]);
  const studios = useQuery(studioOptionsQuery);
  const stats = useQuery(statsSpec);
  const output = useQuery(outputSpec);
  useFirstChartMark(output.status === 'ready');
  const navigate = useNavigate();
  const chart = useChartTheme();
  const openStudio = (studioId: unknown) => typeof studioId === 'string' && navigate(`/studios/${studioId}`);
  const studioNames = Object.fromEntries(studios.rows.map((option) => [option.value, option.label]));
  const pivoted = pivot(output.rows, (row) => `${row.decade}s`, (row) => row.studio_id, (row) => row.films);
  // Stacked per decade (one wide bar each, not a hairline per studio), with empty decades kept.
  const byDecade = { series: pivoted.series, rows: fillDecades(pivoted.rows, pivoted.series) };
  const studioSeries = byDecade.series.map((name, index) => ({ key: name, label: studioNames[name] ?? name, color: studioColor(name, index), onSelect: () => openStudio(name) }));

  const toggle = (studioId: string) => {
    const next = selected.includes(studioId) ? selected.filter((id) => id !== studioId) : [...selected, studioId];
    update({ studio: next });
  };

  return (
    <>
      <h1>Compare studios</h1>
      <fieldset className="card filters">
        <legend>Studios to compare (none selected shows all)</legend>
        {studios.rows.map((studio) => (
          <label key={studio.value} className="checkbox">
            <input type="checkbox" checked={selected.includes(studio.value)} onChange={() => toggle(studio.value)} />
            <span className="swatch" style={{ background: studioColor(studio.value) }} aria-hidden="true" />
            {studio.label}
          </label>
        ))}
        {studios.rows.map((studio) => (
          <Link key={`page-${studio.value}`} className="visually-hidden" to={`/studios/${studio.value}`}>
            {studio.label} studio page
          </Link>
        ))}
      </fieldset>
      <div className="grid">
        <ChartCard
          title="Output over time"
          summary="Films released per decade by each studio."
          spec={outputSpec}
          state={output}
          columns={[
            { header: 'Decade', value: (row) => row.decade, field: 'decade' },
            { header: 'Studio', value: (row) => studioNames[row.studio_id] ?? row.studio_id, field: 'studio_id', link: (row) => `/studios/${row.studio_id}` },
            { header: 'Films', value: (row) => row.films, field: 'films' },
          ]}
        >
          {() => (
            <StackedBarChart rows={byDecade.rows} series={studioSeries} margin={{ left: -20 }} tooltipStyle={chart.tooltip}>
              <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" vertical={false} verticalCoordinatesGenerator={noGridLines} />
              <XAxis dataKey="key" tick={chart.tick} stroke={chart.axis} interval={0} />
              <YAxis {...valueAxis(stackTotals(byDecade.rows, byDecade.series), 4, true)} tick={chart.tick} stroke={chart.axis} />
            </StackedBarChart>
          )}
        </ChartCard>
        <ChartCard
          title="Domestic gross by studio"
          summary="Sum of the reported domestic (US) gross of each studio's films."
          spec={statsSpec}
          state={stats}
          columns={[
            { header: 'Studio', value: (row) => row.studio, field: 'studio', link: (row) => `/studios/${row.studio_id}` },
            { header: 'Films', value: (row) => row.films, field: 'films' },
            { header: 'Franchises', value: (row) => row.franchises, field: 'franchises' },
            { header: 'Characters', value: (row) => row.characters, field: 'characters' },
            { header: 'Years', value: (row) => `${row.first_year}–${row.last_year}` },
            { header: 'Domestic gross (USD)', value: (row) => row.domestic_gross_usd, field: 'domestic_gross_usd' },
          ]}
        >
          {(rows) => (
            <ResponsiveContainer>
              <BarChart data={rows} layout="vertical" margin={{ left: 10 }}>
                <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" horizontal={false} horizontalCoordinatesGenerator={noGridLines} />
                <XAxis type="number" {...moneyAxis(rows.map((row) => row.domestic_gross_usd ?? 0))} tick={chart.tick} stroke={chart.axis} />
                <YAxis type="category" dataKey="studio" width={160} tick={chart.tick} stroke={chart.axis} interval={0} />
                <Tooltip formatter={(value) => formatMoneyFull(Number(value))} contentStyle={chart.tooltip} />
                <Bar dataKey="domestic_gross_usd" name="Domestic gross" fill="#3b6fd4" cursor="pointer" onClick={(data) => openStudio((data as { payload?: { studio_id?: string } }).payload?.studio_id)} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          )}
        </ChartCard>
        <ChartCard
          title="Franchises and characters by studio"
          summary="Distinct franchises and distinct characters across each studio's films, each on its own axis."
          height={340}
          spec={statsSpec}
          state={stats}
          columns={[
            { header: 'Studio', value: (row) => row.studio, field: 'studio', link: (row) => `/studios/${row.studio_id}` },
            { header: 'Franchises', value: (row) => row.franchises, field: 'franchises' },
            { header: 'Characters', value: (row) => row.characters, field: 'characters' },
          ]}
        >
          {(rows) => (
            <ResponsiveContainer>
              <BarChart data={rows} layout="vertical" margin={{ left: 10 }}>
                <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" horizontal={false} horizontalCoordinatesGenerator={noGridLines} />
                {/* Franchises (tens) and characters (hundreds) each get their own axis. */}
                <XAxis xAxisId="franchises" type="number" orientation="top" {...valueAxis(rows.map((row) => row.franchises), 4, true)} tick={chart.tick} stroke="#b86a14" />
                <XAxis xAxisId="characters" type="number" orientation="bottom" {...valueAxis(rows.map((row) => row.characters), 4, true)} tick={chart.tick} stroke="#1d7f90" />
                <YAxis type="category" dataKey="studio" width={160} tick={chart.tick} stroke={chart.axis} interval={0} />
                <Tooltip contentStyle={chart.tooltip} />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Bar xAxisId="franchises" dataKey="franchises" name="Franchises (top axis)" fill="#e0892b" isAnimationActive={false} />
                <Bar xAxisId="characters" dataKey="characters" name="Characters (bottom axis)" fill="#2aa3b8" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          )}
        </ChartCard>
      </div>
    </>
  );
}
