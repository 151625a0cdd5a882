import type { ColumnDef } from '@tanstack/react-table';
import { useMemo } from 'react';
import { RouteLinks } from '../components/RouteLinks';
import { SqlDisclosure } from '../components/ChartCard';
import { SearchableSelect, Select } from '../components/Select';
import { plural, roleLabel } from '../format';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { VirtualTable } from '../components/VirtualTable';
import { useDerivedQuery, useQuery } from '../db/hooks';
import { aggregateCharacters } from '../db/listFilters';
import { characterFranchiseOptionsQuery, characterFilterRowsQuery, characterListQuery, characterOptionsQuery, studioOptionsQuery, type CharacterFilters, type CharacterListRow } from '../db/queries';
import { useUrlState } from '../urlState';
import { useTitle } from '../title';

const FILTER_KEYS: { key: keyof CharacterFilters; param: string }[] = [
  { key: 'search', param: 'q' },
  { key: 'franchise', param: 'franchise' },
  { key: 'studio', param: 'studio' },
  { key: 'role', param: 'role' },
  { key: 'gender', param: 'gender' },
  { key: 'species', param: 'species' },
];

const franchiseOptions = characterFranchiseOptionsQuery;
const roleOptions = characterOptionsQuery('role');
const genderOptions = characterOptionsQuery('gender');
const speciesOptions = characterOptionsQuery('species');

// Every column sorts in the page (the list is at most a few hundred rows). Studios are named, not ids.
function characterColumns(studioNames: Record<string, string>): ColumnDef<CharacterListRow, unknown>[] {
  const names = (row: CharacterListRow) => row.studios.map((id) => studioNames[id] ?? id).join(', ');
  return [
  { id: 'name', header: 'Character', accessorFn: (row) => row.name, cell: ({ row }) => <a href={`/characters/${row.original.character_id}`}>{row.original.name}</a> },
  { id: 'films', header: 'Films', accessorFn: (row) => row.films, meta: { numeric: true }, sortDescFirst: true, cell: ({ row }) => row.original.films },
  { id: 'first_year', header: 'First film', accessorFn: (row) => row.first_year, meta: { numeric: true }, cell: ({ row }) => row.original.first_year },
  { id: 'roles', header: 'Roles', accessorFn: (row) => row.roles.map(roleLabel).join(', '), cell: ({ row }) => row.original.roles.map(roleLabel).join(', ') },
  { id: 'species', header: 'Species', accessorFn: (row) => row.species, cell: ({ row }) => row.original.species },
  { id: 'gender', header: 'Gender', accessorFn: (row) => row.gender, cell: ({ row }) => roleLabel(row.original.gender) },
  { id: 'studios', header: 'Studios', accessorFn: names, cell: ({ row }) => names(row.original) },
  ];
}

export function CharactersPage() {
  useTitle('Characters');
  const [params, update] = useUrlState();
  const filters = Object.fromEntries(FILTER_KEYS.map(({ key, param }) => [key, params.get(param) ?? ''])) as unknown as CharacterFilters;
  const filterKey = JSON.stringify(filters);
  const spec = useMemo(() => characterListQuery(JSON.parse(filterKey) as CharacterFilters), [filterKey]);
  // Once DuckDB has returned every appearance (2,348 rows), a filter change aggregates them in memory
  // (listFilters.ts); before that, the first paint and then the page's SQL answer.
  const characters = useDerivedQuery(characterFilterRowsQuery, spec, filterKey, (rows) => aggregateCharacters(rows, JSON.parse(filterKey) as CharacterFilters));
  const studios = useQuery(studioOptionsQuery);
  const franchises = useQuery(franchiseOptions);
  const roles = useQuery(roleOptions);
  const genders = useQuery(genderOptions);
  const species = useQuery(speciesOptions);
  const columns = useMemo(() => characterColumns(Object.fromEntries(studios.rows.map((option) => [option.value, option.label]))), [studios.rows]);

  return (
    <>
      <h1>Characters</h1>
      <form className="filters card" role="search" aria-label="Filter characters" onSubmit={(event) => event.preventDefault()}>
        <label className="field" htmlFor="character-search">
          <span>Search names</span>
          <input id="character-search" type="search" value={filters.search} placeholder="e.g. buzz" onChange={(event) => update({ q: event.target.value }, true)} />
        </label>
        <Select id="character-franchise" label="Franchise" value={filters.franchise} options={franchises.rows} onChange={(value) => update({ franchise: value })} />
        <Select id="character-studio" label="Studio" value={filters.studio} options={studios.rows} onChange={(value) => update({ studio: value })} />
        <Select id="character-role" label="Role" value={filters.role} options={roles.rows} onChange={(value) => update({ role: value })} />
        <Select id="character-gender" label="Gender" value={filters.gender} options={genders.rows} onChange={(value) => update({ gender: value })} />
        <SearchableSelect id="character-species" label="Species" value={filters.species} options={species.rows} onChange={(value) => update({ species: value })} />
      </form>
      <section className="card" data-query-id={spec.id} data-sql={spec.sql}>
        <p className="muted" aria-live="polite" data-testid="character-count" data-value={characters.status === 'ready' ? characters.rows.length : ''}>
          {characters.status === 'ready' ? plural(characters.rows.length, 'character') : 'Loading characters…'}
        </p>
        {characters.status === 'error' ? (
          <ErrorState message={characters.error} />
        ) : characters.status === 'loading' && characters.rows.length === 0 ? (
          <Skeleton height={400} label="Loading characters" />
        ) : characters.rows.length === 0 ? (
          <EmptyState>No characters match these filters.</EmptyState>
        ) : (
          <RouteLinks>
            <VirtualTable label="Characters" rows={characters.rows} columns={columns} testId="character-table" />
          </RouteLinks>
        )}
        <SqlDisclosure sql={spec.sql} />
      </section>
    </>
  );
}
