import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { STACK_TOTAL, StackedBar, StackLegend, stackSegments, StackTooltip, withStackTotals, type StackSeries } from '../src/components/StackedBars';

const series: StackSeries[] = [
  { key: 'a', label: 'Studio A', color: '#111111' },
  { key: 'b', label: 'Studio B', color: '#222222' },
  { key: 'c', label: 'Studio C', color: '#333333' },
];
const box = { x: 10, y: 40, width: 8, height: 60 };

describe('stackSegments', () => {
  it('splits the bar bottom up, in series order, in proportion to the values', () => {
    const segments = stackSegments({ key: 2001, a: 1, b: 2, c: 3 }, series, box);
    expect(segments.map((segment) => segment.series.key)).toEqual(['a', 'b', 'c']);
    expect(segments.map((segment) => segment.height)).toEqual([10, 20, 30]);
    // a at the bottom (y + height = the bar's bottom edge), c at the top.
    expect(segments[0].y + segments[0].height).toBe(100);
    expect(segments[2].y).toBe(40);
    expect(segments.every((segment) => segment.x === 10 && segment.width === 8)).toBe(true);
  });

  it('tiles the bar with no gap or overlap when the shares do not divide evenly', () => {
    const segments = stackSegments({ a: 1, b: 1, c: 1 }, series, { x: 0, y: 0.3, width: 5, height: 100 });
    for (let index = 1; index < segments.length; index += 1) {
      expect(segments[index].y + segments[index].height).toBeCloseTo(segments[index - 1].y, 9);
    }
    expect(segments[0].y + segments[0].height).toBeCloseTo(100.3, 9);
    expect(segments[2].y).toBeCloseTo(0.3, 9);
  });

  it('draws no segment for missing, zero, negative or non-numeric values', () => {
    const segments = stackSegments({ a: 0, b: -2, c: 'x', d: 4 }, [...series, { key: 'd', label: 'D', color: '#444444' }], box);
    expect(segments.map((segment) => [segment.series.key, segment.height])).toEqual([['d', 60]]);
    expect(stackSegments({ key: 1990 }, series, box)).toEqual([]);
    expect(stackSegments({ a: 1 }, series, { ...box, height: 0 })).toEqual([]);
  });

  it('gives the drawn bar the sum the segments split', () => {
    const rows = withStackTotals([{ key: '1990s', a: 2, c: 5 }, { key: '2000s', b: 'x' }], series);
    expect(rows.map((row) => row[STACK_TOTAL])).toEqual([7, 0]);
    expect(rows[0].a).toBe(2);
  });
});

describe('StackedBar', () => {
  it('draws one Recharts rectangle per non-zero series, marked with its series and value', () => {
    const html = renderToStaticMarkup(
      <svg>
        {/* The props Recharts passes a bar's shape; only the box and the row matter here. */}
        <StackedBar {...({ ...box, payload: { key: 2001, a: 3, c: 1 }, index: 0, isActive: false } as unknown as Parameters<typeof StackedBar>[0])} series={series} />
      </svg>,
    );
    expect(html.match(/class="recharts-rectangle"/g)).toHaveLength(2);
    expect(html).toContain('data-series="a"');
    expect(html).toContain('data-value="3"');
    expect(html).toContain('data-series="c"');
    expect(html).not.toContain('data-series="b"');
    expect(html).toContain('fill="#111111"');
  });

  it('lists every series in the legend, with its colour', () => {
    const html = renderToStaticMarkup(<StackLegend series={series} />);
    expect(html.match(/<li>/g)).toHaveLength(3);
    expect(html).toContain('Studio B');
    expect(html).toContain('background:#333333');
  });

  it("shows the hovered row's non-zero series in the tooltip, formatted, and nothing when inactive", () => {
    const row = { key: '1990s', a: 0.25, b: 0, c: 0.75 };
    const html = renderToStaticMarkup(<StackTooltip active label="1990s" payload={[{ payload: row }]} series={series} style={{}} formatValue={(value) => `${value * 100}%`} />);
    expect(html).toContain('<p>1990s</p>');
    expect(html).toContain('Studio A : 25%');
    expect(html).toContain('Studio C : 75%');
    expect(html).not.toContain('Studio B');
    expect(renderToStaticMarkup(<StackTooltip active={false} label="1990s" payload={[{ payload: row }]} series={series} style={{}} />)).toBe('');
  });
});
