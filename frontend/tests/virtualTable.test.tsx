import type { ColumnDef } from '@tanstack/react-table';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { VirtualTable } from '../src/components/VirtualTable';

interface Row {
  name: string;
}

const columns: ColumnDef<Row, unknown>[] = [{ id: 'name', header: 'Name', accessorFn: (row) => row.name }];

function firstRender(count: number): string {
  const rows = Array.from({ length: count }, (_, index) => ({ name: `row-${index}` }));
  return renderToStaticMarkup(<VirtualTable label="Rows" rows={rows} columns={columns} testId="rows" />);
}

// The first render of a long table (what a filter change paints in its first frame); the rest of the rows
// arrive a frame later, which the Chromium e2e checks (every row of /characters in the page).
describe('VirtualTable first render', () => {
  it('renders a short table whole, not marked as partial', () => {
    const html = firstRender(60);
    expect(html.match(/<tr aria-rowindex/g)).toHaveLength(60);
    expect(html).not.toContain('data-rendering');
    expect(html).toContain('aria-rowcount="61"');
  });

  it('renders the first 100 rows of a long table at once and marks the table partial', () => {
    const html = firstRender(1758);
    expect(html.match(/<tr aria-rowindex/g)).toHaveLength(100);
    expect(html).toContain('data-rendering="partial"');
    expect(html).toContain('row-99');
    expect(html).not.toContain('row-100<');
    // Assistive technology is told the whole size from the first frame.
    expect(html).toContain('aria-rowcount="1759"');
  });
});
