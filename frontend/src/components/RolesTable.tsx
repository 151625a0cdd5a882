import { Link } from 'react-router';
import type { CharacterAppearance } from '../db/queries';
import { roleLabel } from '../format';

/** Links to a voice actor's page, one per name. */
export function TalentLinks({ names }: { names: string[] }) {
  if (names.length === 0) return <>—</>;
  return (
    <>
      {names.map((name, index) => (
        <span key={name}>
          {index > 0 && ', '}
          <Link to={`/talent/${encodeURIComponent(name)}`}>{name}</Link>
        </span>
      ))}
    </>
  );
}

/** A voice actor's roles: character, film, year, studio, role, and whether they sang it. */
export function RolesTable({ rows, name }: { rows: CharacterAppearance[]; name: string }) {
  return (
    <div className="table-wrap">
      <table className="data-table sticky-header cards-on-narrow" data-testid="roles-table">
        <caption className="visually-hidden">Roles of {name}</caption>
        <thead>
          <tr>
            <th scope="col">Character</th>
            <th scope="col">Film</th>
            <th scope="col" className="number">Year</th>
            <th scope="col">Studio</th>
            <th scope="col">Role</th>
            <th scope="col">Voice</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={`${row.film_id}-${row.character_id}`}>
              <td data-label="Character"><Link to={`/characters/${row.character_id}`}>{row.name}</Link></td>
              <td data-label="Film"><Link to={`/films/${row.film_id}`}>{row.film_title}</Link></td>
              <td data-label="Year" className="number">{row.release_year}</td>
              <td data-label="Studio">{row.studio}</td>
              <td data-label="Role">{roleLabel(row.role)}</td>
              <td data-label="Voice">{row.voice_actors.includes(name) ? (row.singing_voice_actors.includes(name) ? 'Speaking and singing' : 'Speaking') : 'Singing'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
