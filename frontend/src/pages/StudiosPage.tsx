import { useMemo } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartCard } from '../components/ChartCard';
import { useQuery } from '../db/hooks';
import { studioOptionsQuery, studioOutputByDecadeQuery, studioStatsQuery } from '../db/queries';
import { formatMoney, formatMoneyFull, pivot, studioColor } from '../format';
import { useUrlState } from '../urlState';
import { useFirstChartMark } from './OverviewPage';
import { useTitle } from '../title';

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
  const byDecade = pivot(output.rows, (row) => `${row.decade}s`, (row) => row.studio_id, (row) => row.films);

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
      </fieldset>
      <div className="grid">
        <ChartCard
          title="Output over time"
          summary="Films released per decade by each studio."
          spec={outputSpec}
          state={output}
          columns={[
            { header: 'Decade', value: (row) => row.decade, field: 'decade' },
            { header: 'Studio', value: (row) => row.studio_id, field: 'studio_id' },
            { header: 'Films', value: (row) => row.films, field: 'films' },
          ]}
        >
          {() => (
            <ResponsiveContainer>
              <BarChart data={byDecade.rows} margin={{ left: -20 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="key" tick={{ fontSize: 11 }} />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                {byDecade.series.map((name, index) => (
                  <Bar key={name} dataKey={name} fill={studioColor(name, index)} isAnimationActive={false} />
                ))}
              </BarChart>
            </ResponsiveContainer>
          )}
        </ChartCard>
        <ChartCard
          title="Domestic gross by studio"
          summary="Sum of the reported domestic (US) gross of each studio's films."
          spec={statsSpec}
          state={stats}
          columns={[
            { header: 'Studio', value: (row) => row.studio, field: 'studio' },
            { header: 'Films', value: (row) => row.films, field: 'films' },
            { header: 'Franchises', value: (row) => row.franchises, field: 'franchises' },
            { header: 'Characters', value: (row) => row.characters, field: 'characters' },
            { header: 'Years', value: (row) => `${row.first_year}–${row.last_year}` },
            { header: 'Domestic gross (USD)', value: (row) => row.domestic_gross_usd, field: 'domestic_gross_usd' },
          ]}
        >
          {(rows) => (
            <ResponsiveContainer>
              <BarChart data={rows} layout="vertical" margin={{ left: 40 }}>
                <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                <XAxis type="number" tickFormatter={(value: number) => formatMoney(value)} />
                <YAxis type="category" dataKey="studio_id" width={120} tick={{ fontSize: 11 }} />
                <Tooltip formatter={(value) => formatMoneyFull(Number(value))} />
                <Bar dataKey="domestic_gross_usd" name="Domestic gross" fill="#3b6fd4" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          )}
        </ChartCard>
        <ChartCard
          title="Franchises and characters by studio"
          summary="Distinct franchises and distinct characters across each studio's films."
          spec={statsSpec}
          state={stats}
          columns={[
            { header: 'Studio', value: (row) => row.studio, field: 'studio' },
            { header: 'Franchises', value: (row) => row.franchises, field: 'franchises' },
            { header: 'Characters', value: (row) => row.characters, field: 'characters' },
          ]}
        >
          {(rows) => (
            <ResponsiveContainer>
              <BarChart data={rows} margin={{ left: -10 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="studio_id" tick={{ fontSize: 10 }} interval={0} />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Bar dataKey="franchises" name="Franchises" fill="#e0892b" isAnimationActive={false} />
                <Bar dataKey="characters" name="Characters" fill="#2aa3b8" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          )}
        </ChartCard>
      </div>
    </>
  );
}
