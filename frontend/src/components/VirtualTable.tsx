import { flexRender, getCoreRowModel, useReactTable, type ColumnDef } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef } from 'react';

interface VirtualTableProps<T> {
  label: string;
  rows: T[];
  columns: ColumnDef<T, unknown>[];
  sortColumn?: string;
  descending?: boolean;
  onSort?: (column: string) => void;
  sortable?: readonly string[];
  rowHeight?: number;
  testId?: string;
}

/** A real <table> whose body renders only the visible rows (spacer rows keep the scroll height). */
export function VirtualTable<T>({ label, rows, columns, sortColumn, descending, onSort, sortable = [], rowHeight = 40, testId }: VirtualTableProps<T>) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), manualSorting: true });
  const tableRows = table.getRowModel().rows;
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
    // jsdom and the first server-less paint have no layout; render a first screenful anyway.
    initialRect: { width: 800, height: 600 },
  });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items.length ? items[0].start : 0;
  const paddingBottom = items.length ? virtualizer.getTotalSize() - items[items.length - 1].end : 0;
  const columnCount = columns.length;

  return (
    <div ref={scrollRef} className="virtual-scroll" tabIndex={0} role="region" aria-label={`${label}, scrollable`} data-testid={testId}>
      <table className="data-table sticky-header" aria-rowcount={rows.length + 1}>
        <caption className="visually-hidden">{label}</caption>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const id = header.column.id;
                const isSorted = sortColumn === id;
                const ariaSort = isSorted ? (descending ? 'descending' : 'ascending') : 'none';
                const content = flexRender(header.column.columnDef.header, header.getContext());
                return (
                  <th key={header.id} scope="col" aria-sort={sortable.includes(id) ? ariaSort : undefined}>
                    {onSort && sortable.includes(id) ? (
                      <button type="button" className="sort-button" onClick={() => onSort(id)}>
                        {content}
                        <span aria-hidden="true">{isSorted ? (descending ? ' ▼' : ' ▲') : ' ↕'}</span>
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
        <tbody>
          {paddingTop > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columnCount} style={{ height: paddingTop, padding: 0, border: 0 }} />
            </tr>
          )}
          {items.map((item) => {
            const row = tableRows[item.index];
            return (
              <tr key={row.id} aria-rowindex={item.index + 2} style={{ height: rowHeight }}>
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
                ))}
              </tr>
            );
          })}
          {paddingBottom > 0 && (
            <tr aria-hidden="true">
              <td colSpan={columnCount} style={{ height: paddingBottom, padding: 0, border: 0 }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
