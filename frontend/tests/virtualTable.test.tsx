import type { ColumnDef } from '@tanstack/react-table';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FIRST_ROWS, VirtualTable } from '../src/components/VirtualTable';

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
    const html = firstRender(FIRST_ROWS);
    expect(html.match(/<tr aria-rowindex/g)).toHaveLength(FIRST_ROWS);
    expect(html).not.toContain('data-rendering');
    expect(html).toContain(`aria-rowcount="${FIRST_ROWS + 1}"`);
  });

  it('renders the first FIRST_ROWS rows of a long table at once and marks the table partial', () => {
    expect(FIRST_ROWS).toBeGreaterThanOrEqual(40); // two screenfuls at 1440 x 900
    const html = firstRender(1758);
    expect(html.match(/<tr aria-rowindex/g)).toHaveLength(FIRST_ROWS);
    expect(html).toContain('data-rendering="partial"');
    expect(html).toContain(`row-${FIRST_ROWS - 1}<`);
    expect(html).not.toContain(`row-${FIRST_ROWS}<`);
    // Assistive technology is told the whole size from the first frame.
    expect(html).toContain('aria-rowcount="1759"');
  });
});
