#!/usr/bin/env node
// End-to-end checks of the US box-office map in Debian's Chromium (playwright-core), beside run.mjs.
// Serves frontend/dist on a free port with everything outside the site's origin cut off, and checks:
// the map's data file stays out of a cold visit and is fetched when the map scrolls into view; the map
// draws the 50 states and DC; its numbers equal the boxoffice_weekly_by_state export (Python DuckDB over
// dist/data/*.parquet); the week slider (arrow keys, End) changes the colouring and the URL; the states
// are reachable by keyboard and announce their gross; the colours follow the theme; axe reports no
// serious or critical issue in either theme; /map shows all films. Screenshots: test-output/screenshots/.
// Prerequisites: `make web` (data in public/data, then the build); chromium at /usr/bin/chromium.
// Run: node e2e/map.mjs   (env: CHROMIUM_PATH, HYPERION_PYTHON, SCREENSHOT_DIR, E2E_ONLY; see harness.mjs)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { assert, check, closeSite, dataDirectory, openSite, pythonQueries, runAxe, runSuite, screenshotDirectory } from './harness.mjs';

const STATE_COUNT = 51;

/** Rows of one SQL statement, run by Python DuckDB over the site's Parquet files. */
const pythonRows = (sql) => pythonQueries([sql])[0];

const setTheme = (page, theme) =>
  page.evaluate((wanted) => {
    localStorage.setItem('hyperion-theme', wanted);
    document.documentElement.dataset.theme = wanted;
  }, theme);

/** Scroll the map card into view and wait until its states are drawn. */
async function showMap(page) {
  await page.waitForSelector('[data-map-section]', { timeout: 30000 });
  await page.locator('[data-map-section]').scrollIntoViewIfNeeded();
  await page.waitForFunction((count) => document.querySelectorAll('[data-map-state]').length === count, STATE_COUNT, { timeout: 30000 });
}

const fills = (page) => page.$$eval('[data-map-state]', (paths) => Object.fromEntries(paths.map((path) => [path.dataset.mapState, path.getAttribute('fill')])));
const tableCents = (page) =>
  page.$$eval('[data-map-table] td[data-state]', (cells) => Object.fromEntries(cells.map((cell) => [cell.dataset.state, cell.dataset.cents === '' ? null : Number(cell.dataset.cents)])));
const mapWeek = (page) => page.$eval('[data-map-week]', (element) => Number(element.dataset.mapWeek));

async function main() {
  const site = await openSite({ viewport: { width: 1440, height: 900 } });
  const { origin, context, requested, outsideRequests } = site;
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));

  const siteManifest = JSON.parse(readFileSync(join(dataDirectory, 'site.json'), 'utf8'));
  const mapFile = siteManifest.lazy?.boxoffice_map?.file;
  // The film with the most release weeks: its first and last weeks differ the most.
  const [film] = pythonRows('select film_id, max(week_number) as weeks from boxoffice_weekly_by_state group by film_id order by weeks desc, film_id limit 1');

  await check('site.json names the map file, and the packed database leaves the weekly state export out', async () => {
    assert(mapFile && /^boxoffice-map\.[0-9a-f]{16}\.json$/.test(mapFile), `site.json lazy entry: ${JSON.stringify(siteManifest.lazy)}`);
    assert(film && film.weeks >= 2, `no film with two weeks of state box office: ${JSON.stringify(film)}`);
  });

  await check('a cold visit to / does not fetch the map file; the film page fetches it only when the map scrolls into view', async () => {
    await page.goto(origin + '/');
    await page.waitForSelector('[data-engine-status="ready"]', { timeout: 60000 });
    assert(!requested.some((url) => url.includes('/data/boxoffice-map.')), 'the overview fetched the map file');
    await page.goto(origin + `/films/${film.film_id}`);
    await page.waitForSelector('[data-map-section]', { timeout: 30000 });
    await page.waitForTimeout(500);
    const beforeScroll = requested.filter((url) => url.includes('/data/boxoffice-map.')).length;
    assert(beforeScroll === 0 || (await page.locator('[data-map-section]').isVisible()), 'the map file was fetched before the map was near the viewport');
    await showMap(page);
    assert(requested.some((url) => url.endsWith(`/data/${mapFile}`)), `the map file ${mapFile} was not fetched`);
  });

  await check('the film map draws 51 states whose numbers equal the export, week by week', async () => {
    await page.goto(origin + `/films/${film.film_id}`);
    await showMap(page);
    assert((await mapWeek(page)) === 1, 'the map does not open on week 1');
    const expected = pythonRows(`select state, gross_cents from boxoffice_weekly_by_state where film_id = '${film.film_id}' and week_number = 1 order by state`);
    const shown = await tableCents(page);
    assert(expected.length > 0 && Object.keys(shown).length === STATE_COUNT, `table has ${Object.keys(shown).length} states`);
    for (const { state, gross_cents: cents } of expected) assert(shown[state] === cents, `${state} week 1: shown ${shown[state]}, export ${cents}`);
    const legend = await page.$$eval('.us-map-legend li', (items) => items.map((item) => item.textContent));
    assert(legend.length >= 3 && legend.every((text) => /\$\d/.test(text) || text === 'No gross'), `legend: ${legend.join(' | ')}`);
    assert(legend.every((text) => !/\d\.0[KMB]/.test(text)), `legend shows ".0": ${legend.join(' | ')}`);
  });

  await check('the week slider moves with the arrow keys and End, changing the colouring, the numbers and the URL', async () => {
    await page.goto(origin + `/films/${film.film_id}`);
    await showMap(page);
    const firstWeek = await fills(page);
    const slider = page.getByTestId('map-week-slider');
    await slider.focus();
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.querySelector('[data-map-week]')?.dataset.mapWeek === '2');
    assert(new URL(page.url()).searchParams.get('map_week') === '2', `URL after ArrowRight: ${page.url()}`);
    await page.keyboard.press('End');
    await page.waitForFunction((last) => document.querySelector('[data-map-week]')?.dataset.mapWeek === String(last), film.weeks);
    const lastWeek = await fills(page);
    const changed = Object.keys(firstWeek).filter((state) => firstWeek[state] !== lastWeek[state]);
    assert(changed.length > 0, 'the colouring did not change between the first and the last week');
    const expected = pythonRows(`select state, gross_cents from boxoffice_weekly_by_state where film_id = '${film.film_id}' and week_number = ${film.weeks}`);
    const shown = await tableCents(page);
    for (const { state, gross_cents: cents } of expected) assert(shown[state] === cents, `${state} week ${film.weeks}: shown ${shown[state]}, export ${cents}`);
    const label = await page.getByTestId('map-week-label').textContent();
    assert(label.includes(`Week ${film.weeks}`), `week label: ${label}`);
    // A deep link opens on its week.
    await page.goto(origin + `/films/${film.film_id}?map_week=2`);
    await showMap(page);
    assert((await mapWeek(page)) === 2, 'a link with map_week=2 did not open on week 2');
  });

  await check('the states are one tab stop after the slider; arrow keys move between them and announce the gross', async () => {
    await page.goto(origin + `/films/${film.film_id}`);
    await showMap(page);
    await page.getByTestId('map-week-slider').focus();
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement?.getAttribute('data-map-state'));
    assert(first === 'AL', `Tab after the slider focused ${first}, not Alabama`);
    let readout = await page.getByTestId('map-readout').textContent();
    assert(/^Alabama \(AL\): \$[\d,]+, [\d.]+% of the week$/.test(readout), `readout: ${readout}`);
    await page.keyboard.press('ArrowRight');
    const second = await page.evaluate(() => document.activeElement?.getAttribute('data-map-state'));
    assert(second === 'AK', `ArrowRight went to ${second}, not Alaska`);
    await page.keyboard.press('End');
    const last = await page.evaluate(() => document.activeElement?.getAttribute('data-map-state'));
    assert(last === 'WY', `End went to ${last}, not Wyoming`);
    readout = await page.getByTestId('map-readout').textContent();
    assert(readout.startsWith('Wyoming (WY): $'), `readout: ${readout}`);
    const tabStops = await page.$$eval('[data-map-state]', (paths) => paths.filter((path) => path.tabIndex === 0).length);
    assert(tabStops === 1, `${tabStops} states in the tab order, not 1`);
  });

  for (const [path, name] of [[`/films/${film.film_id}`, 'film'], ['/map', 'all-films']]) {
    await check(`${path}: themed colours, axe clean in light and dark, screenshots at 1440 and 390 px`, async () => {
      const byTheme = {};
      for (const [width, height, label] of [[1440, 900, 'desktop'], [390, 844, 'phone']]) {
        await page.setViewportSize({ width, height });
        for (const theme of ['light', 'dark']) {
          await page.goto(origin + path);
          await setTheme(page, theme);
          await showMap(page);
          await page.waitForFunction((wanted) => document.querySelector('[data-map-theme]')?.dataset.mapTheme === wanted, theme);
          byTheme[theme] = await fills(page);
          await page.getByText('Show data table').last().click();
          await runAxe(page, `${path} ${theme} ${label}`);
          await page.locator('[data-map-section]').screenshot({ path: join(screenshotDirectory, `map-${name}-${theme}-${label}.png`) });
        }
      }
      assert(byTheme.light.CA !== byTheme.dark.CA, `California has the same fill in both themes: ${byTheme.light.CA}`);
      await page.setViewportSize({ width: 1440, height: 900 });
    });
  }

  await check('/map sums every film by week of release, equal to the export', async () => {
    await page.goto(origin + '/map');
    await showMap(page);
    const title = await page.title();
    assert(/US box-office map/.test(title), `title: ${title}`);
    const expected = pythonRows('select state, sum(gross_cents)::bigint as gross_cents from boxoffice_weekly_by_state where week_number = 1 group by state');
    const shown = await tableCents(page);
    for (const { state, gross_cents: cents } of expected) assert(shown[state] === Number(cents), `${state} all films week 1: shown ${shown[state]}, export ${cents}`);
  });

  await check('no page error and no request outside the site', async () => {
    assert(pageErrors.length === 0, `page errors: ${pageErrors.join(' | ')}`);
    assert(outsideRequests.length === 0, `requests outside the site: ${outsideRequests.join(', ')}`);
  });

  return closeSite(site, 'map checks');
}

runSuite(main);
