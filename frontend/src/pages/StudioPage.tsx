import { Link, useParams } from 'react-router';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartCard, SqlDisclosure } from '../components/ChartCard';
import { EmptyState, EntitySkeleton, ErrorState } from '../components/States';
import { useQuery } from '../db/hooks';
import { studioFilmsQuery, studioOutputByDecadeQuery, studioStatsQuery } from '../db/queries';
import { formatDate, formatMoney, formatMoneyFull, plural, studioColor } from '../format';
import { useTitle } from '../title';
import { useChartTheme } from '../theme';
import { fillDecades, noGridLines, valueAxis } from '../chartScale';
import { useFirstChartMark } from './OverviewPage';

/**
 * /studios/:id — one studio: figures, output per decade and its films. These default queries are
 * studioFirstPaintQueries in db/firstPaintRoutes.ts: the build writes their rows per studio, so the page
 * draws before DuckDB is ready.
 */
export function StudioPage() {
  const { studioId = '' } = useParams();
  const statsSpec = studioStatsQuery([studioId]);
  const outputSpec = studioOutputByDecadeQuery([studioId]);
  const filmsSpec = studioFilmsQuery(studioId);
  const stats = useQuery(statsSpec);
  const output = useQuery(outputSpec);
  const films = useQuery(filmsSpec);
  const chart = useChartTheme();
  useFirstChartMark(output.status === 'ready');
  useTitle(stats.rows[0]?.studio ?? (stats.status === 'loading' ? 'Studio' : 'Studio not found'));
  if (stats.status === 'error') return <ErrorState message={stats.error} />;
  if (stats.status === 'loading') return <EntitySkeleton back="/studios" backLabel="Studios" label="studio" />;
  const studio = stats.rows[0];
  if (!studio) {
    return (
      <EmptyState>
        No studio with id “{studioId}”. <Link to="/studios">Back to studios</Link>.
      </EmptyState>
    );
  }
  return (
    <>
      <p>
        <Link to="/studios">← Studios</Link>
      </p>
      <h1>{studio.studio}</h1>
      <section className="card" aria-label="Studio facts" data-query-id={statsSpec.id} data-sql={statsSpec.sql} data-source={stats.source ?? 'duckdb'}>
        <dl className="facts">
          <div data-figure="films" data-value={studio.films}><dt>Films</dt><dd>{studio.films}</dd></div>
          <div data-figure="franchises" data-value={studio.franchises}><dt>Franchises</dt><dd>{studio.franchises}</dd></div>
          <div data-figure="characters" data-value={studio.characters}><dt>Characters</dt><dd>{studio.characters}</dd></div>
          <div><dt>Years</dt><dd>{studio.first_year}–{studio.last_year}</dd></div>
          <div><dt>Domestic gross (films with a reported figure)</dt><dd title={formatMoneyFull(studio.domestic_gross_usd)}>{formatMoney(studio.domestic_gross_usd)}</dd></div>
        </dl>
        <SqlDisclosure sql={statsSpec.sql} />
      </section>
      <ChartCard
        title="Films per decade"
        summary={`Number of ${studio.studio} films released in each decade.`}
        spec={outputSpec}
        state={output}
        columns={[
          { header: 'Decade', value: (row) => `${row.decade}s`, field: 'decade' },
          { header: 'Films', value: (row) => row.films, field: 'films' },
        ]}
        height={220}
      >
        {(rows) => (
          <ResponsiveContainer>
            <BarChart data={fillDecades(rows.map((row) => ({ key: `${row.decade}s`, films: row.films })), ['films'])}>
              <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" vertical={false} verticalCoordinatesGenerator={noGridLines} />
              <XAxis dataKey="key" tick={chart.tick} stroke={chart.axis} interval={0} />
              <YAxis {...valueAxis(rows.map((row) => row.films), 4, true)} tick={chart.tick} stroke={chart.axis} />
              <Tooltip contentStyle={chart.tooltip} />
              <Bar dataKey="films" name="Films" fill={studioColor(studioId)} maxBarSize={56} isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        )}
      </ChartCard>
      <section className="card" aria-labelledby="studio-films-title" data-query-id={filmsSpec.id} data-sql={filmsSpec.sql} data-source={films.source ?? 'duckdb'}>
        <h2 id="studio-films-title">{films.status === 'ready' ? plural(films.rows.length, 'film') : 'Films'}</h2>
        <div className="table-wrap">
          <table className="data-table sticky-header cards-on-narrow" data-testid="studio-film-table">
            <caption className="visually-hidden">Films of {studio.studio}</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Released</th>
                <th scope="col" className="number">Characters</th>
                <th scope="col" className="number">Worldwide gross</th>
              </tr>
            </thead>
            <tbody>
              {films.rows.map((film) => (
                <tr key={film.film_id}>
                  <td data-label="Title"><Link to={`/films/${film.film_id}`}>{film.title}</Link></td>
                  <td data-label="Released">{formatDate(film.release_date)}</td>
                  <td data-label="Characters" className="number">{film.character_count}</td>
                  <td data-label="Worldwide gross" className="number">{formatMoney(film.worldwide_gross_usd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <SqlDisclosure sql={filmsSpec.sql} />
      </section>
    </>
  );
}
