import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { Link, useNavigate } from 'react-router';
import { RouteLinks } from '../components/RouteLinks';
import { useChartTheme } from '../theme';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ChartCard, SqlDisclosure } from '../components/ChartCard';
import { Select } from '../components/Select';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { VirtualTable } from '../components/VirtualTable';
import { useQuery } from '../db/hooks';
import { studioOptionsQuery, talentAcrossStudiosQuery, talentListQuery, talentRolesQuery, type TalentRow } from '../db/queries';
import { useUrlState } from '../urlState';
import { useTitle } from '../title';
import { plural } from '../format';
import { noGridLines, valueAxis } from '../chartScale';
import { LabelList } from 'recharts';

// Every column sorts in the page. Studios are named, not shown by id.
function talentColumns(studioNames: Record<string, string>): ColumnDef<TalentRow, unknown>[] {
  return [
  { id: 'talent_name', header: 'Voice actor', accessorFn: (row) => row.talent_name, cell: ({ row }) => <a href={`/talent/${encodeURIComponent(row.original.talent_name)}`}>{row.original.talent_name}</a> },
  { id: 'appearances', header: 'Appearances', accessorFn: (row) => row.appearances, meta: { numeric: true }, sortDescFirst: true, cell: ({ row }) => row.original.appearances },
  { id: 'characters', header: 'Characters', accessorFn: (row) => row.characters, meta: { numeric: true }, sortDescFirst: true, cell: ({ row }) => row.original.characters },
  { id: 'films', header: 'Films', accessorFn: (row) => row.films, meta: { numeric: true }, sortDescFirst: true, cell: ({ row }) => row.original.films },
  { id: 'studios', header: 'Studios', accessorFn: (row) => row.studios, meta: { numeric: true }, sortDescFirst: true, cell: ({ row }) => `${row.original.studios} (${row.original.studio_ids.map((id) => studioNames[id] ?? id).join(', ')})` },
  { id: 'years', header: 'Years', accessorFn: (row) => row.first_year, cell: ({ row }) => (row.original.first_year === row.original.last_year ? row.original.first_year : `${row.original.first_year}–${row.original.last_year}`) },
  ];
}

const MINIMUM_STUDIO_OPTIONS = [2, 3, 4].map((count) => ({ value: String(count), label: `${count} or more` }));

function ActorRoles({ name }: { name: string }) {
  const spec = talentRolesQuery(name);
  const roles = useQuery(spec);
  return (
    <section className="card" aria-labelledby="actor-title" data-query-id={spec.id} data-sql={spec.sql}>
      <h2 id="actor-title">{name}</h2>
      {roles.status === 'error' ? (
        <ErrorState message={roles.error} />
      ) : roles.status === 'loading' ? (
        <Skeleton height={120} label={`Loading roles of ${name}`} />
      ) : roles.rows.length === 0 ? (
        <EmptyState>No roles recorded for {name}.</EmptyState>
      ) : (
        <ul>
          {roles.rows.map((row) => (
            <li key={`${row.film_id}-${row.character_id}`}>
              <Link to={`/characters/${row.character_id}`}>{row.name}</Link> in <Link to={`/films/${row.film_id}`}>{row.film_title}</Link> ({row.release_year}, {row.studio})
              {row.singing_voice_actors.includes(name) && !row.voice_actors.includes(name) ? ' — singing voice' : ''}
            </li>
          ))}
        </ul>
      )}
      <SqlDisclosure sql={spec.sql} />
    </section>
  );
}

export function TalentPage() {
  useTitle('Voice talent');
  const [params, update] = useUrlState();
  const search = params.get('q') ?? '';
  const studio = params.get('studio') ?? '';
  const minimumStudios = Number(params.get('minStudios') ?? '1') || 1;
  const actor = params.get('actor');
  const spec = useMemo(() => talentListQuery({ search, studio, minimumStudios }), [search, studio, minimumStudios]);
  const talent = useQuery(spec);
  const studios = useQuery(studioOptionsQuery);
  const across = useQuery(talentAcrossStudiosQuery);
  const top = talent.rows.slice(0, 15);
  const navigate = useNavigate();
  const chart = useChartTheme();
  const columns = useMemo(() => talentColumns(Object.fromEntries(studios.rows.map((option) => [option.value, option.label]))), [studios.rows]);

  return (
    <>
      <h1>Voice talent</h1>
      {actor && <ActorRoles name={actor} />}
      <form className="filters card" role="search" aria-label="Filter voice actors" onSubmit={(event) => event.preventDefault()}>
        <label className="field" htmlFor="talent-search">
          <span>Search names</span>
          <input id="talent-search" type="search" value={search} onChange={(event) => update({ q: event.target.value }, true)} />
        </label>
        <Select id="talent-studio" label="Worked for studio" value={studio} options={studios.rows} onChange={(value) => update({ studio: value })} />
        <Select id="talent-studios" label="Studios worked for" value={minimumStudios > 1 ? String(minimumStudios) : ''} options={MINIMUM_STUDIO_OPTIONS} allLabel="Any" onChange={(value) => update({ minStudios: value })} />
      </form>
      <div className="grid">
        <ChartCard
          title="Most frequent voice actors"
          summary="Character appearances voiced, for the fifteen most frequent actors matching the filters."
          spec={spec}
          state={{ ...talent, rows: top } as typeof talent}
          // One 26 px band per actor, so that names never overlap.
          height={Math.max(160, top.length * 26 + 40)}
          columns={[
            { header: 'Voice actor', value: (row) => row.talent_name, field: 'talent_name', link: (row) => `/talent/${encodeURIComponent(row.talent_name)}` },
            { header: 'Appearances', value: (row) => row.appearances, field: 'appearances' },
            { header: 'Studios', value: (row) => row.studios, field: 'studios' },
          ]}
        >
          {(rows) => (
            <ResponsiveContainer>
              <BarChart data={rows} layout="vertical" margin={{ left: 40 }}>
                <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" horizontal={false} horizontalCoordinatesGenerator={noGridLines} />
                <XAxis type="number" {...valueAxis(rows.map((row) => row.appearances), 4, true)} tick={chart.tick} stroke={chart.axis} />
                <YAxis type="category" dataKey="talent_name" width={150} tick={chart.tick} stroke={chart.axis} interval={0} />
                <Tooltip contentStyle={chart.tooltip} />
                <Bar dataKey="appearances" name="Appearances" fill="#a25fd1" cursor="pointer" onClick={(data) => navigate(`/talent/${encodeURIComponent((data as { payload?: { talent_name?: string } }).payload?.talent_name ?? '')}`)} isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          )}
        </ChartCard>
        <ChartCard
          title="Voice actors across studios"
          summary="How many voice actors worked for one, two or more of the studios."
          spec={talentAcrossStudiosQuery}
          state={across}
          columns={[
            { header: 'Studios', value: (row) => row.studios, field: 'studios' },
            { header: 'Voice actors', value: (row) => row.voice_actors, field: 'voice_actors' },
          ]}
        >
          {(rows) => (
            <ResponsiveContainer>
              <BarChart data={rows} margin={{ top: 18 }}>
                <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" vertical={false} verticalCoordinatesGenerator={noGridLines} />
                <XAxis dataKey="studios" tick={chart.tick} stroke={chart.axis} label={{ value: 'studios worked for', position: 'insideBottom', offset: -2, fill: chart.tick.fill, fontSize: 11 }} height={36} />
                {/* A linear axis with round ticks; the value above each bar keeps the small groups readable. */}
                <YAxis {...valueAxis(rows.map((row) => row.voice_actors), 4, true)} tick={chart.tick} stroke={chart.axis} />
                <Tooltip contentStyle={chart.tooltip} />
                <Bar dataKey="voice_actors" name="Voice actors" fill="#1f9d55" isAnimationActive={false}>
                  <LabelList dataKey="voice_actors" position="top" fill={chart.tick.fill} fontSize={11} />
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          )}
        </ChartCard>
      </div>
      <section className="card">
        <p className="muted" aria-live="polite" data-testid="talent-count">
          {talent.status === 'ready' ? `${plural(talent.rows.length, 'voice actor')} (singing voices included)` : 'Loading voice actors…'}
        </p>
        {talent.status === 'error' ? (
          <ErrorState message={talent.error} />
        ) : talent.status === 'loading' && talent.rows.length === 0 ? (
          <Skeleton height={400} label="Loading voice actors" />
        ) : talent.rows.length === 0 ? (
          <EmptyState>No voice actors match these filters.</EmptyState>
        ) : (
          <RouteLinks>
            <VirtualTable label="Voice actors" rows={talent.rows} columns={columns} testId="talent-table" />
          </RouteLinks>
        )}
      </section>
    </>
  );
}
