import { Link, useParams } from 'react-router';
import { SqlDisclosure } from '../components/ChartCard';
import { EmptyState, EntitySkeleton, ErrorState } from '../components/States';
import { useTitle } from '../title';
import { TalentLinks } from '../components/RolesTable';
import { roleLabel } from '../format';
import { useQuery } from '../db/hooks';
import { characterAppearancesQuery } from '../db/queries';

// The default query is characterFirstPaintQueries in db/firstPaintRoutes.ts: the build writes its rows
// for every character (in shard files), so the page draws before DuckDB is ready.
export function CharacterPage() {
  const { characterId = '' } = useParams();
  const spec = characterAppearancesQuery(characterId);
  const appearances = useQuery(spec);
  useTitle(appearances.rows.at(-1)?.name ?? (appearances.status === 'loading' ? 'Character' : 'Character not found'));
  if (appearances.status === 'error') return <ErrorState message={appearances.error} />;
  if (appearances.status === 'loading') return <EntitySkeleton back="/characters" backLabel="Characters" label="character" />;
  const latest = appearances.rows[appearances.rows.length - 1];
  if (!latest) {
    return (
      <EmptyState>
        No character with id “{characterId}”. <Link to="/characters">Back to characters</Link>.
      </EmptyState>
    );
  }
  const voices = [...new Set(appearances.rows.flatMap((row) => row.voice_actors))];
  const singers = [...new Set(appearances.rows.flatMap((row) => row.singing_voice_actors))];
  return (
    <>
      <p>
        <Link to="/characters">← Characters</Link>
      </p>
      <h1>{latest.name}</h1>
      <section className="card" data-query-id={spec.id} data-sql={spec.sql} data-source={appearances.source ?? 'duckdb'} aria-label="Character facts">
        <dl className="facts">
          <div><dt>Species</dt><dd>{latest.species}{latest.species_detail ? ` (${latest.species_detail})` : ''}</dd></div>
          <div><dt>Gender</dt><dd>{roleLabel(latest.gender)}</dd></div>
          <div data-figure="films" data-value={appearances.rows.length}><dt>Films</dt><dd>{appearances.rows.length}</dd></div>
          <div><dt>Voiced by</dt><dd><TalentLinks names={voices} /></dd></div>
          {singers.length > 0 && <div><dt>Singing voice</dt><dd><TalentLinks names={singers} /></dd></div>}
        </dl>
        {latest.notes && <p className="muted">{latest.notes}</p>}
      </section>
      <section className="card" aria-labelledby="appearances-title">
        <h2 id="appearances-title">Films</h2>
        <div className="table-wrap">
          <table className="data-table sticky-header cards-on-narrow" data-testid="appearance-table">
            <thead>
              <tr><th scope="col">Film</th><th scope="col" className="number">Year</th><th scope="col">Studio</th><th scope="col">Role</th><th scope="col">Voice</th><th scope="col">Singing voice</th></tr>
            </thead>
            <tbody>
              {appearances.rows.map((row) => (
                <tr key={row.film_id}>
                  <td data-label="Film"><Link to={`/films/${row.film_id}`}>{row.film_title}</Link></td>
                  <td data-label="Year" className="number">{row.release_year}</td>
                  <td data-label="Studio">{row.studio}</td>
                  <td data-label="Role">{roleLabel(row.role)}</td>
                  <td data-label="Voice"><TalentLinks names={row.voice_actors} /></td>
                  <td data-label="Singing voice">{row.singing_voice_actors.length ? <TalentLinks names={row.singing_voice_actors} /> : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <SqlDisclosure sql={spec.sql} />
      </section>
    </>
  );
}
