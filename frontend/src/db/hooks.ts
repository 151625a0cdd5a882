import { useEffect, useState, useSyncExternalStore } from 'react';
import { engineState, getEngine, runQuery, subscribeEngine, type EngineState } from './engine';
import type { QuerySpec } from './queries';

export type QueryState<T> =
  | { status: 'loading'; rows: T[]; error: null }
  | { status: 'ready'; rows: T[]; error: null }
  | { status: 'error'; rows: T[]; error: string };

/** Run a QuerySpec in the browser engine; re-runs when its SQL changes. `null` skips the query. */
export function useQuery<T>(spec: QuerySpec<T> | null): QueryState<T> {
  const sql = spec?.sql ?? null;
  const [state, setState] = useState<{ sql: string | null; result: QueryState<T> }>({
    sql: null,
    result: { status: 'loading', rows: [], error: null },
  });
  useEffect(() => {
    if (sql === null) return;
    let current = true;
    runQuery(sql).then(
      (rows) => current && setState({ sql, result: { status: 'ready', rows: rows as unknown as T[], error: null } }),
      (error: Error) => current && setState({ sql, result: { status: 'error', rows: [], error: error.message } }),
    );
    return () => {
      current = false;
    };
  }, [sql]);
  // Keep showing the previous rows while a new filter runs, so the list does not flash to a skeleton.
  if (state.sql !== sql) return { status: 'loading', rows: state.result.rows, error: null };
  return state.result;
}

export function useEngineState(): EngineState {
  useEffect(() => {
    getEngine().catch(() => undefined);
  }, []);
  return useSyncExternalStore(subscribeEngine, engineState, engineState);
}
