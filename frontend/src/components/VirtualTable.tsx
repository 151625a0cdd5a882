import { flexRender, getCoreRowModel, getSortedRowModel, useReactTable, type ColumnDef, type SortingState } from '@tanstack/react-table';
import { memo, useEffect, useMemo, useState } from 'react';

declare module '@tanstack/react-table' {
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface ColumnMeta<TData, TValue> {
    /** Right-aligned, tabular figures. */
    numeric?: boolean;
  }
}

interface VirtualTableProps<T> {
  label: string;
  rows: T[];
  columns: ColumnDef<T, unknown>[];
  /** Sorting done by the query (SQL ORDER BY from the URL); without onSort, columns with an accessor sort in the page. */
  sortColumn?: string;
  descending?: boolean;
  onSort?: (column: string) => void;
  sortable?: readonly string[];
  testId?: string;
}

// Rows rendered at once when the rows change; the rest follow after the next paint. On /characters (1,758
// rows, all in the page) rendering every row is what a filter change waited for, while the first two
// screenfuls (about 20 rows each at 1440 x 900) are all a visitor sees in that frame (make bench-web:
// filter change p95).
export const FIRST_ROWS = 50;
let generation = 0;

/**
 * A full-page <table> with a sticky header: every row is in the page (at this data size plain
 * rendering is fast enough), so the page scrolls, not an inner box, and find-in-page sees every row.
 * New rows beyond the first FIRST_ROWS are added one frame later; until then the wrapper carries
 * `data-rendering="partial"`. The name stays for the callers; it no longer virtualizes.
 */
function VirtualTableView<T>({ label, rows, columns, sortColumn, descending, onSort, sortable, testId }: VirtualTableProps<T>) {
  const [sorting, setSorting] = useState<SortingState>([]);
  const [completeFor, setCompleteFor] = useState<T[] | null>(null);
  const complete = rows.length <= FIRST_ROWS || completeFor === rows;
  // TanStack builds a row object for every row of `data`: in the first frame, unless the page sorts
  // the rows itself, only the rows that frame shows are given to it.
  const firstRows = useMemo(() => rows.slice(0, FIRST_ROWS), [rows]);
  const table = useReactTable({
    data: complete || sorting.length > 0 ? rows : firstRows,
    columns,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    manualSorting: Boolean(onSort),
  });
  useEffect(() => {
    if (rows.length <= FIRST_ROWS) return;
    // The timeout is set in an animation frame, so it runs after that frame's paint of the first rows.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setCompleteFor(rows), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [rows]);
  // A new result gets a new <tbody>: the browser drops the old rows with one removeChild instead of
  // one per row (1,758 on /characters), which was a visible share of a filter change's frame.
  const bodyKey = useMemo(() => (generation += 1), [rows]);
  const allRows = table.getRowModel().rows;
  const tableRows = complete ? allRows : allRows.slice(0, FIRST_ROWS);

  return (
    <div className="table-wrap" data-testid={testId} data-rendering={complete ? undefined : 'partial'}>
      <table className="data-table sticky-header cards-on-narrow" aria-rowcount={rows.length + 1}>
        <caption className="visually-hidden">{label}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const id = header.column.id;
                const content = flexRender(header.column.columnDef.header, header.getContext());
                const numeric = header.column.columnDef.meta?.numeric ? 'number' : undefined;
                let state: false | 'asc' | 'desc';
                let toggle: (() => void) | null;
                if (onSort) {
                  state = sortColumn === id ? (descending ? 'desc' : 'asc') : false;
                  toggle = (sortable ?? []).includes(id) ? () => onSort(id) : null;
                } else {
                  state = header.column.getIsSorted();
                  toggle = header.column.getCanSort() ? () => header.column.toggleSorting(state === 'asc', false) : null;
                }
                const ariaSort = state === 'asc' ? 'ascending' : state === 'desc' ? 'descending' : 'none';
                return (
                  <th key={header.id} scope="col" className={numeric} aria-sort={toggle ? ariaSort : undefined}>
                    {toggle ? (
                      <button type="button" className="sort-button" onClick={toggle}>
                        {content}
                        <span aria-hidden="true">{state === 'desc' ? ' ▼' : state === 'asc' ? ' ▲' : ' ↕'}</span>
                      </button>
                    ) : (
                      content
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody key={bodyKey}>
          {tableRows.map((row, index) => (
            <tr key={row.id} aria-rowindex={index + 2}>
              {row.getVisibleCells().map((cell) => (
                <td key={cell.id} className={cell.column.columnDef.meta?.numeric ? 'number' : undefined} data-label={typeof cell.column.columnDef.header === 'string' ? cell.column.columnDef.header : undefined}>
                  {flexRender(cell.column.columnDef.cell, cell.getContext())}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * Memoised: a filter change re-renders its page (the filters, the count) but not a table whose rows,
 * columns and sort props are unchanged; without it every row of the previous result was rendered again
 * before the new ones (profiled in docs/07-site.md).
 */
export const VirtualTable = memo(VirtualTableView) as typeof VirtualTableView;
