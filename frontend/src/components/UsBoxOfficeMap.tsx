// The US box-office choropleth (loaded lazily by BoxOfficeMapSection, with its shapes and projection):
// state outlines from us-atlas (Census cartographic boundaries, TopoJSON), projected with d3-geo's
// geoAlbersUsa (Alaska and Hawaii inset). A week slider picks the release week; the colour bins are
// fixed over the whole run so the slider shows it rise and fade. Keyboard: the slider takes the arrow
// keys, and the states form one tab stop whose arrow keys move between states (alphabetical), each
// announcing its gross; a data table lists the same numbers.
import { useEffect, useId, useMemo, useState, type KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { geoAlbersUsa, geoPath } from 'd3-geo';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import statesTopology from 'us-atlas/states-10m.json';
import { formatDate, formatMoney, formatMoneyFull, formatPercent } from '../format';
import { useTheme } from '../theme';
import { useUrlState } from '../urlState';
import { SqlDisclosure } from './ChartCard';
import { EmptyState, ErrorState, Skeleton } from './States';
import {
  allFilmsWeeks,
  binOf,
  dollarThresholds,
  filmWeeks,
  legendLabels,
  loadMapFile,
  MAP_BIN_COUNT,
  MAP_NO_DATA,
  MAP_PALETTES,
  weekTotal,
  type MapFile,
} from './mapData';

const WIDTH = 960;
const HEIGHT = 600;
export const WEEK_PARAMETER = 'map_week';

type StateFeature = Feature<Geometry, { name: string }>;

/** Outlines by state name, drawn once per page: the projection fits the 50 states and DC to the box. */
const shapes = (() => {
  const topology = statesTopology as unknown as Topology<{ states: GeometryCollection<{ name: string }> }>;
  const collection = feature(topology, topology.objects.states) as FeatureCollection<Geometry, { name: string }>;
  const projection = geoAlbersUsa().fitSize([WIDTH, HEIGHT], collection);
  const path = geoPath(projection);
  const byName = new Map<string, string>();
  for (const state of collection.features as StateFeature[]) {
    const d = path(state);
    if (d) byName.set(state.properties.name, d);
  }
  return byName;
})();

function useMapFile(): { file: MapFile | null; error: string | null } {
  const [result, setResult] = useState<{ file: MapFile | null; error: string | null }>({ file: null, error: null });
  useEffect(() => {
    let current = true;
    loadMapFile().then(
      (file) => current && setResult({ file, error: null }),
      (error: unknown) => current && setResult({ file: null, error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      current = false;
    };
  }, []);
  return result;
}

export default function UsBoxOfficeMap({ filmId }: { filmId?: string }) {
  const { file, error } = useMapFile();
  if (error) return <ErrorState message={error} />;
  if (!file) return <Skeleton height={420} label="Loading the box-office map" />;
  const weeks = filmId ? filmWeeks(file, filmId) : allFilmsWeeks(file);
  if (!weeks || weeks.length === 0) return <EmptyState>No box office by state for this film.</EmptyState>;
  return <Choropleth file={file} weeks={weeks} allFilms={!filmId} />;
}

function Choropleth({ file, weeks, allFilms }: { file: MapFile; weeks: ReturnType<typeof allFilmsWeeks>; allFilms: boolean }) {
  const theme = useTheme() === 'dark' ? 'dark' : 'light';
  const [params, update] = useUrlState();
  const requested = Number(params.get(WEEK_PARAMETER) ?? weeks[0].week);
  const week = weeks.find((candidate) => candidate.week === requested) ?? weeks[0];
  const position = weeks.indexOf(week);
  const thresholds = useMemo(() => dollarThresholds(weeks, MAP_BIN_COUNT), [weeks]);
  const labels = legendLabels(thresholds);
  const palette = MAP_PALETTES[theme].slice(MAP_BIN_COUNT - labels.length);
  const total = weekTotal(week);
  const order = useMemo(
    () => file.states.map(([code, name], index) => ({ code, name, index })).sort((a, b) => a.name.localeCompare(b.name)),
    [file],
  );
  const [focused, setFocused] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const sliderId = useId();
  const hasNoData = week.cents.some((cents) => cents === null);

  const describe = (index: number) => {
    const [code, name] = file.states[index];
    const cents = week.cents[index];
    if (cents === null) return `${name} (${code}): no gross this week`;
    return `${name} (${code}): ${formatMoneyFull(cents / 100)}, ${formatPercent(total ? cents / total : 0)} of the week`;
  };
  const weekLabel = allFilms
    ? `Week ${week.week} of release, all films`
    : `Week ${week.week}${week.start ? `, from ${formatDate(week.start)}` : ''}`;

  const onStateKey = (event: KeyboardEvent<SVGPathElement>) => {
    const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
    let next: number | null = null;
    if (step) next = (active + step + order.length) % order.length;
    else if (event.key === 'Home') next = 0;
    else if (event.key === 'End') next = order.length - 1;
    if (next === null) return;
    event.preventDefault();
    setActive(next);
    const target = document.querySelector<SVGPathElement>(`[data-map-state="${order[next].code}"]`);
    target?.focus();
  };

  return (
    <div className="us-map" data-map-week={week.week} data-map-theme={theme}>
      <div className="us-map-controls">
        <label htmlFor={sliderId}>
          Release week <strong data-testid="map-week-label">{weekLabel}</strong>
        </label>
        <input
          id={sliderId}
          type="range"
          min={0}
          max={weeks.length - 1}
          step={1}
          value={position}
          aria-valuetext={`${weekLabel}: ${formatMoney(total / 100)}`}
          data-testid="map-week-slider"
          onChange={(event) => update({ [WEEK_PARAMETER]: String(weeks[Number(event.target.value)].week) }, true)}
        />
        <span className="muted" aria-live="polite" data-testid="map-week-total">
          {formatMoneyFull(total / 100)} that week
        </span>
      </div>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} className="us-map-svg" role="group" aria-label={`Box office by US state, ${weekLabel}. Use the arrow keys to move between states.`}>
        {order.map(({ code, name, index }, orderIndex) => {
          const d = shapes.get(name);
          if (!d) return null;
          const cents = week.cents[index];
          const fill = cents === null ? MAP_NO_DATA[theme] : palette[binOf(cents / 100, thresholds)];
          return (
            <path
              key={code}
              d={d}
              fill={fill}
              className="us-map-state"
              role="img"
              aria-label={describe(index)}
              tabIndex={orderIndex === active ? 0 : -1}
              data-map-state={code}
              data-fill={fill}
              onKeyDown={onStateKey}
              onFocus={() => {
                setActive(orderIndex);
                setFocused(index);
              }}
              onBlur={() => setFocused(null)}
              onMouseEnter={() => setFocused(index)}
              onMouseLeave={() => setFocused(null)}
            >
              <title>{describe(index)}</title>
            </path>
          );
        })}
      </svg>
      <p className="us-map-readout" aria-live="polite" data-testid="map-readout">
        {focused === null ? 'Point at or focus a state for its gross.' : describe(focused)}
      </p>
      <ul className="us-map-legend" aria-label="Legend: gross per state and week">
        {labels.map((label, bin) => (
          <li key={label}>
            <span className="us-map-swatch" style={{ background: palette[bin] }} aria-hidden="true" />
            {label}
          </li>
        ))}
        {hasNoData && (
          <li>
            <span className="us-map-swatch" style={{ background: MAP_NO_DATA[theme] }} aria-hidden="true" />
            No gross
          </li>
        )}
      </ul>
      <details className="chart-data">
        <summary>Show data table</summary>
        <div className="us-map-table">
          <table className="data-table" data-map-table="">
            <caption className="visually-hidden">Box office by state, {weekLabel}</caption>
            <thead>
              <tr>
                <th scope="col">State</th>
                <th scope="col" className="number">
                  Gross (USD)
                </th>
                <th scope="col" className="number">
                  Share of the week
                </th>
              </tr>
            </thead>
            <tbody>
              {order.map(({ code, name, index }) => (
                <tr key={code}>
                  <td>{name}</td>
                  <td className="number" data-state={code} data-cents={week.cents[index] ?? ''}>
                    {week.cents[index] === null ? '—' : formatMoneyFull(week.cents[index]! / 100)}
                  </td>
                  <td className="number">{week.cents[index] === null || !total ? '—' : formatPercent(week.cents[index]! / total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
      <SqlDisclosure sql={file.sql} />
      {!allFilms && (
        <p className="muted">
          <Link to="/map">All films on the map</Link>
        </p>
      )}
    </div>
  );
}
