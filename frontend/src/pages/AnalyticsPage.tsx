import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ErrorState, Skeleton } from '../components/States';
import { QueryCancelledError, runAnalyticsQuery, type AnalyticsResult, type RunningQuery } from '../db/engine';
import { useQuery } from '../db/hooks';
import { firstPaintRows } from '../db/siteData';
import { EXAMPLE_QUERIES, schemaQuery } from '../db/queries';
import type { Row, Value } from '../db/rows';
import { DEFAULT_ROW_LIMIT, guardSql } from '../db/sqlGuard';
import { useUrlState } from '../urlState';
import { useTitle } from '../title';
import { useChartTheme, useTheme } from '../theme';
import { formatCompact, noGridLines, valueAxis } from '../chartScale';

// CodeMirror in a chunk of its own: the first-paint result and the schema do not wait for it.
const SqlEditor = lazy(() => import('../components/SqlEditor'));

const TIMEOUT_MILLISECONDS = 15000;

type RunState =
  | { status: 'idle' }
  | { status: 'running'; query: RunningQuery }
  | { status: 'done'; result: AnalyticsResult; source: 'first-paint' | 'duckdb' }
  | { status: 'rejected'; message: string }
  | { status: 'failed'; message: string }
  | { status: 'cancelled' };

function cellText(value: Value): string {
  if (value === null) return '';
  if (Array.isArray(value)) return `[${value.map(cellText).join(', ')}]`;
  return String(value);
}

/**
 * A result from the build-time first paint (the default query's rows, keyed by its guarded SQL: see
 * analyticsDefaultQuery in db/firstPaintRoutes.ts), or null when there is none to show.
 */
export function firstPaintResult(rows: Row[] | null, limit: number): AnalyticsResult | null {
  if (!rows || rows.length === 0 || typeof rows[0] !== 'object' || rows[0] === null) return null;
  return { columns: Object.keys(rows[0]), rows: rows.slice(0, limit), truncated: rows.length > limit, milliseconds: 0 };
}

export function toCsv(columns: string[], rows: Row[]): string {
  const escape = (text: string) => (/[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text);
  return [columns.map(escape).join(','), ...rows.map((row) => columns.map((column) => escape(cellText(row[column]))).join(','))].join('\n');
}

function SchemaBrowser({ onInsert }: { onInsert: (text: string) => void }) {
  const schema = useQuery(schemaQuery);
  const tables = useMemo(() => {
    const grouped = new Map<string, { column_name: string; data_type: string }[]>();
    for (const row of schema.rows) grouped.set(row.table_name, [...(grouped.get(row.table_name) ?? []), row]);
    return [...grouped.entries()];
  }, [schema.rows]);
  if (schema.status === 'error') return <ErrorState message={schema.error} />;
  if (schema.status === 'loading') return <Skeleton height={200} label="Loading schema" />;
  return (
    <ul className="schema-list" data-testid="schema-browser" data-source={schema.source ?? 'duckdb'}>
      {tables.map(([table, columns]) => (
        <li key={table}>
          <details>
            <summary>
              {table} <span className="muted">({columns.length})</span>
            </summary>
            <ul>
              {columns.map((column) => (
                <li key={column.column_name}>
                  <button type="button" className="link-button" onClick={() => onInsert(column.column_name)} title="Insert into the editor">
                    {column.column_name}
                  </button>{' '}
                  <span className="muted">{column.data_type}</span>
                </li>
              ))}
            </ul>
            <button type="button" className="link-button" onClick={() => onInsert(`select *\nfrom ${table}\nlimit 100`)}>
              Query {table}
            </button>
          </details>
        </li>
      ))}
    </ul>
  );
}

function QuickChart({ result }: { result: AnalyticsResult }) {
  const chart = useChartTheme();
  const [labelColumn, valueColumn] = result.columns;
  const numeric = result.rows.length > 0 && result.columns.length >= 2 && result.rows.every((row) => typeof row[valueColumn] === 'number');
  if (!numeric) return <p className="muted">A quick chart needs a label column followed by a numeric column.</p>;
  const rows = result.rows.slice(0, 40).map((row) => ({ label: cellText(row[labelColumn]), value: row[valueColumn] as number }));
  return (
    <div className="chart" role="img" aria-label={`Bar chart of ${valueColumn} by ${labelColumn} for the first ${rows.length} rows; the result table lists every value.`} style={{ height: 280 }}>
      <ResponsiveContainer>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid stroke={chart.grid} strokeDasharray="3 3" vertical={false} verticalCoordinatesGenerator={noGridLines} />
          <XAxis dataKey="label" tick={chart.tick} stroke={chart.axis} interval="preserveStartEnd" />
          {/* Compact, round ticks in a wide enough gutter: large values are not clipped. */}
          <YAxis {...valueAxis(rows.map((row) => row.value))} tickFormatter={formatCompact} width={56} tick={chart.tick} stroke={chart.axis} />
          <Tooltip contentStyle={chart.tooltip} />
          <Bar dataKey="value" name={valueColumn} fill="#3b6fd4" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export default function AnalyticsPage() {
  useTitle('SQL analytics');
  const [params, update] = useUrlState();
  const theme = useTheme();
  const urlSql = params.get('sql') ?? EXAMPLE_QUERIES[0].sql;
  const [text, setText] = useState(urlSql);
  const [run, setRun] = useState<RunState>({ status: 'idle' });
  const [view, setView] = useState<'table' | 'chart'>('table');
  const [runCount, setRunCount] = useState(0);
  // The SQL of the latest run as sent to DuckDB (after the guard), shown as data-sql for the checks.
  const [ranSql, setRanSql] = useState<string | undefined>(undefined);
  const textRef = useRef(text);
  textRef.current = text;
  // Only the latest run may set the state: a first-paint result leaves Run enabled while its own
  // query still waits for the engine.
  const latestRun = useRef(0);

  const execute = useCallback((sqlText: string) => {
    setRunCount((count) => count + 1);
    const runId = (latestRun.current += 1);
    const guarded = guardSql(sqlText);
    setRanSql(guarded.ok ? guarded.sql : undefined);
    if (!guarded.ok) {
      setRun({ status: 'rejected', message: guarded.reason });
      return;
    }
    const query = runAnalyticsQuery(guarded.sql, DEFAULT_ROW_LIMIT, TIMEOUT_MILLISECONDS);
    let answered = false;
    setRun({ status: 'running', query });
    // The default query's rows from the build, shown until DuckDB answers the same SQL.
    firstPaintRows(guarded.sql).then((rows) => {
      const result = firstPaintResult(rows, DEFAULT_ROW_LIMIT);
      if (result && !answered && latestRun.current === runId) setRun({ status: 'done', result, source: 'first-paint' });
    });
    query.result.then(
      (result) => {
        answered = true;
        if (latestRun.current === runId) setRun({ status: 'done', result, source: 'duckdb' });
      },
      (error: Error) => {
        answered = true;
        if (latestRun.current === runId) setRun(error instanceof QueryCancelledError ? { status: 'cancelled' } : { status: 'failed', message: error.message });
      },
    );
  }, []);

  // A deep link (?sql=…) restores the query and runs it.
  useEffect(() => {
    setText(urlSql);
    execute(urlSql);
  }, [urlSql, execute]);

  const submit = useCallback(() => {
    if (textRef.current === urlSql) execute(textRef.current);
    else update({ sql: textRef.current });
  }, [urlSql, update, execute]);

  const download = () => {
    if (run.status !== 'done') return;
    const blob = new Blob([toCsv(run.result.columns, run.result.rows)], { type: 'text/csv' });
    const url = URL.createObjectURL(blob);
    const anchor = document.createElement('a');
    anchor.href = url;
    anchor.download = 'hyperion-query.csv';
    anchor.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <>
      <h1>Analytics</h1>
      <div className="analytics-layout">
        <aside className="card" aria-labelledby="schema-title">
          <h2 id="schema-title">Tables</h2>
          <SchemaBrowser onInsert={(insert) => setText((current) => (insert.includes('\n') ? insert : `${current} ${insert}`))} />
          <h2>Examples</h2>
          <ul className="example-list">
            {EXAMPLE_QUERIES.map((example) => (
              <li key={example.title}>
                <button type="button" className="link-button" onClick={() => update({ sql: example.sql })}>
                  {example.title}
                </button>
              </li>
            ))}
          </ul>
        </aside>
        <section className="card editor-card" aria-labelledby="editor-title">
          <h2 id="editor-title">Query (read-only, at most {DEFAULT_ROW_LIMIT} rows, {TIMEOUT_MILLISECONDS / 1000} s timeout)</h2>
          <div className="editor" data-testid="sql-editor">
            <Suspense fallback={<pre className="editor-placeholder" style={{ height: 180, margin: 0, padding: '4px 8px', overflow: 'auto', whiteSpace: 'pre-wrap' }}>{text}</pre>}>
              <SqlEditor value={text} theme={theme === 'dark' ? 'dark' : 'light'} onChange={setText} onSubmit={submit} />
            </Suspense>
          </div>
          <div className="toolbar">
            <button type="button" className="button primary" onClick={submit} disabled={run.status === 'running'} data-testid="run-query">
              Run <span className="muted">(Ctrl+Enter)</span>
            </button>
            <button type="button" className="button" onClick={() => run.status === 'running' && run.query.cancel()} disabled={run.status !== 'running'} data-testid="cancel-query">
              Cancel
            </button>
            <button type="button" className="button" onClick={download} disabled={run.status !== 'done'} data-testid="download-csv">
              Download CSV
            </button>
          </div>
          <div aria-live="polite" data-testid="query-status" data-status={run.status} data-run={runCount} data-source={run.status === 'done' ? run.source : undefined} data-sql={ranSql}>
            {run.status === 'running' && <p className="muted">Running…</p>}
            {run.status === 'rejected' && <ErrorState title="This query is not allowed" message={run.message} />}
            {run.status === 'failed' && <ErrorState title="DuckDB error" message={run.message} />}
            {run.status === 'cancelled' && <p className="muted">Query cancelled.</p>}
            {run.status === 'done' && (
              <p className="muted" data-testid="result-summary">
                {run.result.rows.length} rows{run.result.truncated ? ` (limited to the first ${DEFAULT_ROW_LIMIT})` : ''}
                {run.source === 'first-paint' ? ', computed when the site was built; DuckDB is starting' : ` in ${run.result.milliseconds.toFixed(0)} ms`}
              </p>
            )}
          </div>
        </section>
      </div>
      {run.status === 'done' && (
        <section className="card" aria-labelledby="result-title">
          <h2 id="result-title">Result</h2>
          <div className="segmented" role="group" aria-label="Result view">
            <button type="button" className="button" aria-pressed={view === 'table'} onClick={() => setView('table')}>Table</button>
            <button type="button" className="button" aria-pressed={view === 'chart'} onClick={() => setView('chart')} data-testid="quick-chart">Quick chart</button>
          </div>
          {view === 'chart' ? (
            <QuickChart result={run.result} />
          ) : (
            <div className="table-scroll result-scroll" tabIndex={0} role="region" aria-label="Query result, scrollable">
              <table className="data-table" data-testid="result-table">
                <thead>
                  <tr>{run.result.columns.map((column) => <th key={column} scope="col">{column}</th>)}</tr>
                </thead>
                <tbody>
                  {run.result.rows.map((row, index) => (
                    <tr key={index}>{run.result.columns.map((column) => <td key={column}>{cellText(row[column])}</td>)}</tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </>
  );
}
