#!/usr/bin/env node
// End-to-end tests of the built site in Debian's Chromium (playwright-core, no browser download).
// Serves frontend/dist on a free port, blocks every request outside the site's origin, visits every
// route, compares the figures on screen with the same SQL run by Python DuckDB over the same export
// Parquet files (dist/data/*.parquet), exercises /analytics (query, bad SQL, forbidden statement,
// cancel, deep link), runs axe-core (fails on serious or critical violations) and saves a screenshot
// of each page to test-output/screenshots/.
// Prerequisites: `npm run build` with data in public/data (make web); chromium at /usr/bin/chromium.
// Run: node e2e/run.mjs   (env: CHROMIUM_PATH, HYPERION_PYTHON, SCREENSHOT_DIR, E2E_ONLY; see harness.mjs)
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SECURITY_HEADERS } from '../scripts/serve.mjs';
import { assert, check, closeSite, dataDirectory, distDirectory, openSite, pythonQueries, runAxe, runSuite, screenshotDirectory } from './harness.mjs';

function sameValue(browserValue, pythonValue) {
  if (typeof browserValue === 'number' && typeof pythonValue === 'number') {
    return Math.abs(browserValue - pythonValue) <= 1e-9 * Math.max(1, Math.abs(pythonValue));
  }
  return JSON.stringify(browserValue) === JSON.stringify(pythonValue);
}

async function waitForContent(page) {
  await page.waitForFunction(() => document.querySelector('main h1') !== null, null, { timeout: 30000 });
  await page.waitForFunction(
    () =>
      document.querySelectorAll('main .skeleton, main [data-rendering]').length === 0 &&
      !/Loading/.test(document.querySelector('[data-testid$="-count"]')?.textContent ?? ''),
    null,
    { timeout: 30000 },
  );
  // Let Recharts finish measuring its containers before a screenshot.
  await page.waitForTimeout(300);
}

async function pageErrors(page) {
  return page.$$eval('main [role="alert"], .engine-banner', (elements) => elements.map((element) => element.textContent));
}

/** Compare every chart's data table (columns marked with data-field) with Python DuckDB. */
async function compareCharts(page, label) {
  const charts = await page.$$eval('section[data-query-id][data-sql]', (sections) =>
    sections
      .filter((section) => section.querySelector('table[data-chart-table]'))
      .map((section) => ({
        id: section.dataset.queryId,
        sql: section.dataset.sql,
        rows: [...section.querySelectorAll('table[data-chart-table] tbody tr')].map((row) =>
          Object.fromEntries([...row.querySelectorAll('td[data-field]')].map((cell) => [cell.dataset.field, JSON.parse(cell.dataset.value)])),
        ),
      })),
  );
  assert(charts.length > 0, `${label}: no charts found`);
  const expected = pythonQueries(charts.map((chart) => chart.sql));
  let compared = 0;
  charts.forEach((chart, index) => {
    const pythonRows = expected[index];
    // The talent chart draws the first rows of its list query.
    const reference = chart.id === 'talent-list' ? pythonRows.slice(0, chart.rows.length) : pythonRows;
    assert(chart.rows.length === reference.length, `${label}/${chart.id}: ${chart.rows.length} rows on screen, Python DuckDB gives ${reference.length}`);
    chart.rows.forEach((row, rowIndex) => {
      for (const [field, value] of Object.entries(row)) {
        assert(sameValue(value, reference[rowIndex][field]), `${label}/${chart.id} row ${rowIndex} ${field}: screen ${JSON.stringify(value)} != Python ${JSON.stringify(reference[rowIndex][field])}`);
        compared += 1;
      }
    });
  });
  assert(compared > 0, `${label}: no values compared`);
  return compared;
}

async function main() {
  // The site must work with everything outside its own origin cut off (openSite aborts those requests).
  const site = await openSite({ viewport: { width: 1280, height: 900 } });
  const { origin, browser, context, outsideRequests } = site;
  // The site runs under the production Content-Security-Policy (serve.mjs sends it): record every
  // violation, in documents (securitypolicyviolation) and in workers (console errors).
  const cspViolations = [];
  await context.exposeBinding('reportCspViolation', (_source, violation) => cspViolations.push(violation));
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      window.reportCspViolation(`${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`),
    );
  });
  context.on('page', (opened) =>
    opened.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    }),
  );
  const page = await context.newPage();
  const consoleErrors = [];
  page.on('pageerror', (error) => consoleErrors.push(String(error)));

  await check('the site is served with the security headers of deploy/security_headers.json', async () => {
    const response = await page.goto(origin + '/films/mr.-peabody-sherman');
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      assert(response.headers()[name.toLowerCase()] === value, `${name}: got ${response.headers()[name.toLowerCase()]}`);
    }
    assert(/text\/html/.test(response.headers()['content-type']), 'a route with a dot was not rewritten to index.html');
  });

  const [topFilm] = pythonQueries(["select film_id, title from films_complete where release_type = 'theatrical' and domestic_gross_usd is not null order by worldwide_gross_usd desc nulls last, film_id limit 1"])[0];
  const [topCharacter] = pythonQueries(['select character_id, count(distinct film_id) as films from characters_complete group by character_id order by films desc, character_id limit 1'])[0];
  const [topActor] = pythonQueries(['select talent_name, film_count from talent_stats order by appearance_count desc, talent_name limit 1'])[0];
  const [topStudio] = pythonQueries(['select studio_id, studio_name, film_count from studio_stats order by film_count desc, studio_id limit 1'])[0];
  // The film with the largest cast: every row of its cast table must be on the page.
  const [bigCast] = pythonQueries(['select film_id, count(*) as cast_size from characters_complete group by film_id order by cast_size desc, film_id limit 1'])[0];

  const routes = [
    { name: 'overview', path: '/' },
    { name: 'studios', path: '/studios' },
    { name: 'films', path: '/films' },
    { name: 'film', path: `/films/${topFilm.film_id}` },
    { name: 'characters', path: '/characters' },
    { name: 'character', path: `/characters/${topCharacter.character_id}` },
    { name: 'talent', path: '/talent' },
    { name: 'talent-person', path: `/talent/${encodeURIComponent(topActor.talent_name)}` },
    { name: 'studio', path: `/studios/${topStudio.studio_id}` },
    { name: 'analytics', path: '/analytics' },
  ];

  const setTheme = (target, theme) =>
    target.evaluate((wanted) => {
      localStorage.setItem('hyperion-theme', wanted);
      document.documentElement.dataset.theme = wanted;
    }, theme);

  for (const route of routes) {
    await check(`route ${route.path}: no error state; axe clean in light and dark; screenshots at 1440 and 390 px`, async () => {
      for (const [width, height, label] of [[1440, 900, 'desktop'], [390, 844, 'phone']]) {
        await page.setViewportSize({ width, height });
        for (const theme of ['light', 'dark']) {
          await page.goto(origin + route.path);
          await setTheme(page, theme);
          await waitForContent(page);
          if (route.name === 'analytics') await page.waitForSelector('[data-testid="result-table"]', { timeout: 30000 });
          const errors = await pageErrors(page);
          assert(errors.length === 0, `error states shown: ${errors.join(' | ')}`);
          await page.waitForTimeout(200);
          // A 717-row list as cards is taller than Chromium's screenshot limit: the first screens then.
          const fullPage = await page.evaluate(() => document.documentElement.scrollHeight < 16000);
          await page.screenshot({ path: join(screenshotDirectory, `${route.name}-${theme}-${label}.png`), fullPage, timeout: 60000 });
          if (label === 'phone') {
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
            assert(overflow <= 1, `${theme}: page is ${overflow}px wider than a phone screen`);
            const headerHeight = await page.$eval('.site-header', (element) => element.getBoundingClientRect().height);
            assert(headerHeight <= 64, `the header wraps on a phone (${headerHeight}px high)`);
          } else {
            await runAxe(page, `${route.path} (${theme})`);
          }
        }
      }
      await setTheme(page, 'light');
      await page.setViewportSize({ width: 1280, height: 900 });
    });
  }

  await check('global search (Ctrl+K) finds a film, a character, a voice actor and a studio, and opens them', async () => {
    await page.goto(origin + '/');
    await waitForContent(page);
    for (const [text, kind, path] of [
      [topFilm.title.slice(0, 6), 'film', `/films/${topFilm.film_id}`],
      [topActor.talent_name, 'voice actor', `/talent/${encodeURIComponent(topActor.talent_name)}`],
      [topStudio.studio_name, 'studio', `/studios/${topStudio.studio_id}`],
    ]) {
      await page.keyboard.press('Control+K');
      await page.waitForSelector('dialog.search-dialog[open]');
      await page.fill('#global-search-input', text);
      await page.waitForFunction(([wantedKind, wantedPath]) => [...document.querySelectorAll('[data-testid="search-results"] li')].some((item) => item.dataset.kind === wantedKind && item.dataset.path === wantedPath), [kind, path], { timeout: 30000 });
      const items = await page.$$eval('[data-testid="search-results"] li', (elements) => elements.map((element) => element.dataset.path));
      // Keyboard only: arrow down to the hit, Enter opens it.
      for (let index = 0; index < items.indexOf(path); index += 1) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await page.waitForFunction((wanted) => location.pathname === wanted, path);
      await waitForContent(page);
    }
    await page.keyboard.press('Control+K');
    await page.fill('#global-search-input', 'buzz');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="search-results"] li')].some((item) => item.dataset.kind === 'character'), null, { timeout: 30000 });
    await page.keyboard.press('Escape');
    assert(!(await page.$('dialog.search-dialog[open]')), 'Escape did not close the search');
  });

  await check('character page links its voice actors; the talent page lists every role (Python DuckDB)', async () => {
    await page.goto(`${origin}/characters/${topCharacter.character_id}`);
    await waitForContent(page);
    const link = await page.$('[data-testid="appearance-table"] a[href^="/talent/"]');
    assert(link, 'no voice actor link on the character page');
    const name = decodeURIComponent((await link.getAttribute('href')).slice('/talent/'.length));
    await link.click();
    await page.waitForFunction((wanted) => decodeURIComponent(location.pathname) === `/talent/${wanted}`, name);
    await waitForContent(page);
    const sql = await page.$eval('section[data-query-id="talent-roles"]', (section) => section.dataset.sql);
    const expected = pythonQueries([sql])[0];
    const rows = await page.$$eval('[data-testid="roles-table"] tbody tr', (elements) => elements.length);
    assert(rows === expected.length && rows > 0, `roles ${rows} != Python ${expected.length}`);
    assert((await page.$eval('main h1', (element) => element.textContent)) === name, 'talent page heading');
    const heading = await page.$eval('#roles-title', (element) => element.textContent);
    assert(heading === `${expected.length} ${expected.length === 1 ? 'role' : 'roles'}`, `pluralisation: ${heading}`);
  });

  await check('studio page: figures and every film (Python DuckDB); a chart bar opens it', async () => {
    await page.goto(`${origin}/studios/${topStudio.studio_id}`);
    await waitForContent(page);
    assert(Number(await page.$eval('[data-figure="films"]', (element) => element.dataset.value)) === topStudio.film_count, 'film count');
    const rows = await page.$$eval('[data-testid="studio-film-table"] tbody tr', (elements) => elements.length);
    assert(rows === topStudio.film_count, `studio films ${rows} != ${topStudio.film_count}`);
    await page.goto(origin + '/studios');
    await waitForContent(page);
    await page.click('section[data-query-id="studio-stats"] .recharts-bar-rectangle path, section[data-query-id="studio-stats"] .recharts-rectangle');
    await page.waitForFunction(() => /^\/studios\/[^/]+$/.test(location.pathname), null, { timeout: 10000 });
  });

  await check('overview: clicking a top-grossing bar opens the film', async () => {
    await page.goto(origin + '/');
    await waitForContent(page);
    await page.click('section[data-query-id="top-grossing-films"] .recharts-rectangle');
    await page.waitForFunction(() => /^\/films\/[^/]+$/.test(location.pathname), null, { timeout: 10000 });
  });

  await check('charts by keyboard: the data table under a chart opens the same page as its bar', async () => {
    await page.goto(origin + '/');
    await waitForContent(page);
    const summary = 'section[data-query-id="top-grossing-films"] details.chart-data summary';
    await page.focus(summary);
    await page.keyboard.press('Enter');
    await page.waitForSelector('section[data-query-id="top-grossing-films"] details.chart-data[open] a');
    await page.keyboard.press('Tab');
    const href = await page.evaluate(() => document.activeElement?.getAttribute('href'));
    const sql = await page.$eval('section[data-query-id="top-grossing-films"]', (section) => section.dataset.sql);
    const [first] = pythonQueries([sql])[0];
    assert(href === `/films/${first.film_id}`, `the first link after the summary is ${href}, expected /films/${first.film_id}`);
    await page.keyboard.press('Enter');
    await page.waitForFunction((wanted) => location.pathname === wanted, href, { timeout: 10000 });
  });

  await check('human labels: no studio id or machine role value in any table cell', async () => {
    const studioIds = pythonQueries(['select studio_id from studio_stats'])[0].map((row) => row.studio_id);
    const machineValues = pythonQueries(["select distinct role as value from characters_complete where role like '%-%' union select distinct release_type from films_complete where release_type like '%-%'"])[0].map((row) => row.value);
    const tokens = [...studioIds, ...machineValues];
    for (const path of ['/films', '/characters', '/talent', `/films/${topFilm.film_id}`, `/characters/${topCharacter.character_id}`, `/talent/${encodeURIComponent(topActor.talent_name)}`, `/studios/${topStudio.studio_id}`]) {
      await page.goto(origin + path);
      await waitForContent(page);
      const texts = await page.$$eval('main td, main dd', (cells) => cells.map((cell) => cell.textContent));
      const raw = texts.filter((text) => tokens.some((token) => new RegExp(`(^|[\\s,(])${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}($|[\\s,)])`).test(text)));
      assert(raw.length === 0, `${path}: machine labels shown: ${raw.slice(0, 5).join(' | ')}`);
    }
  });

  await check('tables show as cards on a phone: every list and entity table', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [path, testId] of [
      ['/films', 'film-table'], ['/characters', 'character-table'], ['/talent', 'talent-table'],
      [`/films/${topFilm.film_id}`, 'cast-table'], [`/characters/${topCharacter.character_id}`, 'appearance-table'],
      [`/talent/${encodeURIComponent(topActor.talent_name)}`, 'roles-table'], [`/studios/${topStudio.studio_id}`, 'studio-film-table'],
    ]) {
      await page.goto(origin + path);
      await waitForContent(page);
      const card = await page.$eval(`[data-testid="${testId}"] tbody tr`, (row) => ({ display: getComputedStyle(row).display, label: getComputedStyle(row.querySelector('td'), '::before').content }));
      assert(card.display === 'block' && card.label !== 'none' && card.label !== '""', `${path}: ${testId} rows are not cards on a phone: ${JSON.stringify(card)}`);
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  await check('lists: newest films first, every list sortable, numbers right-aligned, species searchable, figures explained', async () => {
    await page.goto(origin + '/films');
    await waitForContent(page);
    const [newest] = pythonQueries(['select title from films_complete order by release_date desc nulls last, film_id limit 1'])[0];
    const firstTitle = await page.$eval('[data-testid="film-table"] tbody tr td:first-child', (cell) => cell.textContent);
    assert(firstTitle === newest.title, `/films opens with ${firstTitle}, newest is ${newest.title}`);
    const align = await page.$eval('[data-testid="film-table"] tbody tr td.number', (cell) => getComputedStyle(cell).textAlign);
    assert(align === 'right', `numbers are ${align}-aligned`);
    const filmRows = await page.$$eval('[data-testid="film-table"] tbody tr', (rows) => rows.length);
    const [{ films }] = pythonQueries(['select count(*) as films from films_complete'])[0];
    assert(filmRows === films, `${filmRows} film rows in the page, ${films} films`);
    await page.goto(origin + '/characters');
    await waitForContent(page);
    const [{ most }] = pythonQueries(['select max(films) as most from (select count(distinct film_id) as films from characters_complete group by character_id)'])[0];
    await page.click('[data-testid="character-table"] th:nth-child(2) button');
    await page.waitForFunction(() => document.querySelector('[data-testid="character-table"] th:nth-child(2)').getAttribute('aria-sort') !== 'none');
    if ((await page.$eval('[data-testid="character-table"] th:nth-child(2)', (cell) => cell.getAttribute('aria-sort'))) !== 'descending') await page.click('[data-testid="character-table"] th:nth-child(2) button');
    const topFilms = Number(await page.$eval('[data-testid="character-table"] tbody tr td:nth-child(2)', (cell) => cell.textContent));
    assert(topFilms === most, `sorted by films, the first row has ${topFilms}, the most is ${most}`);
    const [species] = pythonQueries(["select species from characters_complete where species is not null group by species order by count(distinct character_id) desc, species limit 1"])[0];
    await page.fill('#character-species', species.species);
    await page.waitForFunction((wanted) => new URL(location.href).searchParams.get('species') === wanted, species.species);
    await page.goto(origin + '/talent');
    await waitForContent(page);
    assert((await page.$$eval('[data-testid="talent-table"] th button', (buttons) => buttons.length)) >= 5, 'talent list is not sortable');
    await page.goto(origin + '/');
    await waitForContent(page);
    const [coverage] = pythonQueries(['select count(worldwide_gross_usd) as covered, count(*) as films from films_complete'])[0];
    const note = await page.$eval('[data-testid="gross-coverage"]', (element) => element.textContent.replace(/\s+/g, ' '));
    assert(note.includes(`${coverage.covered} of ${coverage.films} films`), `the worldwide total does not say what it covers: ${note}`);
  });

  await check('every cast row is on the page (no inner scroller), with a sticky header', async () => {
    await page.goto(`${origin}/films/${bigCast.film_id}`);
    await waitForContent(page);
    const rows = await page.$$eval('[data-testid="cast-table"] tbody tr', (elements) => elements.length);
    assert(rows === bigCast.cast_size, `cast rows ${rows} != ${bigCast.cast_size}`);
    const clipped = await page.$eval('[data-testid="cast-table"]', (table) => {
      for (let element = table.parentElement; element; element = element.parentElement) {
        const style = getComputedStyle(element);
        if (['auto', 'scroll'].includes(style.overflowY) && element.scrollHeight > element.clientHeight + 1) return true;
      }
      return false;
    });
    assert(!clipped, 'the cast table sits in an inner vertical scroller');
    const position = await page.$eval('[data-testid="cast-table"] thead th', (element) => getComputedStyle(element).position);
    assert(position === 'sticky', `header position ${position}`);
  });

  async function compareHeadline(page) {
    const sql = await page.$eval('section[data-query-id="headline"]', (section) => section.dataset.sql);
    const figures = await page.$$eval('[data-figure]', (elements) => elements.map((element) => ({ key: element.dataset.figure, value: Number(element.dataset.value), text: element.querySelector('dd').textContent })));
    const [expected] = pythonQueries([sql])[0];
    assert(figures.length === 5, `expected 5 headline figures, got ${figures.length}`);
    for (const figure of figures) {
      assert(sameValue(figure.value, expected[figure.key]), `${figure.key}: screen ${figure.value} != Python ${expected[figure.key]}`);
      if (!figure.key.endsWith('_usd')) {
        assert(figure.text === new Intl.NumberFormat('en-US').format(expected[figure.key]), `${figure.key}: shown as ${figure.text}`);
      }
    }
  }
  const waitForSource = (target, source) =>
    target.waitForFunction((wanted) => [...document.querySelectorAll('[data-source]')].every((element) => element.dataset.source === wanted) && document.querySelectorAll('[data-source]').length >= 4, source, { timeout: 30000 });

  await check('overview headline figures (DuckDB) equal Python DuckDB', async () => {
    await page.goto(origin + '/');
    await waitForContent(page);
    await waitForSource(page, 'duckdb');
    await compareHeadline(page);
  });

  await check('first paint from the build-time files, before DuckDB is ready, on /, every list page, /analytics and every kind of entity page', async () => {
    const early = await context.newPage();
    let releaseWasm;
    const wasmHeld = new Promise((resolvePromise) => (releaseWasm = resolvePromise));
    // Hold DuckDB's wasm back so the pages must paint from the first-paint files alone.
    const holdWasm = (target) =>
      target.route('**/*.wasm', async (route) => {
        await wasmHeld;
        await route.continue();
      });
    await holdWasm(early);
    // A broken shard file (truncated JSON) must leave the character page to the engine, without an error.
    const broken = await context.newPage();
    await holdWasm(broken);
    await broken.route('**/data/first-paint-character.*.json', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: '{"queries": [' }));
    const brokenShard = broken.waitForResponse((response) => /\/data\/first-paint-character\.[0-9a-f]{16}\.json$/.test(response.url()), { timeout: 30000 });
    await broken.goto(`${origin}/characters/${topCharacter.character_id}`);
    await brokenShard;
    await early.goto(origin + '/');
    await waitForSource(early, 'first-paint');
    assert((await early.$eval('[data-engine-status]', (element) => element.dataset.engineStatus)) === 'starting', 'DuckDB was ready before the first paint');
    await compareHeadline(early);
    const compared = await compareCharts(early, '/ (first paint)');
    assert(compared >= 10, `only ${compared} values compared`);
    for (const [path, countId, querySelector] of [
      ['/films', 'film-count', 'section[data-query-id="film-list"]'],
      ['/characters', 'character-count', 'section[data-query-id="character-list"]'],
    ]) {
      await early.goto(origin + path);
      await early.waitForFunction((id) => Number(document.querySelector(`[data-testid="${id}"]`)?.dataset.value) > 0, countId, { timeout: 30000 });
      const sql = await early.$eval(querySelector, (section) => section.dataset.sql);
      const shown = Number(await early.$eval(`[data-testid="${countId}"]`, (element) => element.dataset.value));
      assert(shown === pythonQueries([sql])[0].length, `${path}: first paint shows ${shown} rows`);
      assert((await early.$eval('[data-engine-status]', (element) => element.dataset.engineStatus)) === 'starting', `${path}: DuckDB was ready`);
    }
    for (const path of ['/studios', '/talent']) {
      await early.goto(origin + path);
      await early.waitForFunction(() => document.querySelector('section[data-source="first-paint"]') !== null, null, { timeout: 30000 });
    }
    // A film page draws its figures, cast and charts from its own build-time file (first-paint-film.*).
    const filmSections = ['film-detail', 'film-cast', 'film-daily-gross', 'film-state-gross'];
    // Wait for the page's own state: every default section answered from the file, no skeleton left.
    const filmDrawnFrom = (source) =>
      early.waitForFunction(
        ([ids, wanted]) =>
          ids.every((id) => document.querySelector(`section[data-query-id="${id}"]`)?.dataset.source === wanted) &&
          document.querySelectorAll('main section[data-query-id] .skeleton, main [data-rendering]').length === 0,
        [filmSections, source],
        { timeout: 30000 },
      );
    await early.goto(`${origin}/films/${topFilm.film_id}`);
    await filmDrawnFrom('first-paint');
    assert((await early.$eval('[data-engine-status]', (element) => element.dataset.engineStatus)) === 'starting', 'film page: DuckDB was ready before the first paint');
    const progressText = await early.$eval('[data-testid="startup-progress-text"]', (element) => element.textContent);
    assert(/of [0-9.]+ MB/.test(progressText), `no byte progress shown: ${progressText}`);
    const detailSql = await early.$eval('section[data-query-id="film-detail"]', (section) => section.dataset.sql);
    const [film] = pythonQueries([detailSql])[0];
    assert(film && film.film_id === topFilm.film_id, `film page: the detail SQL does not name ${topFilm.film_id}`);
    assert((await early.$eval('main h1', (element) => element.textContent)) === film.title, 'film page: first-paint title differs from Python');
    for (const key of ['domestic_gross_usd', 'worldwide_gross_usd']) {
      const value = Number(await early.$eval(`[data-figure="${key}"]`, (element) => element.dataset.value));
      assert(sameValue(value, film[key]), `film page first paint ${key}: screen ${value} != Python ${film[key]}`);
    }
    const castSql = await early.$eval('section[data-query-id="film-cast"]', (section) => section.dataset.sql);
    const castShown = await early.$$eval('[data-testid="cast-table"] tbody tr td[data-label="Character"]', (cells) => cells.map((cell) => cell.textContent));
    const castExpected = pythonQueries([castSql])[0].map((row) => row.name);
    assert(JSON.stringify(castShown) === JSON.stringify(castExpected), `film page first-paint cast ${JSON.stringify(castShown)} != Python ${JSON.stringify(castExpected)}`);
    const filmCompared = await compareCharts(early, `/films/${topFilm.film_id} (first paint)`);
    assert(filmCompared >= 20, `film page: only ${filmCompared} values compared`);
    // URL state the file does not hold (the weekly curve) waits for the engine: never the daily rows.
    await early.goto(`${origin}/films/${topFilm.film_id}?curve=weekly`);
    await early.waitForFunction(
      () => document.querySelector('section[data-query-id="film-state-gross"]')?.dataset.source === 'first-paint' && document.querySelector('section[data-query-id="film-weekly-gross"]') !== null,
      null,
      { timeout: 30000 },
    );
    assert((await early.$$('section[data-query-id="film-daily-gross"]')).length === 0, '?curve=weekly shows the daily curve');
    const weeklyRows = await early.$$eval('table[data-chart-table="film-weekly-gross"] tbody tr', (rows) => rows.length);
    assert(weeklyRows === 0, `?curve=weekly shows ${weeklyRows} rows before DuckDB answered`);
    assert((await early.$$('section[data-query-id="film-weekly-gross"] .skeleton')).length === 1, '?curve=weekly: no skeleton while the engine starts');
    const stillStarting = async (label) => assert((await early.$eval('[data-engine-status]', (element) => element.dataset.engineStatus)) === 'starting', `${label}: DuckDB was ready`);
    // The other entity pages and /analytics: every default section from the file, values equal Python DuckDB.
    const drawnFrom = (ids, source) =>
      early.waitForFunction(
        ([wanted, from]) => wanted.every((id) => document.querySelector(`section[data-query-id="${id}"]`)?.dataset.source === from),
        [ids, source],
        { timeout: 30000 },
      );
    await early.goto(`${origin}/studios/${topStudio.studio_id}`);
    await drawnFrom(['studio-stats', 'studio-output-by-decade', 'studio-films'], 'first-paint');
    await stillStarting('studio page');
    const [studioStats] = pythonQueries([await early.$eval('section[data-query-id="studio-stats"]', (section) => section.dataset.sql)])[0];
    assert(studioStats.studio_id === topStudio.studio_id && (await early.$eval('main h1', (element) => element.textContent)) === studioStats.studio, 'studio page: first-paint name differs from Python');
    for (const key of ['films', 'franchises', 'characters']) {
      const value = Number(await early.$eval(`[data-figure="${key}"]`, (element) => element.dataset.value));
      assert(value === studioStats[key], `studio page first paint ${key}: screen ${value} != Python ${studioStats[key]}`);
    }
    const studioFilms = pythonQueries([await early.$eval('section[data-query-id="studio-films"]', (section) => section.dataset.sql)])[0];
    const studioTitles = await early.$$eval('[data-testid="studio-film-table"] tbody td[data-label="Title"]', (cells) => cells.map((cell) => cell.textContent));
    assert(JSON.stringify(studioTitles) === JSON.stringify(studioFilms.map((row) => row.title)), `studio page first-paint films ${studioTitles.length} != Python ${studioFilms.length}`);
    assert((await compareCharts(early, `/studios/${topStudio.studio_id} (first paint)`)) >= 4, 'studio page: too few chart values compared');

    await early.goto(`${origin}/characters/${topCharacter.character_id}`);
    await drawnFrom(['character-appearances'], 'first-paint');
    await stillStarting('character page');
    const appearances = pythonQueries([await early.$eval('section[data-query-id="character-appearances"]', (section) => section.dataset.sql)])[0];
    const appearanceTitles = await early.$$eval('[data-testid="appearance-table"] tbody td[data-label="Film"]', (cells) => cells.map((cell) => cell.textContent));
    assert(appearances.length === topCharacter.films && JSON.stringify(appearanceTitles) === JSON.stringify(appearances.map((row) => row.film_title)), `character page first paint ${JSON.stringify(appearanceTitles)} != Python`);
    assert((await early.$eval('main h1', (element) => element.textContent)) === appearances.at(-1).name, 'character page: first-paint name differs from Python');

    await early.goto(`${origin}/talent/${encodeURIComponent(topActor.talent_name)}`);
    await drawnFrom(['talent-detail', 'talent-roles'], 'first-paint');
    await stillStarting('voice actor page');
    const [person] = pythonQueries([await early.$eval('section[data-query-id="talent-detail"]', (section) => section.dataset.sql)])[0];
    assert(person.talent_name === topActor.talent_name && person.films === topActor.film_count, `voice actor page: the detail SQL does not name ${topActor.talent_name}`);
    for (const key of ['appearances', 'characters', 'films']) {
      const value = Number(await early.$eval(`[data-figure="${key}"]`, (element) => element.dataset.value));
      assert(value === person[key], `voice actor page first paint ${key}: screen ${value} != Python ${person[key]}`);
    }
    const roles = pythonQueries([await early.$eval('section[data-query-id="talent-roles"]', (section) => section.dataset.sql)])[0];
    const roleRows = await early.$$eval('[data-testid="roles-table"] tbody tr', (rows) => rows.length);
    assert(roleRows === roles.length, `voice actor page first paint: ${roleRows} roles, Python ${roles.length}`);

    await early.goto(`${origin}/analytics`);
    await early.waitForFunction(() => {
      const status = document.querySelector('[data-testid="query-status"]');
      return status?.dataset.status === 'done' && status.dataset.source === 'first-paint' && document.querySelector('[data-testid="schema-browser"]')?.dataset.source === 'first-paint';
    }, null, { timeout: 30000 });
    await stillStarting('/analytics');
    const analyticsSql = await early.$eval('[data-testid="query-status"]', (element) => element.dataset.sql);
    const analyticsCells = await early.$$eval('[data-testid="result-table"] tbody tr', (rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent)));
    const analyticsExpected = pythonQueries([analyticsSql])[0].map((row) => Object.values(row).map(String));
    assert(analyticsCells.length > 0 && JSON.stringify(analyticsCells) === JSON.stringify(analyticsExpected), `/analytics first paint ${JSON.stringify(analyticsCells)} != Python ${JSON.stringify(analyticsExpected)}`);
    const schemaShown = await early.$$eval('[data-testid="schema-browser"] > li', (items) => items.map((item) => [item.querySelector('summary').firstChild.textContent.trim(), item.querySelectorAll('details > ul > li').length]));
    const schemaExpected = Object.fromEntries(pythonQueries(['select table_name, count(*) as columns from information_schema.columns group by table_name'])[0].map((row) => [row.table_name, row.columns]));
    assert(schemaShown.some(([table]) => table === 'films_complete'), `/analytics first-paint schema lists ${JSON.stringify(schemaShown)}`);
    for (const [table, columns] of schemaShown) assert(schemaExpected[table] === columns, `/analytics first-paint schema: ${table} has ${columns} columns, Python ${schemaExpected[table]}`);
    // While the engine starts, the broken shard left its page on the skeleton, without an error.
    assert((await broken.$$('main .skeleton')).length > 0 && (await pageErrors(broken)).length === 0, 'broken first-paint file: no skeleton, or an error shown');

    // The engine's answers then replace the file's in the same elements: no remount, no flash.
    await early.goto(`${origin}/films/${topFilm.film_id}`);
    await filmDrawnFrom('first-paint');
    await early.$eval('main h1', (element) => (element.dataset.keep = 'first-paint'));
    await early.$eval('table[data-chart-table="film-state-gross"]', (element) => (element.dataset.keep = 'first-paint'));
    releaseWasm();
    await early.waitForSelector('[data-engine-status="ready"]', { timeout: 60000 });
    await filmDrawnFrom('duckdb');
    assert((await early.$$('main h1[data-keep], table[data-chart-table="film-state-gross"][data-keep]')).length === 2, 'film page remounted when DuckDB answered');
    assert((await compareCharts(early, `/films/${topFilm.film_id} (DuckDB)`)) >= 20, 'film page: too few values compared after the switch');
    // The page with the broken first-paint file gets its rows from DuckDB, still without an error.
    await broken.waitForFunction(() => document.querySelector('section[data-query-id="character-appearances"]')?.dataset.source === 'duckdb', null, { timeout: 60000 });
    const brokenRows = await broken.$$eval('[data-testid="appearance-table"] tbody tr', (rows) => rows.length);
    assert(brokenRows === topCharacter.films && (await pageErrors(broken)).length === 0, `broken first-paint file: ${brokenRows} rows after DuckDB, errors ${await pageErrors(broken)}`);
    await broken.close();
    await early.close();
  });

  for (const route of routes.filter((candidate) => ['overview', 'studios', 'film', 'talent'].includes(candidate.name))) {
    await check(`charts on ${route.path} equal Python DuckDB`, async () => {
      await page.goto(origin + route.path);
      await waitForContent(page);
      if (route.name === 'overview') await waitForSource(page, 'duckdb');
      const compared = await compareCharts(page, route.path);
      assert(compared >= 10, `only ${compared} values compared`);
    });
  }

  await check('film page weekly curve (URL state) equals Python DuckDB', async () => {
    await page.goto(`${origin}/films/${topFilm.film_id}?curve=weekly`);
    await waitForContent(page);
    assert((await page.$$('section[data-query-id="film-weekly-gross"]')).length === 1, 'weekly chart not shown for ?curve=weekly');
    await compareCharts(page, 'weekly');
    const figure = await page.$eval('[data-figure="domestic_gross_usd"]', (element) => Number(element.dataset.value));
    const [expected] = pythonQueries([`select domestic_gross_usd from films_complete where film_id = '${topFilm.film_id}'`])[0];
    assert(figure === expected.domestic_gross_usd, `domestic gross ${figure} != ${expected.domestic_gross_usd}`);
  });

  await check('films deep link restores filters and sort; list equals Python DuckDB; Back works', async () => {
    await page.goto(`${origin}/films?studio=pixar&sort=worldwide_gross_usd&dir=desc`);
    await waitForContent(page);
    assert((await page.$eval('#film-studio', (element) => element.value)) === 'pixar', 'studio select not restored');
    const sql = await page.$eval('section[data-query-id="film-list"]', (section) => section.dataset.sql);
    const expected = pythonQueries([sql])[0];
    const shownCount = Number(await page.$eval('[data-testid="film-count"]', (element) => element.dataset.value));
    assert(shownCount === expected.length && expected.length > 0, `count ${shownCount} != Python ${expected.length}`);
    const firstTitles = await page.$$eval('[data-testid="film-table"] tbody tr[aria-rowindex] td:first-child', (cells) => cells.slice(0, 5).map((cell) => cell.textContent));
    assert(JSON.stringify(firstTitles) === JSON.stringify(expected.slice(0, 5).map((row) => row.title)), `first titles ${firstTitles} != ${expected.slice(0, 5).map((row) => row.title)}`);
    await page.selectOption('#film-decade', { index: 1 });
    await page.waitForFunction(() => new URL(location.href).searchParams.has('decade'));
    await page.goBack();
    await page.waitForFunction(() => !new URL(location.href).searchParams.has('decade') && new URL(location.href).searchParams.get('studio') === 'pixar');
    assert((await page.$eval('#film-studio', (element) => element.value)) === 'pixar', 'Back did not restore the studio filter');
  });

  await check('characters filter count equals Python DuckDB', async () => {
    await page.goto(`${origin}/characters?gender=female&role=protagonist`);
    await waitForContent(page);
    const sql = await page.$eval('section[data-query-id="character-list"]', (section) => section.dataset.sql);
    const expected = pythonQueries([sql])[0];
    const shownCount = Number(await page.$eval('[data-testid="character-count"]', (element) => element.dataset.value));
    assert(shownCount === expected.length && expected.length > 0, `count ${shownCount} != Python ${expected.length}`);
  });

  await check('characters filtered in memory after DuckDB is ready equal Python DuckDB row for row; list links open their page in the app', async () => {
    await page.goto(`${origin}/characters`);
    await page.waitForSelector('[data-engine-status="ready"]', { timeout: 120000 });
    await page.selectOption('#character-role', 'protagonist');
    // The URL changes before React renders the new rows: wait for the page itself to show the filter
    // (its SQL names it) and for the count to equal the rows in the table.
    await page.waitForFunction(() => {
      const section = document.querySelector('section[data-query-id="character-list"]');
      const count = document.querySelector('[data-testid="character-count"]')?.dataset.value;
      const table = document.querySelector('[data-testid="character-table"]');
      return (
        new URL(location.href).searchParams.get('role') === 'protagonist' &&
        /'protagonist'/.test(section?.dataset.sql ?? '') &&
        Boolean(count) &&
        table !== null &&
        !table.hasAttribute('data-rendering') &&
        table.querySelectorAll('tbody tr').length === Number(count)
      );
    }, null, { timeout: 30000 });
    const sql = await page.$eval('section[data-query-id="character-list"]', (section) => section.dataset.sql);
    const expected = pythonQueries([sql])[0];
    const names = await page.$$eval('[data-testid="character-table"] tbody tr td:first-child', (cells) => cells.map((cell) => cell.textContent));
    assert(expected.length > 0 && JSON.stringify(names) === JSON.stringify(expected.map((row) => row.name)), `names ${names.slice(0, 5)} (${names.length}) != Python ${expected.slice(0, 5).map((row) => row.name)} (${expected.length})`);
    // Rows are plain <a href> links with one delegated handler: a click navigates without a reload.
    await page.evaluate(() => (window.__sameDocument = true));
    const link = page.locator('[data-testid="character-table"] tbody tr td:first-child a').first();
    const href = await link.getAttribute('href');
    await link.click();
    await page.waitForFunction((path) => location.pathname === path, href);
    await waitForContent(page);
    assert(await page.evaluate(() => window.__sameDocument === true), 'the row link reloaded the page');
  });

  await check('character page lists its films and voice actors (Python DuckDB)', async () => {
    await page.goto(`${origin}/characters/${topCharacter.character_id}`);
    await waitForContent(page);
    const films = Number(await page.$eval('[data-figure="films"]', (element) => element.dataset.value));
    assert(films === topCharacter.films, `films ${films} != Python ${topCharacter.films}`);
    const rows = await page.$$eval('[data-testid="appearance-table"] tbody tr', (elements) => elements.length);
    assert(rows === topCharacter.films, `appearance rows ${rows} != ${topCharacter.films}`);
  });

  const analyticsUrl = (sql) => `${origin}/analytics?sql=${encodeURIComponent(sql)}`;
  async function analyticsStatus() {
    await page.waitForFunction(() => !['running', 'idle'].includes(document.querySelector('[data-testid="query-status"]')?.dataset.status ?? 'idle'), null, { timeout: 30000 });
    return page.$eval('[data-testid="query-status"]', (element) => ({ status: element.dataset.status, text: element.textContent }));
  }

  await check('analytics deep link runs the query; result equals Python DuckDB', async () => {
    const sql = 'select studio_id, count(*) as films, sum(runtime_minutes) as minutes from films_complete group by studio_id order by films desc, studio_id';
    await page.goto(analyticsUrl(sql));
    const status = await analyticsStatus();
    assert(status.status === 'done', `status ${status.status}: ${status.text}`);
    const cells = await page.$$eval('[data-testid="result-table"] tbody tr', (rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent)));
    const expected = pythonQueries([sql])[0].map((row) => [String(row.studio_id), String(row.films), String(row.minutes)]);
    assert(JSON.stringify(cells) === JSON.stringify(expected), `result ${JSON.stringify(cells)} != Python ${JSON.stringify(expected)}`);
    const editorText = await page.$eval('.cm-content', (element) => element.textContent);
    assert(editorText.includes('group by studio_id'), 'editor does not show the deep-linked SQL');
  });

  await check('analytics: typed bad SQL shows the DuckDB error next to the editor', async () => {
    await page.goto(origin + '/analytics');
    await analyticsStatus();
    const runBefore = await page.$eval('[data-testid="query-status"]', (element) => element.dataset.run);
    await page.click('.cm-content');
    await page.keyboard.press('Control+A');
    await page.keyboard.type('select title from films_complete order');
    await page.keyboard.press('Control+Enter');
    await page.waitForFunction((before) => document.querySelector('[data-testid="query-status"]').dataset.run !== before, runBefore);
    const status = await analyticsStatus();
    assert(status.status === 'failed' && /Parser Error/i.test(status.text), `expected a DuckDB parser error, got ${status.status}: ${status.text}`);
    await page.goto(analyticsUrl('select no_such_column from films_complete'));
    const binder = await analyticsStatus();
    assert(binder.status === 'failed' && /no_such_column/.test(binder.text) && /Binder Error/.test(binder.text), `expected a binder error, got ${binder.status}: ${binder.text}`);
  });

  for (const [statement, pattern] of [
    ['drop table films_complete', /not allowed/i],
    ["select * from read_csv('/etc/passwd')", /read_csv\(\) reads files/i],
    ["attach 'other.duckdb'", /not allowed/i],
    ['select 1; delete from films_complete', /one statement/i],
  ]) {
    await check(`analytics rejects: ${statement}`, async () => {
      await page.goto(analyticsUrl(statement));
      const status = await analyticsStatus();
      assert(status.status === 'rejected' && pattern.test(status.text), `got ${status.status}: ${status.text}`);
    });
  }

  await check('analytics: row limit and cancel', async () => {
    await page.goto(analyticsUrl('select range as n from range(5000)'));
    const limited = await analyticsStatus();
    assert(/1000 rows \(limited to the first 1000\)/.test(limited.text), `row limit not applied: ${limited.text}`);
    await page.goto(analyticsUrl('select count(*) from range(100000000000) as a'));
    await page.waitForSelector('[data-testid="query-status"][data-status="running"]');
    await page.waitForTimeout(300);
    await page.click('[data-testid="cancel-query"]');
    const cancelled = await analyticsStatus();
    assert(cancelled.status === 'cancelled' && /cancelled/.test(cancelled.text) && !(await page.$('[data-testid="query-status"] [role="alert"]')), `cancel: ${cancelled.status}: ${cancelled.text}`);
    // Dates come out as dates, not epoch milliseconds.
    await page.goto(analyticsUrl("select date '2010-06-18' as released, timestamp '2010-06-18 10:11:12' as at"));
    assert((await analyticsStatus()).status === 'done', 'date query failed');
    const dateCells = await page.$$eval('[data-testid="result-table"] tbody td', (cells) => cells.map((cell) => cell.textContent));
    assert(JSON.stringify(dateCells) === JSON.stringify(['2010-06-18', '2010-06-18 10:11:12']), `dates shown as ${dateCells}`);
    // The engine is still usable after a cancel.
    await page.goto(analyticsUrl('select 41 + 1 as answer'));
    const after = await analyticsStatus();
    assert(after.status === 'done', `after cancel: ${after.status}: ${after.text}`);
  });

  await check('no Content-Security-Policy violation on any page', async () => {
    assert(cspViolations.length === 0, `CSP violations: ${[...new Set(cspViolations)].join(' | ')}`);
  });

  await check('offline: no request left the site origin, and no page error', async () => {
    assert(outsideRequests.length === 0, `requests outside the origin (blocked): ${outsideRequests.join(', ')}`);
    assert(consoleErrors.length === 0, `page errors: ${consoleErrors.join(' | ')}`);
  });

  await check('start-up failure shows a visible error state', async () => {
    const failing = await context.newPage();
        await failing.route('**/data/hyperion.*.duckdb', (route) => route.fulfill({ status: 404, body: 'missing' }));
    await failing.goto(origin + '/');
    await failing.waitForSelector('[data-engine-status="failed"]', { timeout: 30000 });
    const text = await failing.$eval('[data-engine-status="failed"]', (element) => element.textContent);
    assert(/did not start/.test(text) && /404/.test(text), `unexpected error text: ${text}`);
    await failing.close();
  });

  await check('serve: pre-compressed variants by Accept-Encoding, Vary, ETag and 304, immutable hashed data, 404 off-route', async () => {
    const site = JSON.parse(readFileSync(join(dataDirectory, 'site.json'), 'utf8'));
    const wasm = `/assets/${readdirSync(join(distDirectory, 'assets')).find((name) => name.startsWith('duckdb-eh') && name.endsWith('.wasm'))}`;
    const get = (path, headers = {}) => fetch(path.startsWith('http') ? path : origin + path, { headers });
    for (const [accept, encoding] of [['br, gzip', 'br'], ['gzip', 'gzip'], ['identity', null]]) {
      const response = await get(wasm, { 'accept-encoding': accept });
      await response.arrayBuffer();
      assert(response.headers.get('content-encoding') === encoding, `${accept}: content-encoding ${response.headers.get('content-encoding')}`);
      assert(response.headers.get('content-type') === 'application/wasm', `${accept}: ${response.headers.get('content-type')}`);
      assert(/Accept-Encoding/i.test(response.headers.get('vary') ?? ''), 'no Vary: Accept-Encoding');
    }
    const database = await get(`/data/${site.database.file}`, { 'accept-encoding': 'br' });
    await database.arrayBuffer();
    assert(/immutable/.test(database.headers.get('cache-control')), `database cache: ${database.headers.get('cache-control')}`);
    const manifest = await get('/data/site.json');
    await manifest.arrayBuffer();
    assert(manifest.headers.get('cache-control') === 'no-cache', `site.json cache: ${manifest.headers.get('cache-control')}`);
    const etag = manifest.headers.get('etag');
    assert(etag && manifest.headers.get('last-modified'), 'no ETag or Last-Modified');
    assert((await get('/data/site.json', { 'if-none-match': etag })).status === 304, 'no 304 for a matching ETag');
    assert((await get('/data/site.json', { 'if-modified-since': manifest.headers.get('last-modified') })).status === 304, 'no 304 for If-Modified-Since');
    assert((await get('/data/site.json', { 'if-none-match': '"other"' })).status === 200, 'a stale ETag got a 304');
    const missing = await get('/no-such-page');
    assert(missing.status === 404 && /text\/html/.test(missing.headers.get('content-type')), `unknown path: ${missing.status}`);
    assert((await get('/films/no/such/depth')).status === 404, 'a too-deep path is not a 404');
    assert((await get('/favicon.svg')).status === 200, 'no favicon');
    await page.goto(origin + '/no-such-page');
    await page.waitForSelector('main h1');
    assert((await page.$eval('main h1', (element) => element.textContent)) === 'Page not found', 'the 404 page does not say so');
  });

  await check('every route has its own <title>', async () => {
    const titles = new Map();
    for (const route of routes) {
      await page.goto(origin + route.path);
      await waitForContent(page);
      const title = await page.title();
      assert(/· Hyperion$/.test(title), `${route.path}: title "${title}"`);
      titles.set(title, route.path);
    }
    assert(titles.size === routes.length, `titles repeat: ${[...titles.keys()].join(' | ')}`);
  });

  /** Numbers of an axis' tick labels ("$500M", "1.5K", "25%", "1,200") as plain values. */
  const axisValues = (target, selector) =>
    target.$$eval(selector, (elements) =>
      elements.map((element) => {
        const text = element.textContent.replace(/[$,%\s]/g, '');
        const scale = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 }[text.slice(-1)] ?? 1;
        return Number(scale === 1 ? text : text.slice(0, -1)) * scale;
      }),
    );
  /** Ticks on round values: evenly spaced by 1, 2, 2.5 (quarters) or 5 times a power of ten, from a multiple of the step. */
  function assertRoundTicks(values, label) {
    assert(values.length >= 2 && values.every(Number.isFinite), `${label}: ticks ${values}`);
    const step = values[1] - values[0];
    const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toPrecision(6));
    assert([1, 2, 2.5, 5, 10].includes(mantissa), `${label}: odd tick step ${step} (${values.join(', ')})`);
    values.forEach((value, index) => assert(Math.abs(value - (values[0] + index * step)) <= step * 0.051 && Math.abs(value / step - Math.round(value / step)) < 0.051, `${label}: tick ${value} is not on a multiple of ${step} (${values.join(', ')})`));
  }

  // The engine is ready and every section shows its rows (not the first paint).
  const engineRows = (target) =>
    target.waitForFunction(() => document.querySelector('[data-engine-status="ready"]') && [...document.querySelectorAll('[data-source]')].every((element) => element.dataset.source === 'duckdb'), null, { timeout: 60000 });

  await check('stacked charts (one drawn series): every segment is a row of the data table; a segment opens its studio', async () => {
    // StackedBarChart draws one bar per year or decade and splits it itself: what it draws must still be
    // exactly the rows behind the chart, one segment per (year, studio) with the row's count.
    for (const [route, chartId] of [['/', 'films-per-year-by-studio'], ['/studios', 'studio-output-by-decade']]) {
      await page.goto(origin + route);
      await waitForContent(page);
      await engineRows(page);
      const section = `section[data-query-id="${chartId}"]`;
      const drawn = await page.$$eval(`${section} .recharts-bar-rectangle [data-series]`, (paths) => paths.map((path) => `${path.dataset.series}=${path.dataset.value}`).sort());
      const table = await page.$$eval(`${section} table[data-chart-table] tbody tr`, (rows) =>
        rows.map((row) => Object.fromEntries([...row.querySelectorAll('td[data-field]')].map((cell) => [cell.dataset.field, JSON.parse(cell.dataset.value)]))),
      );
      const expected = table.filter((row) => row.films > 0).map((row) => `${row.studio_id}=${row.films}`).sort();
      assert(drawn.length > 0 && JSON.stringify(drawn) === JSON.stringify(expected), `${route} ${chartId}: drawn segments ${drawn.length} differ from the table's ${expected.length} rows`);
      const legend = await page.$$eval(`${section} .stack-legend li`, (items) => items.length);
      assert(legend === new Set(table.map((row) => row.studio_id)).size, `${route} ${chartId}: legend lists ${legend} studios`);
    }
    // The tallest segment of the decade chart: a click on it opens that studio's page.
    const target = await page.$$eval('section[data-query-id="studio-output-by-decade"] .recharts-bar-rectangle [data-series]', (paths) => {
      const tallest = paths.map((path) => ({ series: path.dataset.series, height: path.getBoundingClientRect().height })).sort((a, b) => b.height - a.height)[0];
      return tallest.series;
    });
    await page.click(`section[data-query-id="studio-output-by-decade"] .recharts-bar-rectangle [data-series="${target}"] >> nth=0`);
    await page.waitForFunction((id) => location.pathname === `/studios/${id}`, target, { timeout: 10000 });
  });

  await check('charts read right: round ticks, no hairline bars, separate franchise and character axes, no empty year skipped, no colliding names', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(origin + '/');
    await waitForContent(page);
    await engineRows(page);
    const yearChart = 'section[data-query-id="films-per-year-by-studio"]';
    assertRoundTicks(await axisValues(page, `${yearChart} .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value`), 'films per year, count axis');
    const yearTicks = await axisValues(page, `${yearChart} .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value`);
    assert(yearTicks.every((year) => year % 10 === 0), `year ticks not on decades: ${yearTicks}`);
    // Every year between the first and the last film has its slot: bars sit at their year on a number axis.
    const [{ first, last }] = pythonQueries(['select min(release_year) as first, max(release_year) as last from films_complete'])[0];
    const domain = await page.$eval(`${yearChart} .recharts-xAxis`, (axis) => axis.getBoundingClientRect().width);
    const bars = await page.$$eval(`${yearChart} .recharts-bar-rectangle path`, (paths) => paths.map((path) => path.getBoundingClientRect().width));
    assert(bars.length > 0 && Math.min(...bars) >= (domain / (last - first + 3)) * 0.5, `year bars narrower than half a year's slot: ${Math.min(...bars)}px`);
    assertRoundTicks(await axisValues(page, 'section[data-query-id="top-grossing-films"] .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value'), 'top-grossing money axis');
    assertRoundTicks(await axisValues(page, 'section[data-query-id="cast-gender-by-decade"] .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value'), 'gender share axis');

    await page.goto(origin + '/studios');
    await waitForContent(page);
    await engineRows(page);
    const decadeBars = await page.$$eval('section[data-query-id="studio-output-by-decade"] .recharts-bar-rectangle path', (paths) => paths.map((path) => path.getBoundingClientRect().width));
    assert(decadeBars.length > 0 && Math.min(...decadeBars) >= 12, `per-decade bars are hairlines: ${Math.min(...decadeBars)}px wide`);
    const [{ decades }] = pythonQueries(['select (max(release_year) // 10 - min(release_year) // 10 + 1) as decades from films_complete'])[0];
    const decadeTicks = await page.$$eval('section[data-query-id="studio-output-by-decade"] .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value', (ticks) => ticks.map((tick) => tick.textContent));
    assert(decadeTicks.length === decades, `decade axis shows ${decadeTicks.length} decades, the films span ${decades}: ${decadeTicks}`);
    const studioCharts = await page.$$('section[data-query-id="studio-stats"]');
    const franchiseChart = studioCharts[studioCharts.length - 1];
    assert((await franchiseChart.$$('.recharts-xAxis')).length === 2, 'franchises and characters share one axis');
    for (const axis of await franchiseChart.$$('.recharts-xAxis-tick-labels')) assertRoundTicks(await axis.$$eval('.recharts-cartesian-axis-tick-value', (ticks) => ticks.map((tick) => Number(tick.textContent.replace(/,/g, '')))), 'franchise/character axis');
    assertRoundTicks(await axisValues(studioCharts[0], '.recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value'), 'studio domestic gross axis');

    await page.goto(origin + '/talent');
    await waitForContent(page);
    await engineRows(page);
    const nameBoxes = await page.$$eval('section[data-query-id="talent-list"] .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value', (ticks) => ticks.map((tick) => tick.getBoundingClientRect()).map((box) => ({ top: box.top, bottom: box.bottom })));
    const expectedNames = Math.min(15, pythonQueries(['select count(*) as n from talent_stats'])[0][0].n);
    assert(nameBoxes.length === expectedNames, `${nameBoxes.length} actor names drawn, expected ${expectedNames}`);
    nameBoxes.sort((a, b) => a.top - b.top).slice(1).forEach((box, index) => assert(box.top >= nameBoxes[index].bottom - 0.5, `actor names overlap: ${JSON.stringify([nameBoxes[index], box])}`));

    await page.goto(`${origin}/films/${topFilm.film_id}`);
    await waitForContent(page);
    for (const selector of ['section[data-query-id="film-daily-gross"] .recharts-yAxis-tick-labels', 'section[data-query-id="film-state-gross"] .recharts-xAxis-tick-labels']) {
      assertRoundTicks(await axisValues(page, `${selector} .recharts-cartesian-axis-tick-value`), selector);
    }
    const dayTick = await page.$eval('section[data-query-id="film-daily-gross"] .recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value', (tick) => tick.textContent);
    assert(/^[A-Z][a-z]{2} \d{1,2}, \d{4}$/.test(dayTick), `daily axis date shown as ${dayTick}`);
  });

  await check('every row of the character and talent lists is in the page (Python DuckDB)', async () => {
    for (const [path, testId, sql] of [
      ['/characters', 'character-table', 'select count(distinct character_id) as n from characters_complete'],
      ['/talent', 'talent-table', 'select count(*) as n from talent_stats'],
    ]) {
      await page.goto(origin + path);
      await waitForContent(page);
      const rows = await page.$$eval(`[data-testid="${testId}"] tbody tr`, (elements) => elements.length);
      const [{ n }] = pythonQueries([sql])[0];
      assert(rows === n, `${path}: ${rows} rows in the page, ${n} expected`);
    }
  });

  await check('analytics: quick chart axis not clipped, CSV with dates as dates', async () => {
    await page.setViewportSize({ width: 1440, height: 900 });
    await page.goto(analyticsUrl('select studio_id, sum(worldwide_gross_usd) as gross from films_complete where worldwide_gross_usd is not null group by studio_id order by gross desc'));
    assert((await analyticsStatus()).status === 'done', 'quick chart query failed');
    await page.click('[data-testid="quick-chart"]');
    await page.waitForSelector('.chart .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value');
    const clipped = await page.$eval('.chart', (chart) => {
      const box = chart.getBoundingClientRect();
      return [...chart.querySelectorAll('.recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value')].filter((tick) => tick.getBoundingClientRect().left < box.left - 0.5).map((tick) => tick.textContent);
    });
    assert(clipped.length === 0, `quick chart ticks clipped: ${clipped}`);
    assertRoundTicks(await axisValues(page, '.chart .recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value'), 'quick chart axis');
    await page.goto(analyticsUrl("select film_id, release_date from films_complete where release_date is not null order by release_date, film_id limit 3"));
    assert((await analyticsStatus()).status === 'done', 'date query failed');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="download-csv"]')]);
    const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
    const expected = pythonQueries(['select film_id, release_date from films_complete where release_date is not null order by release_date, film_id limit 3'])[0];
    assert(JSON.stringify(csv) === JSON.stringify(['film_id,release_date', ...expected.map((row) => `${row.film_id},${row.release_date}`)]), `CSV: ${csv.join(' / ')}`);
  });

  await check('at 10 Mbit/s the site becomes ready without error, showing byte progress', async () => {
    const slowContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const slow = await slowContext.newPage();
    const errors = [];
    slow.on('pageerror', (error) => errors.push(String(error)));
    const cdp = await slowContext.newCDPSession(slow);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 40, downloadThroughput: (10 * 1000 * 1000) / 8, uploadThroughput: (5 * 1000 * 1000) / 8 });
    await slow.goto(origin + '/');
    await waitForSource(slow, 'first-paint').catch(() => undefined);
    const progress = [];
    const started = Date.now();
    while (Date.now() - started < 180000) {
      const status = await slow.$eval('[data-engine-status]', (element) => element.dataset.engineStatus);
      if (status !== 'starting') break;
      progress.push(await slow.$eval('progress.startup-progress', (element) => Number(element.dataset.loaded)).catch(() => null));
      await slow.waitForTimeout(500);
    }
    const status = await slow.$eval('[data-engine-status]', (element) => element.dataset.engineStatus);
    assert(status === 'ready', `engine ${status}: ${await slow.$eval('[data-engine-status]', (element) => element.textContent)}`);
    const moving = progress.filter((value) => value !== null);
    assert(new Set(moving).size >= 3, `the progress bar did not move: ${moving.join(',')}`);
    await waitForSource(slow, 'duckdb');
    const shown = await pageErrors(slow);
    assert(shown.length === 0 && errors.length === 0, `errors at 10 Mbit/s: ${[...shown, ...errors].join(' | ')}`);
    await slowContext.close();
  });

  return closeSite(site, 'checks');
}

runSuite(main);
