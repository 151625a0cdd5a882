// The site's data manifest (data/site.json, revalidated on every visit) names the content-hashed data
// files, which the server caches for a year: the packed database and one first-paint file per list
// and overview page (see scripts/07_build_site.py). The first-paint rows are keyed by their SQL, so
// useQuery can answer a page's default queries before DuckDB-WASM has started.
import type { Row } from './rows';

export interface SiteManifest {
  format: number;
  database: { file: string; bytes: number };
  first_paint: Record<string, { file: string; bytes: number }>;
}

export const DATA_BASE_URL = `${import.meta.env.BASE_URL}data/`;
let manifestPromise: Promise<SiteManifest> | null = null;

export function loadSiteManifest(): Promise<SiteManifest> {
  manifestPromise ??= fetch(`${DATA_BASE_URL}site.json`).then(async (response) => {
    if (!response.ok) throw new Error(`could not load ${DATA_BASE_URL}site.json: HTTP ${response.status}`);
    return (await response.json()) as SiteManifest;
  });
  manifestPromise.catch(() => (manifestPromise = null));
  return manifestPromise;
}

const routeLoads = new Map<string, Promise<void>>();
const firstPaintBySql = new Map<string, Row[]>();

/** Fetch a route's first-paint file once; a failure only means the page waits for the engine. */
export function loadFirstPaint(route: string): Promise<void> {
  let load = routeLoads.get(route);
  if (!load) {
    load = loadSiteManifest()
      .then(async (manifest) => {
        const entry = manifest.first_paint[route];
        if (!entry) return;
        const response = await fetch(DATA_BASE_URL + entry.file);
        if (!response.ok) return;
        const file = (await response.json()) as { queries: { sql: string; rows: Row[] }[] };
        for (const query of file.queries) firstPaintBySql.set(query.sql, query.rows);
      })
      .catch(() => undefined);
    routeLoads.set(route, load);
  }
  return load;
}

/** The build-time rows of this SQL, once the first-paint files already requested have arrived. */
export async function firstPaintRows(sql: string): Promise<Row[] | null> {
  await Promise.all(routeLoads.values());
  return firstPaintBySql.get(sql) ?? null;
}
