// Runs the site's SQL in the real DuckDB-WASM engine under Node (the blocking Node build of the same
// @duckdb/duckdb-wasm package), against the same packed database file the browser attaches.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { lockdownStatements, normalizeRows, type Row } from '../src/db/rows';

const require = createRequire(import.meta.url);

interface BlockingConnection {
  query(sql: string): { toArray(): unknown[] };
}

/** The packed database's content-hashed file name, from the site manifest the build script writes. */
function siteDatabaseFile(): string {
  const manifestPath = join(__dirname, '..', 'public', 'data', 'site.json');
  if (!existsSync(manifestPath)) return 'site.json-not-found';
  return (JSON.parse(readFileSync(manifestPath, 'utf8')) as { database: { file: string } }).database.file;
}

export const DATABASE_PATH = resolve(process.env.HYPERION_SITE_DATABASE ?? join(__dirname, '..', 'public', 'data', siteDatabaseFile()));

export async function openTestEngine(): Promise<(sql: string) => Row[]> {
  if (!existsSync(DATABASE_PATH)) {
    throw new Error(`${DATABASE_PATH} not found: run "make web" (scripts/07_build_site.py) first`);
  }
  const modulePath = require.resolve('@duckdb/duckdb-wasm/dist/duckdb-node-blocking.cjs');
  const directory = dirname(modulePath);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const duckdb = require(modulePath);
  const database = await duckdb.createDuckDB(
    {
      mvp: { mainModule: join(directory, 'duckdb-mvp.wasm'), mainWorker: join(directory, 'duckdb-node-mvp.worker.cjs') },
      eh: { mainModule: join(directory, 'duckdb-eh.wasm'), mainWorker: join(directory, 'duckdb-node-eh.worker.cjs') },
    },
    new duckdb.VoidLogger(),
    duckdb.NODE_RUNTIME,
  );
  await database.instantiate();
  database.open({ query: { castBigIntToDouble: true, castDecimalToDouble: true, castTimestampToDate: true } });
  database.registerFileBuffer('hyperion.duckdb', new Uint8Array(readFileSync(DATABASE_PATH)));
  const connection: BlockingConnection = database.connect();
  connection.query("ATTACH 'hyperion.duckdb' AS hyperion (READ_ONLY)");
  connection.query('USE hyperion');
  for (const statement of lockdownStatements()) connection.query(statement);
  return (sql: string) => {
    const table = connection.query(sql) as unknown as { toArray(): unknown[]; schema: Parameters<typeof normalizeRows>[1] };
    return normalizeRows(table.toArray(), table.schema);
  };
}
