// The one DuckDB-WASM instance of the page. It is a module-level singleton so that React StrictMode,
// which mounts effects twice in development, never starts a second engine.
import * as duckdb from '@duckdb/duckdb-wasm';
import mvpWasmUrl from '@duckdb/duckdb-wasm/dist/duckdb-mvp.wasm?url';
import mvpWorkerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-mvp.worker.js?url';
import ehWasmUrl from '@duckdb/duckdb-wasm/dist/duckdb-eh.wasm?url';
import ehWorkerUrl from '@duckdb/duckdb-wasm/dist/duckdb-browser-eh.worker.js?url';
import { createStallWatchdog, readWithProgress, reportProgress } from './progress';
import { lockdownStatements, normalizeRows, type Row } from './rows';
import { DATA_BASE_URL, loadSiteManifest } from './siteData';

export const DATABASE_ALIAS = 'hyperion';
/**
 * Start-up fails only when nothing has moved for this long: no byte of the wasm or the database and
 * no start-up step finished. A slow link keeps moving and is waited for; a hung worker is not.
 */
export const STARTUP_STALL_MS = 20000;

export interface Engine {
  database: duckdb.AsyncDuckDB;
  connection: duckdb.AsyncDuckDBConnection;
  version: string;
  readyMilliseconds: number;
}

export type EngineState =
  | { status: 'starting' }
  | { status: 'ready'; engine: Engine }
  | { status: 'failed'; message: string };

let enginePromise: Promise<Engine> | null = null;
let startGate: Promise<void> = Promise.resolve();
let state: EngineState = { status: 'starting' };
const listeners = new Set<(state: EngineState) => void>();

function setState(next: EngineState): void {
  state = next;
  for (const listener of listeners) listener(next);
}

export function engineState(): EngineState {
  return state;
}

export function subscribeEngine(listener: (state: EngineState) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

async function fetchDatabase(touch: (step: string) => void): Promise<Uint8Array> {
  const manifest = await loadSiteManifest();
  touch('loading the database');
  const url = DATA_BASE_URL + manifest.database.file;
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not load ${url}: HTTP ${response.status}`);
  const total = manifest.database.bytes;
  reportProgress('database', 0, total);
  return readWithProgress(response, (loaded) => {
    reportProgress('database', loaded, total);
    touch('loading the database');
  });
}

async function start(touch: (step: string) => void): Promise<Engine> {
  const started = performance.now();
  performance.mark('duckdb-start');
  await startGate;
  // The database download runs while the wasm compiles: they are independent.
  const databaseBytes = fetchDatabase(touch);
  databaseBytes.catch(() => undefined);
  const bundle = await duckdb.selectBundle({
    mvp: { mainModule: mvpWasmUrl, mainWorker: mvpWorkerUrl },
    eh: { mainModule: ehWasmUrl, mainWorker: ehWorkerUrl },
  });
  // The worker reports decompressed bytes; the build knows each wasm's size (vite.config.ts).
  const wasmTotal = bundle.mainModule === ehWasmUrl ? __DUCKDB_WASM_BYTES__.eh : __DUCKDB_WASM_BYTES__.mvp;
  reportProgress('wasm', 0, wasmTotal);
  const worker = new Worker(bundle.mainWorker!);
  const database = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  touch('starting the DuckDB worker');
  await database.instantiate(bundle.mainModule, bundle.pthreadWorker, (progress) => {
    reportProgress('wasm', progress.bytesLoaded, wasmTotal);
    touch('loading the DuckDB engine');
  });
  reportProgress('wasm', wasmTotal, wasmTotal);
  touch('compiled the DuckDB engine');
  await database.open({
    query: { castBigIntToDouble: true, castDecimalToDouble: true, castTimestampToDate: true },
  });
  await database.registerFileBuffer('hyperion.duckdb', await databaseBytes);
  touch('attaching the database');
  const connection = await database.connect();
  await connection.query(`ATTACH 'hyperion.duckdb' AS ${DATABASE_ALIAS} (READ_ONLY)`);
  await connection.query(`USE ${DATABASE_ALIAS}`);
  for (const statement of lockdownStatements()) await connection.query(statement);
  const version = await database.getVersion();
  performance.mark('duckdb-ready');
  const readyMilliseconds = performance.now() - started;
  return { database, connection, version, readyMilliseconds };
}

function startWithWatchdog(): Promise<Engine> {
  const watchdog = createStallWatchdog(STARTUP_STALL_MS, 'DuckDB start-up');
  const engine = start((step) => watchdog.touch(step));
  return Promise.race([engine, watchdog.stalled]).finally(() => watchdog.stop());
}

/**
 * Hold DuckDB's start until `gate` resolves; call it before the first `getEngine`. main.tsx holds it
 * until the route's first paint is on screen: on a two-core machine the compile (the worker and V8's
 * validation threads) takes the CPU that React needs to draw (docs/07-site.md, "Start-up order").
 */
export function holdEngineUntil(gate: Promise<void>): void {
  startGate = gate;
}

/** Start the engine once; later calls share the same promise. Fails visibly when start-up stalls. */
export function getEngine(): Promise<Engine> {
  if (!enginePromise) {
    enginePromise = startWithWatchdog().then(
      (engine) => {
        setState({ status: 'ready', engine });
        return engine;
      },
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        setState({ status: 'failed', message });
        throw error;
      },
    );
  }
  return enginePromise;
}

const resultCache = new Map<string, Promise<Row[]>>();

/** Run one read query on the shared connection; identical SQL is answered from a cache. */
export function runQuery(sql: string): Promise<Row[]> {
  let cached = resultCache.get(sql);
  if (!cached) {
    cached = getEngine()
      .then((engine) => {
        performance.mark('query-start', { detail: sql });
        return engine.connection.query(sql);
      })
      .then(
        (table) => {
          performance.mark('query-answered', { detail: sql });
          const rows = normalizeRows(table.toArray(), table.schema);
          performance.mark('query-rows', { detail: sql });
          return rows;
        },
        (error: unknown) => {
          throw new Error(readableDuckDBError(error));
        },
      );
    cached.catch(() => resultCache.delete(sql));
    resultCache.set(sql, cached);
  }
  return cached;
}

/** duckdb-wasm reports errors as JSON ({exception_type, exception_message}); show them as DuckDB prints them. */
export function readableDuckDBError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  try {
    const parsed = JSON.parse(message) as { exception_type?: string; exception_message?: string };
    if (parsed.exception_message) return `${parsed.exception_type ?? 'DuckDB'} Error: ${parsed.exception_message}`;
  } catch {
    // Not JSON: already readable.
  }
  return message;
}

export interface AnalyticsResult {
  columns: string[];
  rows: Row[];
  truncated: boolean;
  milliseconds: number;
}

const CANCELLED = 'Cancelled.';

/** The user cancelled the query: not an error, the page says "cancelled". */
export class QueryCancelledError extends Error {
  constructor() {
    super('Cancelled by you.');
    this.name = 'QueryCancelledError';
  }
}

export interface RunningQuery {
  result: Promise<AnalyticsResult>;
  cancel: () => void;
}

let analyticsConnection: Promise<duckdb.AsyncDuckDBConnection> | null = null;

/**
 * Run an already guarded and limited analytics statement on its own connection, so that cancelling it
 * (`cancelSent`) never interrupts the page's own queries. Rejects on cancel or after `timeoutMilliseconds`.
 */
export function runAnalyticsQuery(sql: string, limit: number, timeoutMilliseconds: number): RunningQuery {
  let cancelWith: (reason: string) => void = () => undefined;
  const stopped = new Promise<never>((_, reject) => {
    cancelWith = (reason: string) => reject(reason === CANCELLED ? new QueryCancelledError() : new Error(reason));
  });
  // The race below handles the rejection; this only stops an early cancel from being reported as unhandled.
  stopped.catch(() => undefined);
  const result = (async () => {
    const engine = await getEngine();
    analyticsConnection ??= engine.database.connect().then(async (connection) => {
      // USE is per connection; the analytics guard forbids USE, so users stay on the attached exports.
      await connection.query(`USE ${DATABASE_ALIAS}`);
      return connection;
    });
    const connection = await analyticsConnection;
    const started = performance.now();
    const timer = setTimeout(() => cancelWith(`Timed out after ${timeoutMilliseconds / 1000} s and was cancelled.`), timeoutMilliseconds);
    try {
      const read = (async () => {
        const reader = await connection.send(sql, true);
        const collected: Row[] = [];
        let columns: string[] = [];
        for await (const batch of reader) {
          columns = batch.schema.fields.map((field) => field.name);
          collected.push(...normalizeRows(batch.toArray(), batch.schema));
          if (collected.length > limit) {
            // The result streams in batches: stop reading and drop the rest instead of wrapping the
            // user's SQL in a LIMIT subquery, which would shift DuckDB's error positions.
            await connection.cancelSent().catch(() => false);
            break;
          }
        }
        return { columns, rows: collected };
      })();
      read.catch(() => undefined);
      const { columns, rows } = await Promise.race([read, stopped]);
      return {
        columns,
        rows: rows.slice(0, limit),
        truncated: rows.length > limit,
        milliseconds: performance.now() - started,
      };
    } catch (error) {
      await connection.cancelSent().catch(() => false);
      if (error instanceof QueryCancelledError) throw error;
      throw new Error(readableDuckDBError(error));
    } finally {
      clearTimeout(timer);
    }
  })();
  return { result, cancel: () => cancelWith(CANCELLED) };
}
