import type { ReactNode } from 'react';
import type { QueryState } from '../db/hooks';
import type { QuerySpec } from '../db/queries';
import { useChartTurn } from './chartTurns';
import { RouteLinks } from './RouteLinks';
import { EmptyState, ErrorState, Skeleton } from './States';

export interface TextColumn<T> {
  header: string;
  value: (row: T) => string | number | null;
  /** The query column shown, if the cell shows one column as is: the e2e tests compare it with Python DuckDB. */
  field?: keyof T & string;
  /** The page the row opens (what a click on its bar opens): the keyboard path to the same place. */
  link?: (row: T) => string | null;
}

interface ChartCardProps<T> {
  title: string;
  /** One-sentence description, also the chart's accessible summary. */
  summary: string;
  spec: QuerySpec<T>;
  state: QueryState<T> & { source?: string };
  /** The rows behind the chart as a table: the chart's text alternative. */
  columns: TextColumn<T>[];
  children: (rows: T[]) => ReactNode;
  height?: number;
}

/** A chart with its loading, empty and error states, its SQL on demand and a data table alternative. */
export function ChartCard<T>({ title, summary, spec, state, columns, children, height = 280 }: ChartCardProps<T>) {
  const titleId = `chart-${spec.id}-title`;
  return (
    <section className="card chart-card" aria-labelledby={titleId} data-query-id={spec.id} data-sql={spec.sql} data-source={state.source ?? 'duckdb'}>
      <h2 id={titleId}>{title}</h2>
      <p className="muted">{summary}</p>
      {state.status === 'error' ? (
        <ErrorState message={state.error} />
      ) : state.status === 'loading' && state.rows.length === 0 ? (
        <Skeleton height={height} label={`Loading ${title}`} />
      ) : state.rows.length === 0 ? (
        <EmptyState>No data matches this view.</EmptyState>
      ) : (
        <ChartBody label={`${title}. ${summary} The data table below lists every value.`} height={height} title={title}>
          {() => children(state.rows)}
        </ChartBody>
      )}
      <details className="chart-data">
        <summary>Show data table</summary>
        {/* Plain anchors with one delegated handler: a <Link> per row cost more than the rest of the table
            in the overview's first render (about 80 ms warm, profiled in docs/07-site.md). */}
        <RouteLinks>
          <div className="table-scroll">
            <table className="data-table" data-chart-table={spec.id}>
              <caption className="visually-hidden">{title}</caption>
              <thead>
                <tr>
                  {columns.map((column) => (
                    <th key={column.header} scope="col">
                      {column.header}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {state.rows.map((row, index) => (
                  <tr key={index}>
                    {columns.map((column) => (
                      <td key={column.header} data-field={column.field} data-value={column.field ? JSON.stringify(row[column.field]) : undefined}>
                        {column.link?.(row) ? <a href={column.link(row)!}>{column.value(row) ?? '—'}</a> : (column.value(row) ?? '—')}
                      </td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </RouteLinks>
      </details>
      <SqlDisclosure sql={spec.sql} />
    </section>
  );
}

/** The drawn chart, once it has its turn (one chart per frame, see chartTurns.ts); a skeleton until then. */
function ChartBody({ label, height, title, children }: { label: string; height: number; title: string; children: () => ReactNode }) {
  const turn = useChartTurn();
  if (!turn) return <Skeleton height={height} label={`Drawing ${title}`} />;
  return (
    <div className="chart" role="img" aria-label={label} style={{ height }}>
      {children()}
    </div>
  );
}

export function SqlDisclosure({ sql }: { sql: string }) {
  return (
    <details className="sql-disclosure">
      <summary>Show SQL</summary>
      <pre>
        <code>{sql}</code>
      </pre>
    </details>
  );
}
