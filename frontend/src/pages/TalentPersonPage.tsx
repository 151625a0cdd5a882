import { Link, useParams } from 'react-router';
import { SqlDisclosure } from '../components/ChartCard';
import { RolesTable } from '../components/RolesTable';
import { EmptyState, EntitySkeleton, ErrorState } from '../components/States';
import { useQuery } from '../db/hooks';
import { studioOptionsQuery, talentDetailQuery, talentRolesQuery } from '../db/queries';
import { plural } from '../format';
import { useTitle } from '../title';

/**
 * /talent/:name — one voice actor: figures and every role, spoken or sung. The default queries are
 * talentFirstPaintQueries (plus studioOptionsQuery) in db/firstPaintRoutes.ts: the build writes their
 * rows for every voice actor (in shard files), so the page draws before DuckDB is ready.
 */
export function TalentPersonPage() {
  const { talentName = '' } = useParams();
  const detailSpec = talentDetailQuery(talentName);
  const rolesSpec = talentRolesQuery(talentName);
  const detail = useQuery(detailSpec);
  const roles = useQuery(rolesSpec);
  const studios = useQuery(studioOptionsQuery);
  const studioNames: Record<string, string> = Object.fromEntries(studios.rows.map((option) => [option.value, option.label]));
  useTitle(detail.rows[0]?.talent_name ?? (detail.status === 'loading' ? 'Voice actor' : 'Voice actor not found'));
  if (detail.status === 'error') return <ErrorState message={detail.error} />;
  if (roles.status === 'error') return <ErrorState message={roles.error} />;
  if (detail.status === 'loading' || roles.status === 'loading') return <EntitySkeleton back="/talent" backLabel="Voice talent" label="voice actor" />;
  const person = detail.rows[0];
  if (!person && roles.rows.length === 0) {
    return (
      <EmptyState>
        No voice actor named “{talentName}”. <Link to="/talent">Back to voice talent</Link>.
      </EmptyState>
    );
  }
  return (
    <>
      <p>
        <Link to="/talent">← Voice talent</Link>
      </p>
      <h1>{talentName}</h1>
      <section className="card" aria-label="Voice actor facts" data-query-id={detailSpec.id} data-sql={detailSpec.sql} data-source={detail.source ?? 'duckdb'}>
        {person ? (
          <dl className="facts">
            <div data-figure="appearances" data-value={person.appearances}><dt>Appearances</dt><dd>{person.appearances}</dd></div>
            <div data-figure="characters" data-value={person.characters}><dt>Characters</dt><dd>{person.characters}</dd></div>
            <div data-figure="films" data-value={person.films}><dt>Films</dt><dd>{person.films}</dd></div>
            <div><dt>Studios</dt><dd>{person.studio_ids.map((id, index) => <span key={id}>{index > 0 && ', '}<Link to={`/studios/${id}`}>{studioNames[id] ?? id}</Link></span>)}</dd></div>
            <div><dt>Years</dt><dd>{person.first_year === person.last_year ? person.first_year : `${person.first_year}–${person.last_year}`}</dd></div>
          </dl>
        ) : (
          <p className="muted">No figures recorded for this name.</p>
        )}
        <SqlDisclosure sql={detailSpec.sql} />
      </section>
      <section className="card" aria-labelledby="roles-title" data-query-id={rolesSpec.id} data-sql={rolesSpec.sql} data-source={roles.source ?? 'duckdb'}>
        <h2 id="roles-title">{plural(roles.rows.length, 'role')}</h2>
        <RolesTable rows={roles.rows} name={talentName} />
        <SqlDisclosure sql={rolesSpec.sql} />
      </section>
    </>
  );
}
