import { renderToStaticMarkup } from 'react-dom/server';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { ChartCard } from '../src/components/ChartCard';
import type { QueryState } from '../src/db/hooks';
import type { QuerySpec } from '../src/db/queries';

interface Point {
  label: string;
  value: number;
}

const spec: QuerySpec<Point> = { id: 'example', sql: "select 'a' as label, 1 as value" };

function render(state: QueryState<Point>): string {
  // In the app every chart is inside the router: its table's links navigate through it (RouteLinks).
  return renderToStaticMarkup(
    <MemoryRouter>
      <ChartCard
        title="Example"
        summary="One bar."
        spec={spec}
        state={state}
        columns={[
          { header: 'Label', value: (row) => row.label, field: 'label', link: (row) => `/films/${row.label}` },
          { header: 'Value', value: (row) => row.value, field: 'value' },
        ]}
      >
        {() => <svg data-testid="drawn" />}
      </ChartCard>
    </MemoryRouter>,
  );
}

describe('ChartCard states', () => {
  it('draws the chart with its SQL and a data table as text alternative', () => {
    const html = render({ status: 'ready', rows: [{ label: 'a', value: 1 }], error: null });
    expect(html).toContain('data-testid="drawn"');
    expect(html).toContain('role="img"');
    expect(html).toContain('Show SQL');
    expect(html).toContain('select &#x27;a&#x27; as label, 1 as value');
    // A plain anchor inside the delegated handler's element: the keyboard and the bar open the same page.
    expect(html).toContain('<td data-field="label" data-value="&quot;a&quot;"><a href="/films/a">a</a></td>');
    expect(html).toMatch(/<div class="route-links">[\s\S]*<table/);
    expect(html).toContain('<td data-field="value" data-value="1">1</td>');
  });
  it('shows a skeleton while loading, an empty state and an error state, never a chart', () => {
    expect(render({ status: 'loading', rows: [], error: null })).toContain('class="skeleton"');
    const empty = render({ status: 'ready', rows: [], error: null });
    expect(empty).toContain('No data matches this view.');
    expect(empty).not.toContain('data-testid="drawn"');
    const failed = render({ status: 'error', rows: [], error: 'Binder Error: no such column' });
    expect(failed).toContain('role="alert"');
    expect(failed).toContain('Binder Error: no such column');
    expect(failed).not.toContain('data-testid="drawn"');
  });
});
