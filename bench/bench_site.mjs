#!/usr/bin/env node
// Benchmark of the built site in headless Debian Chromium (playwright-core), median of N runs:
// cold load (new profile) to the first chart drawn and to DuckDB ready (performance marks), warm load
// (same profile, reload), p95 latency of a filter change on /films and /characters, peak main-thread
// JS heap, the JavaScript bundle size (gzip, without the wasm) and the export size.
// Prerequisites: make web (frontend/dist with dist/data); chromium at /usr/bin/chromium.
// Run: node bench/bench_site.mjs [--runs 5]   (prints JSON to stdout, progress to stderr)
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const repository = resolve(fileURLToPath(new URL('..', import.meta.url)));
const frontend = join(repository, 'frontend');
const require = createRequire(join(frontend, 'package.json'));
const { chromium } = require('playwright-core');
const { startServer } = await import(join(frontend, 'scripts', 'serve.mjs'));

const runsIndex = process.argv.indexOf('--runs');
const RUNS = runsIndex >= 0 ? Number(process.argv[runsIndex + 1]) : 5;
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const distDirectory = join(frontend, 'dist');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const percentile = (values, fraction) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
};
const round = (value) => Math.round(value * 10) / 10;

async function markTime(page, name) {
  await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, name, { timeout: 60000 });
  return page.evaluate((mark) => performance.getEntriesByName(mark)[0].startTime, name);
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
      const used = metrics.find((metric) => metric.name === 'JSHeapUsedSize')?.value ?? 0;
      peak = Math.max(peak, used);
      await new Promise((resolvePromise) => setTimeout(resolvePromise, 25));
    }
  })();
  const result = await work();
  sampling = false;
  await sampler;
  return { result, peak };
}

/** Change filters one after another; each latency runs from the change event to the new rows shown. */
async function filterLatencies(page, path, sectionId, countTestId, changes) {
  await page.goto(path);
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
          const poll = () => {
            const current = document.querySelector(`[data-query-id="${section}"]`);
            const count = document.querySelector(`[data-testid="${countId}"]`);
            if (current && current.dataset.sql !== before && count?.dataset.value) {
              // Count the frame that paints the new rows.
              requestAnimationFrame(() => resolvePromise(performance.now() - started));
            } else {
              requestAnimationFrame(poll);
            }
          };
          poll();
        }),
      { change, sectionId, countTestId },
    );
    latencies.push(latency);
  }
  return latencies;
}

function bundleSizes() {
  const assets = join(distDirectory, 'assets');
  const sizes = { app_entry_js_gzip: 0, lazy_js_gzip: 0, duckdb_worker_js_gzip: 0, wasm_gzip_not_counted: 0 };
  for (const name of readdirSync(assets)) {
    const bytes = gzipSync(readFileSync(join(assets, name)), { level: 9 }).length;
    if (name.endsWith('.wasm')) sizes.wasm_gzip_not_counted += bytes;
    else if (name.includes('.worker')) sizes.duckdb_worker_js_gzip += bytes;
    else if (name.startsWith('index-') && name.endsWith('.js')) sizes.app_entry_js_gzip += bytes;
    else if (name.endsWith('.js')) sizes.lazy_js_gzip += bytes;
  }
  sizes.total_js_gzip = sizes.app_entry_js_gzip + sizes.lazy_js_gzip + sizes.duckdb_worker_js_gzip;
  return sizes;
}

function exportSizes() {
  const data = join(distDirectory, 'data');
  let parquet = 0;
  for (const name of readdirSync(data)) if (name.endsWith('.parquet')) parquet += statSync(join(data, name)).size;
  // The packed database has a content-hashed name, given by data/site.json.
  const databasePath = join(data, JSON.parse(readFileSync(join(data, 'site.json'), 'utf8')).database.file);
  const database = statSync(databasePath).size;
  return { parquet_bytes: parquet, duckdb_file_bytes: database, duckdb_file_gzip_bytes: gzipSync(readFileSync(databasePath)).length };
}

async function main() {
  const { server, url } = await startServer({ root: distDirectory, port: 0 });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: FLAGS, headless: true });
  const runs = [];
  for (let run = 0; run < RUNS; run += 1) {
    // A new context is a new profile: empty HTTP cache and no compiled-wasm cache.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const { result: cold, peak } = await peakHeapDuring(page, async () => {
      await page.goto(url + '/');
      return { firstChart: await markTime(page, 'first-chart'), duckdbReady: await markTime(page, 'duckdb-ready') };
    });
    await page.reload();
    const warmFirstChart = await markTime(page, 'first-chart');
    const warmReady = await markTime(page, 'duckdb-ready');
    const films = await filterLatencies(page, url + '/films', 'film-list', 'film-count', [
      { '#film-studio': 'pixar' }, { '#film-decade': '2000' }, { '#film-type': 'theatrical' }, { '#film-studio': 'wdas' },
      { '#film-decade': '1990' }, { '#film-type': '' }, { '#film-studio': 'disneytoon' }, { '#film-decade': '' },
      { '#film-studio': 'blue-sky' }, { '#film-studio': '' }, { '#film-decade': '1950' }, { '#film-type': 'direct-to-video' },
      { '#film-decade': '2010' }, { '#film-studio': '20th-century-animation' }, { '#film-type': '' }, { '#film-decade': '1980' },
      { '#film-studio': 'marvel-animation' }, { '#film-decade': '2020' }, { '#film-studio': 'disney-hybrid' }, { '#film-decade': '1960' },
    ]);
    const characters = await filterLatencies(page, url + '/characters', 'character-list', 'character-count', [
      { '#character-gender': 'female' }, { '#character-role': 'protagonist' }, { '#character-studio': 'pixar' }, { '#character-gender': 'male' },
      { '#character-role': 'antagonist' }, { '#character-studio': 'wdas' }, { '#character-gender': '' }, { '#character-role': 'sidekick' },
      { '#character-studio': '' }, { '#character-species': 'human' }, { '#character-role': '' }, { '#character-gender': 'female' },
      { '#character-species': 'dog' }, { '#character-studio': 'disneytoon' }, { '#character-species': '' }, { '#character-role': 'mentor' },
      { '#character-gender': 'male' }, { '#character-studio': 'pixar' }, { '#character-role': 'supporting' }, { '#character-gender': '' },
    ]);
    runs.push({
      cold_first_chart_ms: cold.firstChart,
      cold_duckdb_ready_ms: cold.duckdbReady,
      warm_first_chart_ms: warmFirstChart,
      warm_duckdb_ready_ms: warmReady,
      films_filter_p95_ms: percentile(films, 0.95),
      characters_filter_p95_ms: percentile(characters, 0.95),
      peak_js_heap_bytes: peak,
    });
    console.error(`run ${run + 1}/${RUNS}: ${JSON.stringify(runs[runs.length - 1], (key, value) => (typeof value === 'number' ? round(value) : value))}`);
    await context.close();
  }
  await browser.close();
  server.close();
  const summary = Object.fromEntries(Object.keys(runs[0]).map((key) => [key, round(median(runs.map((run) => run[key])))]));
  const report = {
    date: new Date().toISOString(),
    machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    chromium: browser.version(),
    runs: RUNS,
    median: summary,
    bundle: bundleSizes(),
    exports: exportSizes(),
  };
  console.log(JSON.stringify(report, null, 2));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
