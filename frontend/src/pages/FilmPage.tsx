import { Link, useParams } from 'react-router';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartCard, SqlDisclosure } from '../components/ChartCard';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { useQuery } from '../db/hooks';
import { filmCastQuery, filmDailyGrossQuery, filmDetailQuery, filmStateGrossQuery, filmWeeklyGrossQuery } from '../db/queries';
import { formatDate, formatMoneyFull, formatPercent, plural, roleLabel } from '../format';
import { useUrlState } from '../urlState';
import { useFirstChartMark } from './OverviewPage';
import { useTitle } from '../title';
import { TalentLinks } from '../components/RolesTable';
import { EntitySkeleton } from '../components/States';
import { BoxOfficeMapSection } from '../components/BoxOfficeMapSection';
import { moneyAxis, noGridLines } from '../chartScale';
import { useChartTheme } from '../theme';

// The default queries here (detail, cast, daily curve, states) are filmFirstPaintQueries in
// db/firstPaintRoutes.ts: the build writes their rows per film, so the page draws before DuckDB is ready.
export function FilmPage() {
  const { filmId = '' } = useParams();
  const [params, update] = useUrlState();
  const curve = params.get('curve') === 'weekly' ? 'weekly' : 'daily';
  const detailSpec = filmDetailQuery(filmId);
  const castSpec = filmCastQuery(filmId);
  const dailySpec = filmDailyGrossQuery(filmId);
  const weeklySpec = filmWeeklyGrossQuery(filmId);
  const stateSpec = filmStateGrossQuery(filmId);
  const detail = useQuery(detailSpec);
  const cast = useQuery(castSpec);
  const daily = useQuery(curve === 'daily' ? dailySpec : null);
  const weekly = useQuery(curve === 'weekly' ? weeklySpec : null);
  const states = useQuery(stateSpec);
  useFirstChartMark(states.status === 'ready');
  const chart = useChartTheme();
  useTitle(detail.rows[0]?.title ?? (detail.status === 'loading' ? 'Film' : 'Film not found'));

  if (detail.status === 'error') return <ErrorState message={detail.error} />;
  if (detail.status === 'loading') return <EntitySkeleton back="/films" backLabel="Films" label="film" />;
  const film = detail.rows[0];
  if (!film) {
    return (
      <EmptyState>
        No film with id “{filmId}”. <Link to="/films">Back to the film list</Link>.
      </EmptyState>
    );
  }
  const hasBoxOffice = film.release_type === 'theatrical' && film.domestic_gross_usd !== null;

  return (
    <>
      <p>
        <Link to="/films">← Films</Link>
      </p>
      <h1>{film.title}</h1>
      <section className="card" data-query-id={detailSpec.id} data-sql={detailSpec.sql} data-source={detail.source ?? 'duckdb'} aria-label="Film details">
        <dl className="facts">
          <div><dt>Released</dt><dd>{formatDate(film.release_date)}</dd></div>
          <div><dt>Studio</dt><dd><Link to={`/studios/${film.studio_id}`}>{film.studio}</Link></dd></div>
          <div><dt>Franchise</dt><dd>{film.franchise ?? '—'}</dd></div>
          <div><dt>Directed by</dt><dd>{film.directors.join(', ') || '—'}</dd></div>
          <div><dt>Runtime</dt><dd>{film.runtime_minutes ? `${film.runtime_minutes} min` : '—'}</dd></div>
          <div><dt>Release</dt><dd>{roleLabel(film.release_type)}, {film.animation_type} animation</dd></div>
          <div data-figure="domestic_gross_usd" data-value={film.domestic_gross_usd ?? ''}><dt>Domestic gross</dt><dd>{formatMoneyFull(film.domestic_gross_usd)}</dd></div>
          <div data-figure="worldwide_gross_usd" data-value={film.worldwide_gross_usd ?? ''}><dt>Worldwide gross</dt><dd>{formatMoneyFull(film.worldwide_gross_usd)}</dd></div>
        </dl>
        {film.gross_note && <p className="muted">Note: {film.gross_note}</p>}
        <SqlDisclosure sql={detailSpec.sql} />
      </section>

      <section className="card" aria-labelledby="cast-title" data-query-id={castSpec.id} data-sql={castSpec.sql} data-source={cast.source ?? 'duckdb'}>
        <h2 id="cast-title">Cast</h2>
        {cast.status === 'error' ? (
          <ErrorState message={cast.error} />
        ) : cast.status === 'loading' ? (
          <Skeleton height={120} label="Loading cast" />
        ) : cast.rows.length === 0 ? (
          <EmptyState>No characters are recorded for this film.</EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="data-table sticky-header cards-on-narrow" data-testid="cast-table">
              <thead>
                <tr><th scope="col">Character</th><th scope="col">Role</th><th scope="col">Species</th><th scope="col">Voice</th><th scope="col">Singing voice</th></tr>
              </thead>
              <tbody>
                {cast.rows.map((member) => (
                  <tr key={member.character_id}>
                    <td data-label="Character"><Link to={`/characters/${member.character_id}`}>{member.name}</Link></td>
                    <td data-label="Role">{roleLabel(member.role)}</td>
                    <td data-label="Species">{member.species}</td>
                    <td data-label="Voice"><TalentLinks names={member.voice_actors} /></td>
                    <td data-label="Singing voice">{member.singing_voice_actors.length ? <TalentLinks names={member.singing_voice_actors} /> : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <SqlDisclosure sql={castSpec.sql} />
      </section>

      {hasBoxOffice ? (
        <div className="grid">
          <div>
            <div className="segmented" role="group" aria-label="Box-office curve">
              <button type="button" className="button" aria-pressed={curve === 'daily'} onClick={() => update({ curve: null })}>Daily</button>
              <button type="button" className="button" aria-pressed={curve === 'weekly'} onClick={() => update({ curve: 'weekly' })}>Weekly</button>
            </div>
            {curve === 'daily' ? (
              <ChartCard
                title="Daily domestic box office (synthetic)"
                summary="Domestic gross per day since release, split from the reported total by the seeded generator."
                spec={dailySpec}
                state={daily}
                columns={[{ header: 'Date', value: (row) => row.date, field: 'date' }, { header: 'Gross (USD)', value: (row) => row.gross_usd, field: 'gross_usd' }]}
              >
                {(rows) => (
                  <ResponsiveContainer>
                    <LineChart data={rows} margin={{ left: 10 }}>
                      <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" />
                      <XAxis dataKey="date" tick={chart.tick} stroke={chart.axis} minTickGap={40} tickFormatter={(value: string) => formatDate(value)} />
                      <YAxis {...moneyAxis(rows.map((row) => row.gross_usd))} width={64} tick={chart.tick} stroke={chart.axis} />
                      <Tooltip formatter={(value) => formatMoneyFull(Number(value))} labelFormatter={(value) => formatDate(String(value))} contentStyle={chart.tooltip} />
                      <Line type="monotone" dataKey="gross_usd" name="Gross" stroke="#3b6fd4" dot={false} isAnimationActive={false} />
                    </LineChart>
                  </ResponsiveContainer>
                )}
              </ChartCard>
            ) : (
              <ChartCard
                title="Weekly domestic box office (synthetic)"
                summary="Domestic gross per week of release (week 1 starts on release day)."
                spec={weeklySpec}
                state={weekly}
                columns={[{ header: 'Week', value: (row) => row.week, field: 'week' }, { header: 'Starts', value: (row) => row.week_start, field: 'week_start' }, { header: 'Gross (USD)', value: (row) => row.gross_usd, field: 'gross_usd' }]}
              >
                {(rows) => (
                  <ResponsiveContainer>
                    <BarChart data={rows} margin={{ left: 10 }}>
                      <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" vertical={false} verticalCoordinatesGenerator={noGridLines} />
                      <XAxis dataKey="week" tick={chart.tick} stroke={chart.axis} />
                      <YAxis {...moneyAxis(rows.map((row) => row.gross_usd))} width={64} tick={chart.tick} stroke={chart.axis} />
                      <Tooltip formatter={(value) => formatMoneyFull(Number(value))} labelFormatter={(value) => `Week ${value}`} contentStyle={chart.tooltip} />
                      <Bar dataKey="gross_usd" name="Gross" fill="#3b6fd4" isAnimationActive={false} />
                    </BarChart>
                  </ResponsiveContainer>
                )}
              </ChartCard>
            )}
          </div>
          <ChartCard
            title="Domestic box office by US state (synthetic)"
            summary="Share of the film's domestic gross in each state; the fifteen largest are drawn."
            spec={stateSpec}
            state={states}
            height={380}
            columns={[
              { header: 'State', value: (row) => row.state, field: 'state' },
              { header: 'Gross (USD)', value: (row) => row.gross_usd, field: 'gross_usd' },
              { header: 'Share', value: (row) => formatPercent(row.share) },
            ]}
          >
            {(rows) => (
              <ResponsiveContainer>
                <BarChart data={rows.slice(0, 15)} layout="vertical">
                  <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" horizontal={false} horizontalCoordinatesGenerator={noGridLines} />
                  <XAxis type="number" {...moneyAxis(rows.slice(0, 15).map((row) => row.gross_usd))} tick={chart.tick} stroke={chart.axis} />
                  <YAxis type="category" dataKey="state" width={36} tick={chart.tick} stroke={chart.axis} interval={0} />
                  <Tooltip formatter={(value) => formatMoneyFull(Number(value))} contentStyle={chart.tooltip} />
                  <Bar dataKey="gross_usd" name="Gross" fill="#e0892b" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            )}
          </ChartCard>
        </div>
      ) : (
        <EmptyState>
          No box-office curve: {film.release_type === 'theatrical' ? film.gross_note ?? 'no reported gross' : `a ${roleLabel(film.release_type).toLowerCase()} release has no theatrical gross`}.
        </EmptyState>
      )}
      {hasBoxOffice && <BoxOfficeMapSection filmId={filmId} title="Domestic box office on the US map (synthetic)" summary="Gross per state in each week of release; the colours keep one scale over the whole run." />}
      <p className="muted">{plural(cast.rows.length, 'character')} listed.</p>
    </>
  );
}
