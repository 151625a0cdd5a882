import type { ColumnDef } from '@tanstack/react-table';
import { useCallback, useMemo } from 'react';
import { RouteLinks } from '../components/RouteLinks';
import { SqlDisclosure } from '../components/ChartCard';
import { Select } from '../components/Select';
import { EmptyState, ErrorState, Skeleton } from '../components/States';
import { VirtualTable } from '../components/VirtualTable';
import { useDerivedQuery, useQuery } from '../db/hooks';
import { filterFilms } from '../db/listFilters';
import {
  decadeOptionsQuery,
  DEFAULT_FILM_FILTERS,
  FILM_SORT_COLUMNS,
  filmListQuery,
  releaseTypeOptionsQuery,
  studioOptionsQuery,
  type FilmFilters,
  type FilmListRow,
  type FilmSortColumn,
} from '../db/queries';
import { formatDate, formatMoney, plural, roleLabel } from '../format';
import { useUrlState } from '../urlState';
import { useTitle } from '../title';

export function defaultDescending(column: FilmSortColumn): boolean {
  return !['title', 'studio'].includes(column);
}

export function readFilmFilters(params: URLSearchParams): FilmFilters {
  const sort = params.get('sort') as FilmSortColumn | null;
  return {
    search: params.get('q') ?? DEFAULT_FILM_FILTERS.search,
    studio: params.get('studio') ?? '',
    decade: params.get('decade') ?? '',
    releaseType: params.get('type') ?? '',
    sort: sort && FILM_SORT_COLUMNS.includes(sort) ? sort : DEFAULT_FILM_FILTERS.sort,
    // Without an explicit direction a column sorts its natural way: newest, largest first for
    // dates and figures, A to Z for text.
    descending: params.has('dir') ? params.get('dir') === 'desc' : defaultDescending(sort && FILM_SORT_COLUMNS.includes(sort) ? sort : DEFAULT_FILM_FILTERS.sort),
  };
}

const ALL_FILMS = filmListQuery(DEFAULT_FILM_FILTERS);

const COLUMNS: ColumnDef<FilmListRow, unknown>[] = [
  {
    id: 'title',
    header: 'Title',
    cell: ({ row }) => <a href={`/films/${row.original.film_id}`}>{row.original.title}</a>,
  },
  { id: 'release_date', header: 'Released', cell: ({ row }) => formatDate(row.original.release_date) },
  { id: 'studio', header: 'Studio', cell: ({ row }) => row.original.studio },
  { id: 'release_type', header: 'Type', cell: ({ row }) => roleLabel(row.original.release_type) },
  { id: 'runtime_minutes', header: 'Minutes', meta: { numeric: true }, cell: ({ row }) => row.original.runtime_minutes ?? '—' },
  { id: 'character_count', header: 'Characters', meta: { numeric: true }, cell: ({ row }) => row.original.character_count },
  { id: 'worldwide_gross_usd', header: 'Worldwide gross', meta: { numeric: true }, cell: ({ row }) => formatMoney(row.original.worldwide_gross_usd) },
];

export function FilmsPage() {
  useTitle('Films');
  const [params, update] = useUrlState();
  const filters = readFilmFilters(params);
  const spec = useMemo(() => filmListQuery(filters), [filters.search, filters.studio, filters.decade, filters.releaseType, filters.sort, filters.descending]); // eslint-disable-line react-hooks/exhaustive-deps
  // Every film, newest first: the first paint's rows, later DuckDB's; each filter change is a pass
  // over them in memory (listFilters.ts, docs/07-site.md).
  const films = useDerivedQuery(ALL_FILMS, spec, spec.sql, (rows) => filterFilms(rows, filters));
  const studios = useQuery(studioOptionsQuery);
  const decades = useQuery(decadeOptionsQuery);
  const releaseTypes = useQuery(releaseTypeOptionsQuery);

  const { sort: sortColumn, descending: sortDescending } = filters;
  // Stable between renders, so the memoised table does not re-render while only the filters change.
  const sortBy = useCallback(
    (column: string) => {
      const descending = sortColumn === column ? !sortDescending : defaultDescending(column as FilmSortColumn);
      update({ sort: column, dir: descending ? 'desc' : 'asc' });
    },
    [sortColumn, sortDescending, update],
  );

  return (
    <>
      <h1>Films</h1>
      <form className="filters card" role="search" aria-label="Filter films" onSubmit={(event) => event.preventDefault()}>
        <label className="field" htmlFor="film-search">
          <span>Search titles</span>
          <input id="film-search" type="search" value={filters.search} placeholder="e.g. toy" onChange={(event) => update({ q: event.target.value }, true)} />
        </label>
        <Select id="film-studio" label="Studio" value={filters.studio} options={studios.rows} onChange={(value) => update({ studio: value })} />
        <Select id="film-decade" label="Decade" value={filters.decade} options={decades.rows} onChange={(value) => update({ decade: value })} />
        <Select id="film-type" label="Release type" value={filters.releaseType} options={releaseTypes.rows} onChange={(value) => update({ type: value })} />
        {[...params.keys()].length > 0 && (
          <button type="button" className="button" onClick={() => update({ q: null, studio: null, decade: null, type: null, sort: null, dir: null })}>
            Clear filters
          </button>
        )}
      </form>
      <section className="card" data-query-id={spec.id} data-sql={spec.sql}>
        <p className="muted" aria-live="polite" data-testid="film-count" data-value={films.status === 'ready' ? films.rows.length : ''}>
          {films.status === 'ready' ? plural(films.rows.length, 'film') : 'Loading films…'}
        </p>
        {films.status === 'error' ? (
          <ErrorState message={films.error} />
        ) : films.status === 'loading' && films.rows.length === 0 ? (
          <Skeleton height={400} label="Loading films" />
        ) : films.rows.length === 0 ? (
          <EmptyState>No films match these filters.</EmptyState>
        ) : (
          <RouteLinks>
          <VirtualTable
            label="Films"
            rows={films.rows}
            columns={COLUMNS}
            sortColumn={filters.sort}
            descending={filters.descending}
            onSort={sortBy}
            sortable={FILM_SORT_COLUMNS}
            testId="film-table"
          />
          </RouteLinks>
        )}
        <SqlDisclosure sql={spec.sql} />
      </section>
    </>
  );
}
