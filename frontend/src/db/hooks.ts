import { useMemo, useEffect, useState, useSyncExternalStore } from 'react';
import { engineState, getEngine, runQuery, subscribeEngine, type EngineState } from './engine';
import { loadProgress, subscribeProgress, type LoadProgress } from './progress';
import type { QuerySpec } from './queries';
import { firstPaintRows } from './siteData';

/** Where the rows come from: the build-time first-paint file, or the engine. */
export type RowSource = 'first-paint' | 'duckdb';

export type QueryState<T> =
  | { status: 'loading'; rows: T[]; error: null; source?: RowSource }
  | { status: 'ready'; rows: T[]; error: null; source?: RowSource }
  | { status: 'error'; rows: T[]; error: string; source?: RowSource };

/**
 * Run a QuerySpec in the browser engine; re-runs when its SQL changes. `null` skips the query. Until
 * the engine answers, the rows of the build-time first paint stand in when it has this exact SQL.
 */
export function useQuery<T>(spec: QuerySpec<T> | null): QueryState<T> {
  const sql = spec?.sql ?? null;
  const [state, setState] = useState<{ sql: string | null; result: QueryState<T> }>({
    sql: null,
    result: { status: 'loading', rows: [], error: null },
  });
  useEffect(() => {
    if (sql === null) return;
    let current = true;
    let answered = false;
    firstPaintRows(sql).then((rows) => {
      if (current && !answered && rows) setState({ sql, result: { status: 'ready', rows: rows as unknown as T[], error: null, source: 'first-paint' } });
    });
    runQuery(sql).then(
      (rows) => {
        answered = true;
        if (current) setState({ sql, result: { status: 'ready', rows: rows as unknown as T[], error: null, source: 'duckdb' } });
      },
      (error: Error) => {
        answered = true;
        if (current) setState({ sql, result: { status: 'error', rows: [], error: error.message, source: 'duckdb' } });
      },
    );
    return () => {
      current = false;
    };
  }, [sql]);
  // Keep showing the previous rows while a new filter runs, so the list does not flash to a skeleton.
  if (state.sql !== sql) return { status: 'loading', rows: state.result.rows, error: null };
  return state.result;
}

/**
 * A list answered in memory once `base` (the unfiltered rows, from DuckDB or the first paint) is
 * ready: `derive(base rows)` runs in the render of the URL change, with no round trip to the engine.
 * Until then the page's own SQL (`spec`) answers, so a deep link with filters still paints.
 * `deriveKey` names what `derive` depends on besides the base rows (the filters).
 */
export function useDerivedQuery<B, T>(base: QuerySpec<B>, spec: QuerySpec<T>, deriveKey: string, derive: (rows: B[]) => T[]): QueryState<T> {
  const baseState = useQuery(base);
  const baseRows = baseState.status === 'ready' ? baseState.rows : null;
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const derived = useMemo(() => (baseRows ? derive(baseRows) : null), [baseRows, deriveKey]);
  const direct = useQuery(derived ? null : spec);
  if (derived) return { status: 'ready', rows: derived, error: null, source: baseState.source };
  return direct;
}

export function useEngineState(): EngineState {
  useEffect(() => {
    getEngine().catch(() => undefined);
  }, []);
  return useSyncExternalStore(subscribeEngine, engineState, engineState);
}

export function useLoadProgress(): LoadProgress {
  return useSyncExternalStore(subscribeProgress, loadProgress, loadProgress);
}
