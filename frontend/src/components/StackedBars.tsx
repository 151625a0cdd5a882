// Stacked bars drawn as one Recharts series. With one <Bar> per stacked series (nine studios), Recharts 3
// registers each series in its store and re-runs the chart's selectors for every one of them: the
// overview's films-per-year chart took 280-450 ms to draw on a warm load, most of the page's time to its
// first chart (docs/07-site.md, "One series per stacked chart"). Here Recharts draws one bar per row, of
// the row's total, and each bar's shape splits it into the series' segments in proportion. A value axis
// starts at 0 (valueAxis), so a segment's share of the bar's height is its share of the total, and the
// segments sit exactly where separate stacked series would put them.
import type { ReactNode } from 'react';
import { Bar, BarChart, Rectangle, ResponsiveContainer, Tooltip } from 'recharts';
import type { BarShapeProps } from 'recharts';

export interface StackSeries {
  /** The row field holding this series' value. */
  key: string;
  label: string;
  color: string;
  /** What a click on this series' segment opens, if anything. */
  onSelect?: () => void;
}

export interface Segment {
  series: StackSeries;
  value: number;
  x: number;
  y: number;
  width: number;
  height: number;
}

export type StackRow = Record<string, string | number>;

/** The row field the drawn bar reads: the sum of the row's series. */
export const STACK_TOTAL = '__stack_total';

/** Rows with their total, for the one drawn series. Missing, negative and non-numeric values count as 0. */
export function withStackTotals(rows: StackRow[], series: StackSeries[]): StackRow[] {
  return rows.map((row) => ({ ...row, [STACK_TOTAL]: rowTotal(row, series) }));
}

function segmentValue(row: StackRow, series: StackSeries): number {
  const value = Number(row[series.key]);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

/** The sum the drawn bar shows and its segments split: one rule for both. */
function rowTotal(row: StackRow, series: StackSeries[]): number {
  return series.reduce((sum, item) => sum + segmentValue(row, item), 0);
}

/**
 * One bar's box split into its series' segments, first series at the bottom (Recharts' stacking order).
 * Each edge is placed from the running sum, so the segments tile the box without gaps from rounding.
 */
export function stackSegments(row: StackRow, series: StackSeries[], box: { x: number; y: number; width: number; height: number }): Segment[] {
  const total = rowTotal(row, series);
  if (!(total > 0) || !(box.height > 0)) return [];
  const bottom = box.y + box.height;
  const segments: Segment[] = [];
  let below = 0;
  for (const item of series) {
    const value = segmentValue(row, item);
    if (value === 0) continue;
    const low = bottom - (box.height * below) / total;
    below += value;
    const high = bottom - (box.height * below) / total;
    segments.push({ series: item, value, x: box.x, y: high, width: box.width, height: low - high });
  }
  return segments;
}

export function StackedBar({ series, ...props }: BarShapeProps & { series: StackSeries[] }) {
  const segments = stackSegments(props.payload as StackRow, series, { x: props.x ?? 0, y: props.y ?? 0, width: props.width ?? 0, height: props.height ?? 0 });
  return (
    <g>
      {segments.map((segment) => (
        <Rectangle
          key={segment.series.key}
          data-series={segment.series.key}
          data-value={segment.value}
          x={segment.x}
          y={segment.y}
          width={segment.width}
          height={segment.height}
          fill={segment.series.color}
          cursor={segment.series.onSelect ? 'pointer' : undefined}
          onClick={segment.series.onSelect}
        />
      ))}
    </g>
  );
}

interface TooltipContent {
  active?: boolean;
  label?: string | number;
  payload?: readonly { payload?: StackRow }[];
}

interface StackTooltipProps extends TooltipContent {
  series: StackSeries[];
  style: React.CSSProperties;
  formatValue?: (value: number) => string;
}

export function StackTooltip({ active, label, payload, series, style, formatValue }: StackTooltipProps) {
  const row = payload?.[0]?.payload;
  if (!active || !row) return null;
  return (
    <div className="stack-tooltip" style={style}>
      <p>{label}</p>
      <ul>
        {series
          .filter((item) => segmentValue(row, item) > 0)
          .map((item) => (
            <li key={item.key} style={{ color: item.color }}>
              {item.label} : {formatValue ? formatValue(segmentValue(row, item)) : row[item.key]}
            </li>
          ))}
      </ul>
    </div>
  );
}

/** The series' colours and names, as an HTML list under the plot (Recharts' legend lists drawn series only). */
export function StackLegend({ series }: { series: StackSeries[] }) {
  return (
    <ul className="stack-legend">
      {series.map((item) => (
        <li key={item.key}>
          <span className="stack-swatch" style={{ background: item.color }} aria-hidden="true" />
          {item.label}
        </li>
      ))}
    </ul>
  );
}

interface StackedBarChartProps {
  rows: StackRow[];
  series: StackSeries[];
  /** Axes and grid: Recharts components, placed in the chart before the bars. */
  children: ReactNode;
  margin?: { top?: number; right?: number; bottom?: number; left?: number };
  tooltipStyle: React.CSSProperties;
  /** A segment's value in the tooltip (as it is if not given). */
  formatValue?: (value: number) => string;
}

/** A stacked bar chart filling its parent, with the legend under it. */
export function StackedBarChart({ rows, series, children, margin, tooltipStyle, formatValue }: StackedBarChartProps) {
  return (
    <div className="stacked-chart">
      <div className="stacked-plot">
        <ResponsiveContainer>
          <BarChart data={withStackTotals(rows, series)} margin={margin}>
            {children}
            <Tooltip content={(props) => <StackTooltip {...(props as TooltipContent)} series={series} style={tooltipStyle} formatValue={formatValue} />} />
            <Bar dataKey={STACK_TOTAL} isAnimationActive={false} shape={(props: BarShapeProps) => <StackedBar {...props} series={series} />} />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <StackLegend series={series} />
    </div>
  );
}
