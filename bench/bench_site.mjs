#!/usr/bin/env node
// Benchmark of the built site in headless Debian Chromium (playwright-core), median of N runs:
// - every route, cold (new profile) and warm (reload, same profile): first chart drawn (or, on a page
//   without a chart, its first data row) and DuckDB ready (the `duckdb-ready` performance mark);
// - every route cold at 10 Mbit/s (CDP Network.emulateNetworkConditions, 40 ms latency): first chart,
//   interactive (DuckDB ready), errors (page errors, error states, failed requests), bytes on the wire;
// - bytes of a cold visit (encoded bytes over CDP, the page's and its workers', until DuckDB is ready);
// - p95 latency of a filter change on /films and /characters; peak main-thread JS heap;
// - the JavaScript bundle (gzip, without the wasm) and the export size.
// Prerequisites: make web (frontend/dist with dist/data); chromium at /usr/bin/chromium; the .venv's
// Python duckdb (picks the entity pages to visit from the exports).
// Run: node bench/bench_site.mjs [--runs 3]   (prints JSON to stdout, progress to stderr)
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repository = resolve(fileURLToPath(new URL('..', import.meta.url)));
const frontend = join(repository, 'frontend');
const require = createRequire(join(frontend, 'package.json'));
const { chromium } = require('playwright-core');
const { startServer } = await import(join(frontend, 'scripts', 'serve.mjs'));

const runsIndex = process.argv.indexOf('--runs');
const RUNS = runsIndex >= 0 ? Number(process.argv[runsIndex + 1]) : 3;
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const distDirectory = join(frontend, 'dist');
const dataDirectory = join(distDirectory, 'data');
const THROTTLE = { offline: false, latency: 40, downloadThroughput: (10 * 1000 * 1000) / 8, uploadThroughput: (5 * 1000 * 1000) / 8 };

const median = (values) => {
  const sorted = values.filter((value) => value !== null).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const percentile = (values, fraction) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
};
const round = (value) => (value === null ? null : Math.round(value * 10) / 10);

/** Entity pages to visit: the same picks as the e2e suite, from the exports with Python DuckDB. */
function entityRoutes() {
  const queries = [
    "select film_id from films_complete where release_type = 'theatrical' and domestic_gross_usd is not null order by worldwide_gross_usd desc nulls last, film_id limit 1",
    'select character_id from characters_complete group by character_id order by count(distinct film_id) desc, character_id limit 1',
    'select talent_name from talent_stats order by appearance_count desc, talent_name limit 1',
    'select studio_id from studio_stats order by film_count desc, studio_id limit 1',
  ];
  const python = process.env.HYPERION_PYTHON ?? join(repository, '.venv', 'bin', 'python');
  const run = spawnSync(python, [join(frontend, 'e2e', 'python_queries.py')], { input: JSON.stringify({ data_dir: dataDirectory, queries }), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`python_queries.py failed: ${run.stderr}`);
  const [[film], [character], [talent], [studio]] = JSON.parse(run.stdout).map((answer) => answer.rows[0]);
  return { film, character, talent, studio };
}

// What "first chart" means on each route: a drawn Recharts mark, or on a page without a chart its
// first data row (the analytics page: the first result row of its default query).
const CHART = 'main .chart svg.recharts-surface .recharts-bar-rectangle, main .chart svg.recharts-surface .recharts-line-curve';
const row = (testId) => `main [data-testid="${testId}"] tbody tr`;
function routes(entities) {
  return [
    { name: 'overview', path: '/', first: CHART },
    { name: 'studios', path: '/studios', first: CHART },
    { name: 'films', path: '/films', first: row('film-table') },
    { name: 'characters', path: '/characters', first: row('character-table') },
    { name: 'talent', path: '/talent', first: CHART },
    { name: 'film', path: `/films/${entities.film}`, first: CHART },
    { name: 'character', path: `/characters/${entities.character}`, first: row('appearance-table') },
    { name: 'talent-person', path: `/talent/${encodeURIComponent(entities.talent)}`, first: row('roles-table') },
    { name: 'studio', path: `/studios/${entities.studio}`, first: CHART },
    { name: 'analytics', path: '/analytics', first: row('result-table') },
  ];
}

/** Time (ms since navigation start) at which `selector` first matches, watched from document start. */
async function watchFirst(context) {
  await context.addInitScript(() => {
    window.__benchFirst = {};
    window.__benchWatch = (selector) => {
      if (window.__benchFirst[selector] !== undefined) return;
      const check = () => {
        if (window.__benchFirst[selector] === undefined && document.querySelector(selector)) window.__benchFirst[selector] = performance.now();
        return window.__benchFirst[selector] !== undefined;
      };
      if (check()) return;
      const observer = new MutationObserver(() => check() && observer.disconnect());
      observer.observe(document, { subtree: true, childList: true });
    };
  });
}

async function firstTime(page, selector, timeout) {
  await page.evaluate((wanted) => window.__benchWatch(wanted), selector);
  await page.waitForFunction((wanted) => window.__benchFirst[wanted] !== undefined, selector, { timeout });
  return page.evaluate((wanted) => window.__benchFirst[wanted], selector);
}

async function markTime(page, name, timeout = 60000) {
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, name, { timeout });
  return page.evaluate((mark) => performance.getEntriesByName(mark)[0].startTime, name);
}

/**
 * Count the encoded bytes of every response (CDP), and failed requests, of one page and of its workers
 * (DuckDB's worker fetches the wasm: auto-attached, each worker paused until its Network domain is on).
 * The page's network emulation also throttles its dedicated workers (a worker session itself answers
 * "Not supported" to Network.emulateNetworkConditions): with 10 Mbit/s on, the 5.9 MB wasm takes over
 * 4.7 s in the worker's own Network events.
 */
async function networkMeter(page, throttle) {
  const session = await page.context().newCDPSession(page);
  await session.send('Network.enable');
  if (throttle) await session.send('Network.emulateNetworkConditions', THROTTLE);
  const meter = { bytes: 0, failed: [] };
  const count = (method, params) => {
    if (method === 'Network.loadingFinished') meter.bytes += params.encodedDataLength;
    if (method === 'Network.loadingFailed' && !params.canceled) meter.failed.push(params.errorText);
  };
  session.on('Network.loadingFinished', (event) => count('Network.loadingFinished', event));
  session.on('Network.loadingFailed', (event) => count('Network.loadingFailed', event));
  let messageId = 0;
  session.on('Target.attachedToTarget', ({ sessionId }) => {
    const send = (method) => session.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: (messageId += 1), method, params: {} }) }).catch(() => undefined);
    send('Network.enable').then(() => send('Runtime.runIfWaitingForDebugger'));
  });
  session.on('Target.receivedMessageFromTarget', ({ message }) => {
    const parsed = JSON.parse(message);
    if (parsed.method) count(parsed.method, parsed.params);
  });
  await session.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
  return meter;
}

/**
 * One visit: first chart and DuckDB ready; `errors` counts page errors, error states on the page and
 * failed requests. The selector watcher is armed before the first paint by the init script.
 */
async function visit(page, url, route, { timeout = 60000, meter = null } = {}) {
  const pageErrors = [];
  const onError = (error) => pageErrors.push(String(error));
  page.on('pageerror', onError);
  await page.goto(url + route.path, { waitUntil: 'commit' });
  const first = await firstTime(page, route.first, timeout).catch(() => null);
  const ready = await markTime(page, 'duckdb-ready', timeout).catch(() => null);
  // Let the page swap the first paint for the engine's rows, then look for error states.
  await page.waitForTimeout(300);
  const shown = await page.$$eval('main [role="alert"], .engine-banner', (elements) => elements.map((element) => element.textContent));
  page.off('pageerror', onError);
  const errors = [...pageErrors, ...shown, ...(meter?.failed ?? [])];
  if (first === null) errors.push(`no ${route.first} within ${timeout} ms`);
  if (ready === null) errors.push(`DuckDB not ready within ${timeout} ms`);
  return { first, ready, errors, bytes: meter?.bytes ?? null };
}

/** Sample the main-thread JS heap through CDP while `work` runs; returns the peak in bytes. */
async function peakHeapDuring(page, work) {
  const session = await page.context().newCDPSession(page);
  await session.send('Performance.enable');
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const { metrics } = await session.send('Performance.getMetrics').catch(() => ({ metrics: [] }));
      peak = Math.max(peak, metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0);
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 25));
    }
  })();
  const result = await work();
  sampling = false;
  await sampler;
  return { result, peak };
}

/**
 * Change filters one after another; each latency runs from the change event to the new rows shown (the
 * frame that paints the first rows), and `all` to the frame after every row is in the page (long tables
 * add their rows beyond the first 100 one frame later, marked by data-rendering on the table).
 */
async function filterLatencies(page, path, sectionId, countTestId, changes) {
  await page.goto(path);
  await markTime(page, 'duckdb-ready');
  await page.waitForFunction((id) => document.querySelector(`[data-testid="${id}"]`)?.dataset.value, countTestId, { timeout: 60000 });
  const latencies = [];
  for (const change of changes) {
    const latency = await page.evaluate(
      ({ change: filterChange, sectionId: section, countTestId: countId }) =>
        new Promise((resolvePromise) => {
          const before = document.querySelector(`[data-query-id="${section}"]`).dataset.sql;
          const started = performance.now();
          for (const [selector, value] of Object.entries(filterChange)) {
            const select = document.querySelector(selector);
            select.value = value;
            select.dispatchEvent(new Event('change', { bubbles: true }));
          }
          let shown = null;
          const poll = () => {
            const current = document.querySelector(`[data-query-id="${section}"]`);
            const count = document.querySelector(`[data-testid="${countId}"]`);
            const ready = current && current.dataset.sql !== before && count?.dataset.value;
            if (!ready) {
              requestAnimationFrame(poll);
              return;
            }
            // The next animation frame comes after the frame that painted what is in the page now: the new
            // rows first (shown), then, once no table is marked partial, the last of them (all).
            const complete = !current.querySelector('[data-rendering]');
            requestAnimationFrame(() => {
              if (shown === null) shown = performance.now() - started;
              if (complete) resolvePromise({ shown, all: performance.now() - started });
              else poll();
            });
          };
          poll();
        }),
      { change, sectionId, countTestId },
    );
    latencies.push(latency);
  }
  return latencies;
}

const FILM_CHANGES = [
  { '#film-studio': 'pixar' }, { '#film-decade': '2000' }, { '#film-type': 'theatrical' }, { '#film-studio': 'wdas' },
  { '#film-decade': '1990' }, { '#film-type': '' }, { '#film-studio': 'disneytoon' }, { '#film-decade': '' },
  { '#film-studio': 'blue-sky' }, { '#film-studio': '' }, { '#film-decade': '1950' }, { '#film-type': 'direct-to-video' },
  { '#film-decade': '2010' }, { '#film-studio': '20th-century-animation' }, { '#film-type': '' }, { '#film-decade': '1980' },
  { '#film-studio': 'marvel-animation' }, { '#film-decade': '2020' }, { '#film-studio': 'disney-hybrid' }, { '#film-decade': '1960' },
];
const CHARACTER_CHANGES = [
  { '#character-gender': 'female' }, { '#character-role': 'protagonist' }, { '#character-studio': 'pixar' }, { '#character-gender': 'male' },
  { '#character-role': 'antagonist' }, { '#character-studio': 'wdas' }, { '#character-gender': '' }, { '#character-role': 'sidekick' },
  { '#character-studio': '' }, { '#character-role': '' }, { '#character-gender': 'female' }, { '#character-studio': 'disneytoon' },
  { '#character-role': 'mentor' }, { '#character-gender': 'male' }, { '#character-studio': 'pixar' }, { '#character-role': 'supporting' },
  { '#character-gender': '' }, { '#character-studio': 'blue-sky' }, { '#character-role': '' }, { '#character-studio': '' },
];

function bundleSizes() {
  const assets = join(distDirectory, 'assets');
  const sizes = { app_entry_js_gzip: 0, lazy_js_gzip: 0, duckdb_worker_js_gzip: 0, wasm_eh_brotli: 0 };
  for (const name of readdirSync(assets)) {
    if (name.endsWith('.br') || name.endsWith('.gz')) continue;
    if (name.endsWith('.wasm')) {
      if (name.startsWith('duckdb-eh')) sizes.wasm_eh_brotli = statSync(join(assets, `${name}.br`)).size;
      continue;
    }
    const bytes = gzipSync(readFileSync(join(assets, name)), { level: 9 }).length;
    if (name.includes('.worker')) sizes.duckdb_worker_js_gzip += bytes;
    else if (name.startsWith('index-') && name.endsWith('.js')) sizes.app_entry_js_gzip += bytes;
    else if (name.endsWith('.js')) sizes.lazy_js_gzip += bytes;
  }
  sizes.total_js_gzip = sizes.app_entry_js_gzip + sizes.lazy_js_gzip + sizes.duckdb_worker_js_gzip;
  return sizes;
}

function exportSizes() {
  let parquet = 0;
  for (const name of readdirSync(dataDirectory)) if (name.endsWith('.parquet')) parquet += statSync(join(dataDirectory, name)).size;
  // The packed database has a content-hashed name, given by data/site.json.
  const databasePath = join(dataDirectory, JSON.parse(readFileSync(join(dataDirectory, 'site.json'), 'utf8')).database.file);
  return { parquet_bytes: parquet, duckdb_file_bytes: statSync(databasePath).size, duckdb_file_brotli_bytes: statSync(`${databasePath}.br`).size };
}

async function newContext(browser) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  await watchFirst(context);
  return context;
}

/** One run: every route cold and warm, every route cold at 10 Mbit/s, the filter latencies. */
async function oneRun(browser, url, routeList) {
  const result = { routes: {}, throttled: {} };
  for (const route of routeList) {
    // A new context is a new profile: empty HTTP cache and no compiled-wasm cache.
    const context = await newContext(browser);
    const page = await context.newPage();
    const meter = await networkMeter(page, false);
    const { result: cold, peak } = await peakHeapDuring(page, () => visit(page, url, route, { meter }));
    const warm = await visit(page, url, route);
    result.routes[route.name] = { cold_first_ms: cold.first, warm_first_ms: warm.first, cold_ready_ms: cold.ready, warm_ready_ms: warm.ready, cold_bytes: cold.bytes, errors: cold.errors.length + warm.errors.length, peak_js_heap_bytes: peak };
    if (cold.errors.length + warm.errors.length) console.error(`${route.path}: ${[...cold.errors, ...warm.errors].join(' | ')}`);
    await context.close();
  }
  for (const route of routeList) {
    const context = await newContext(browser);
    const page = await context.newPage();
    const meter = await networkMeter(page, true);
    const slow = await visit(page, url, route, { meter, timeout: 120000 });
    result.throttled[route.name] = { first_ms: slow.first, interactive_ms: slow.ready, errors: slow.errors.length, bytes: slow.bytes };
    if (slow.errors.length) console.error(`10 Mbit/s ${route.path}: ${slow.errors.join(' | ')}`);
    await context.close();
  }
  const context = await newContext(browser);
  const page = await context.newPage();
  const films = await filterLatencies(page, url + '/films', 'film-list', 'film-count', FILM_CHANGES);
  const characters = await filterLatencies(page, url + '/characters', 'character-list', 'character-count', CHARACTER_CHANGES);
  result.films_filter_p95_ms = percentile(films.map((latency) => latency.shown), 0.95);
  result.films_filter_all_rows_p95_ms = percentile(films.map((latency) => latency.all), 0.95);
  result.characters_filter_p95_ms = percentile(characters.map((latency) => latency.shown), 0.95);
  result.characters_filter_all_rows_p95_ms = percentile(characters.map((latency) => latency.all), 0.95);
  await context.close();
  return result;
}

function summarize(runs, routeList) {
  const pick = (path) => round(median(runs.map((run) => path(run) ?? null)));
  const perRoute = Object.fromEntries(
    routeList.map((route) => [
      route.name,
      {
        path: route.path,
        cold_first_ms: pick((run) => run.routes[route.name].cold_first_ms),
        warm_first_ms: pick((run) => run.routes[route.name].warm_first_ms),
        cold_ready_ms: pick((run) => run.routes[route.name].cold_ready_ms),
        warm_ready_ms: pick((run) => run.routes[route.name].warm_ready_ms),
        cold_bytes: pick((run) => run.routes[route.name].cold_bytes),
        throttled_first_ms: pick((run) => run.throttled[route.name].first_ms),
        throttled_interactive_ms: pick((run) => run.throttled[route.name].interactive_ms),
        throttled_bytes: pick((run) => run.throttled[route.name].bytes),
        errors: runs.reduce((sum, run) => sum + run.routes[route.name].errors + run.throttled[route.name].errors, 0),
        peak_js_heap_bytes: pick((run) => run.routes[route.name].peak_js_heap_bytes),
      },
    ]),
  );
  // List and overview pages paint from the build-time files; entity pages and /analytics wait for DuckDB.
  const FIRST_PAINT = ['overview', 'studios', 'films', 'characters', 'talent'];
  const worst = (key, names) => Math.max(...Object.entries(perRoute).filter(([name]) => names.includes(name)).map(([, route]) => route[key] ?? Infinity));
  const listPages = FIRST_PAINT;
  const enginePages = routeList.map((route) => route.name).filter((name) => !FIRST_PAINT.includes(name));
  return {
    per_route: perRoute,
    targets: {
      'first chart, cold, worst list/overview page (≤ 1000 ms)': worst('cold_first_ms', listPages),
      'first chart, cold, worst entity page or /analytics (≤ 1000 ms)': worst('cold_first_ms', enginePages),
      'first chart, warm, worst list/overview page (≤ 300 ms)': worst('warm_first_ms', listPages),
      'first chart, warm, worst entity page or /analytics (≤ 300 ms)': worst('warm_first_ms', enginePages),
      '10 Mbit/s: first chart, worst list/overview page (≤ 2000 ms)': worst('throttled_first_ms', listPages),
      '10 Mbit/s: first chart, worst entity page or /analytics (≤ 2000 ms)': worst('throttled_first_ms', enginePages),
      '10 Mbit/s: interactive, worst route (≤ 12000 ms)': worst('throttled_interactive_ms', [...listPages, ...enginePages]),
      '10 Mbit/s: errors, all routes and runs (none)': Object.values(perRoute).reduce((sum, route) => sum + route.errors, 0),
      'bytes of a cold visit to / (≤ 9 MB)': perRoute.overview.cold_bytes,
      'filter change p95, /films (≤ 50 ms)': pick((run) => run.films_filter_p95_ms),
      'filter change p95, /characters (≤ 50 ms)': pick((run) => run.characters_filter_p95_ms),
      'filter change p95 to every row in the page, /films': pick((run) => run.films_filter_all_rows_p95_ms),
      'filter change p95 to every row in the page, /characters': pick((run) => run.characters_filter_all_rows_p95_ms),
      'DuckDB ready, warm, / (≤ 1000 ms)': perRoute.overview.warm_ready_ms,
    },
  };
}

async function main() {
  const routeList = routes(entityRoutes());
  const { server, url } = await startServer({ root: distDirectory, port: 0 });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: FLAGS, headless: true });
  const loadBefore = loadavg()[0];
  const runs = [];
  for (let run = 0; run < RUNS; run += 1) {
    runs.push(await oneRun(browser, url, routeList));
    console.error(`run ${run + 1}/${RUNS}: ${JSON.stringify(runs[runs.length - 1], (key, value) => (typeof value === 'number' ? round(value) : value))}`);
  }
  const report = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    load_average_1min: { before: round(loadBefore), after: round(loadavg()[0]) },
    chromium: browser.version(),
    runs: RUNS,
    throttling: THROTTLE,
    median: summarize(runs, routeList),
    bundle: bundleSizes(),
    exports: exportSizes(),
  };
  await browser.close();
  server.close();
  console.log(JSON.stringify(report, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
