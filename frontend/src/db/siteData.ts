// The site's data manifest (data/site.json, revalidated on every visit) names the content-hashed data
// files, which the server caches for a year: the packed database, one first-paint file per list
// and overview page, one per film and studio page, and a fixed number of shard files for the
// character and voice-actor pages (see scripts/07_build_site.py). The first-paint rows are keyed by
// their SQL, so useQuery can answer a page's default queries before DuckDB-WASM has started.
import { shardOf } from './firstPaintRoutes';
import type { Row } from './rows';

export interface SiteManifest {
  format: number;
  database: { file: string; bytes: number };
  first_paint: Record<string, { file: string; bytes: number }>;
  /** Entity ('film', 'studio') -> id -> file name of that page's first paint. */
  first_paint_entities?: Record<string, Record<string, string>>;
  /** Entity ('character', 'talent') -> its shard files; an id's rows are in files[shardOf(id, files.length)]. */
  first_paint_shards?: Record<string, string[]>;
}

export const DATA_BASE_URL = `${import.meta.env.BASE_URL}data/`;
let manifestPromise: Promise<SiteManifest> | null = null;

type FirstPaintFile = { queries: { sql: string; rows: Row[] }[] };

declare global {
  interface Window {
    /** Started by public/first-paint.js before the app's JavaScript ran; taken over once, below. */
    __hyperionEarly?: { manifest: Promise<SiteManifest>; route: string | null; firstPaint: Promise<FirstPaintFile | null> | null };
  }
}

function takeEarly<K extends 'manifest' | 'firstPaint'>(key: K): NonNullable<Window['__hyperionEarly']>[K] | null {
  const early = typeof window === 'undefined' ? undefined : window.__hyperionEarly;
  if (!early || !early[key]) return null;
  const value = early[key];
  early[key] = null as never;
  return value;
}

export function loadSiteManifest(): Promise<SiteManifest> {
  manifestPromise ??= takeEarly('manifest') ?? fetch(`${DATA_BASE_URL}site.json`).then(async (response) => {
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
    // The download public/first-paint.js started for this route, else (or if it failed) our own.
    const early = typeof window !== 'undefined' && window.__hyperionEarly?.route === route ? takeEarly('firstPaint') : null;
    load = (early ?? Promise.resolve(null))
      .catch(() => null)
      .then((file) => (isFirstPaintFile(file) ? file : fetchFirstPaint(route)))
      .then((file) => {
        if (!isFirstPaintFile(file)) return;
        for (const query of file.queries) if (isFirstPaintQuery(query)) firstPaintBySql.set(query.sql, query.rows);
      })
      // Never a rejection: a broken file only means the page waits for the engine's answers.
      .catch(() => undefined);
    routeLoads.set(route, load);
  }
  return load;
}

function isFirstPaintFile(file: unknown): file is FirstPaintFile {
  return typeof file === 'object' && file !== null && Array.isArray((file as FirstPaintFile).queries);
}

function isFirstPaintQuery(query: unknown): query is { sql: string; rows: Row[] } {
  const candidate = query as { sql?: unknown; rows?: unknown } | null;
  return typeof candidate === 'object' && candidate !== null && typeof candidate.sql === 'string' && Array.isArray(candidate.rows);
}

/** The route's first-paint file, or null when the manifest names none or it cannot be loaded. */
async function fetchFirstPaint(route: string): Promise<FirstPaintFile | null> {
  try {
    const file = firstPaintFileName(await loadSiteManifest(), route);
    if (!file) return null;
    const response = await fetch(DATA_BASE_URL + file);
    return response.ok ? ((await response.json()) as FirstPaintFile) : null;
  } catch {
    return null;
  }
}

/** The file name site.json gives a first-paint key (`films`, `film/<id>`, `character/<id>`), or null. */
export function firstPaintFileName(manifest: SiteManifest, route: string): string | null {
  const own = <T>(record: Record<string, T> | undefined, key: string) => (record && Object.hasOwn(record, key) ? record[key] : undefined);
  const slash = route.indexOf('/');
  if (slash < 0) return own(manifest.first_paint, route)?.file ?? null;
  const [entity, id] = [route.slice(0, slash), route.slice(slash + 1)];
  const shards = own(manifest.first_paint_shards, entity);
  if (Array.isArray(shards) && shards.length > 0) return shards[shardOf(id, shards.length)] ?? null;
  return own(own(manifest.first_paint_entities, entity), id) ?? null;
}

/** The build-time rows of this SQL, once the first-paint files already requested have arrived. */
export async function firstPaintRows(sql: string): Promise<Row[] | null> {
  // One microtask first: after an in-app navigation the page's effects (its queries) run before App's,
  // which requests the new route's file in the same flush; without this the page would miss that file.
  await null;
  await Promise.all(routeLoads.values());
  return firstPaintBySql.get(sql) ?? null;
}
