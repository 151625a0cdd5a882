// What the Chromium suites (run.mjs, map.mjs) share: paths, named checks with a closing summary, Python
// DuckDB as the reference, axe, and the site served on a free port to Debian's Chromium with every
// request outside the site's origin cut off (the site must work offline).
// Env: CHROMIUM_PATH, HYPERION_PYTHON, SCREENSHOT_DIR, E2E_ONLY (a regular expression: run only the
// checks whose name matches, to re-run a failed one).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { startServer } from '../scripts/serve.mjs';

export const here = dirname(fileURLToPath(import.meta.url));
export const frontend = resolve(here, '..');
export const repository = resolve(frontend, '..');
export const distDirectory = join(frontend, 'dist');
export const dataDirectory = join(distDirectory, 'data');
export const python = process.env.HYPERION_PYTHON ?? join(repository, '.venv', 'bin', 'python');
export const screenshotDirectory = resolve(process.env.SCREENSHOT_DIR ?? join(repository, 'test-output', 'screenshots'));
export const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export const results = [];
const only = process.env.E2E_ONLY ? new RegExp(process.env.E2E_ONLY) : null;

/** Run one named check: a failure is recorded and printed, and the next check still runs. */
export async function check(name, body) {
  if (only && !only.test(name)) return;
  const started = Date.now();
  try {
    await body();
    results.push({ name, ok: true });
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    results.push({ name, ok: false, error });
    console.log(`FAIL ${name}: ${error?.stack ?? error}`);
  }
}

export function assert(condition, message) {
  if (!condition) throw new Error(message);
}

/** Run SQL statements with Python DuckDB over the exported Parquet files: one list of row objects each. */
export function pythonQueries(queries) {
  const run = spawnSync(python, [join(here, 'python_queries.py')], {
    input: JSON.stringify({ data_dir: dataDirectory, queries }),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) throw new Error(`python_queries.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout).map((answer, index) => {
    if (answer.error) throw new Error(`Python DuckDB rejected query ${index}: ${answer.error}\n${queries[index]}`);
    return answer.columns.length ? answer.rows.map((row) => Object.fromEntries(answer.columns.map((column, i) => [column, row[i]]))) : [];
  });
}

/** Fail on axe's serious or critical violations; return every violation found. */
export async function runAxe(page, label) {
  // Evaluated through the DevTools protocol: an injected <script> would break the site's CSP.
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((violation) => ({ id: violation.id, impact: violation.impact, nodes: violation.nodes.length, help: violation.help, target: violation.nodes[0]?.target }));
  });
  const serious = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  assert(serious.length === 0, `${label}: axe serious violations: ${JSON.stringify(serious, null, 1)}`);
  return violations;
}

/**
 * Serve frontend/dist on a free port and open Chromium on it: one browser context of ``viewport`` whose
 * requests inside the site's origin are listed in ``requested`` and whose requests outside it are
 * aborted and listed in ``outsideRequests``.
 */
export async function openSite({ viewport }) {
  mkdirSync(screenshotDirectory, { recursive: true });
  const { server, url: origin } = await startServer({ root: distDirectory, port: 0 });
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_FLAGS, headless: true });
  const context = await browser.newContext({ viewport });
  const requested = [];
  const outsideRequests = [];
  await context.route('**/*', (route) => {
    const requestUrl = route.request().url();
    if (requestUrl.startsWith(origin) || requestUrl.startsWith('blob:') || requestUrl.startsWith('data:')) {
      requested.push(requestUrl);
      return route.continue();
    }
    outsideRequests.push(requestUrl);
    return route.abort('blockedbyclient');
  });
  return { server, origin, browser, context, requested, outsideRequests };
}

/** Close the browser and the server, print the summary line and return the exit code. */
export async function closeSite({ server, browser }, what) {
  await browser.close();
  server.close();
  const failed = results.filter((result) => !result.ok);
  // CI keeps only the tail of a long log: repeat each failure's first line beside the summary.
  for (const { name, error } of failed) console.log(`FAIL ${name}: ${String(error?.message ?? error).split('\n')[0]}`);
  console.log(`\n${results.length - failed.length}/${results.length} ${what} passed; screenshots in ${screenshotDirectory}`);
  return failed.length ? 1 : 0;
}

/** Run a suite's ``main`` and exit with its code (1 on an uncaught error). */
export function runSuite(main) {
  main().then(
    (code) => process.exit(code),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
