// The first paint's loading, without a browser: public/first-paint.js (run in a VM context) must ask
// for the very file the app would (firstPaintRoute + firstPaintFileName), and a missing, broken or
// odd first-paint file must leave the page to the engine's answers, never reject or throw.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { firstPaintRoute, SHARDS, shardOf } from '../src/db/firstPaintRoutes';
import { firstPaintFileName, type SiteManifest } from '../src/db/siteData';
import { firstPaintFilesJson, readSiteManifest } from '../vite.config';

const SCRIPT = readFileSync(join(__dirname, '..', 'public', 'first-paint.js'), 'utf8');

const shards = (entity: string) => Array.from({ length: SHARDS }, (_, index) => `first-paint-${entity}.${String(index).padStart(16, '0')}.json`);
const MANIFEST: SiteManifest = {
  format: 1,
  database: { file: 'hyperion.0000000000000000.duckdb', bytes: 1 },
  first_paint: Object.fromEntries(['overview', 'studios', 'films', 'characters', 'talent', 'analytics'].map((route) => [route, { file: `first-paint-${route}.json`, bytes: 1 }])),
  first_paint_entities: { film: { 'toy-story': 'first-paint-film.a.json', "o'brien": 'first-paint-film.b.json' }, studio: { wdas: 'first-paint-studio.c.json' } },
  first_paint_shards: { character: shards('character'), talent: shards('talent') },
};

const response = (body: string, status = 200) => new Response(body, { status, headers: { 'content-type': 'application/json' } });

/**
 * Run the script for `pathname`; return the data files it fetched after site.json (and its window).
 * `inlined` is the text of index.html's first-paint-files block (none when undefined); with
 * `siteJsonHangs`, site.json never answers.
 */
async function runEarly(
  pathname: string,
  { inlined, siteJsonHangs = false }: { inlined?: string; siteJsonHangs?: boolean } = {},
): Promise<{ fetched: string[]; early: { route: string | null; firstPaint: Promise<unknown> | null } | undefined }> {
  const fetched: string[] = [];
  const window: { __hyperionEarly?: { route: string | null; firstPaint: Promise<unknown> | null } } = {};
  const fetch = async (url: string) => {
    if (url === '/data/site.json') return siteJsonHangs ? new Promise<Response>(() => undefined) : response(JSON.stringify(MANIFEST));
    fetched.push(url.replace('/data/', ''));
    return response('{"queries":[]}');
  };
  const document = { getElementById: (id: string) => (id === 'first-paint-files' && inlined !== undefined ? { textContent: inlined } : null) };
  runInNewContext(SCRIPT, { window, document, location: { pathname }, fetch, TextEncoder, Math, Object, Array, JSON });
  await window.__hyperionEarly?.firstPaint;
  return { fetched, early: window.__hyperionEarly };
}

describe('public/first-paint.js', () => {
  it('fetches the same file as the app for every kind of route, and nothing for others', async () => {
    const paths = ['/', '/analytics', '/films', '/films/toy-story', '/films/o%27brien', '/studios/wdas', '/studios/nope', '/characters/simba', '/characters/simba/', "/talent/Ed%20O'Neill", '/talent/Zo%C3%AB'];
    for (const path of paths) {
      const { fetched, early } = await runEarly(path);
      const route = firstPaintRoute(path);
      expect(early?.route ?? null, path).toBe(route);
      const expected = route ? firstPaintFileName(MANIFEST, route) : null;
      expect(fetched, path).toEqual(expected ? [expected] : []);
    }
    expect((await runEarly('/characters/simba')).fetched).toEqual([shards('character')[shardOf('simba', SHARDS)]]);
    for (const path of ['/map', '/films/a/b', '/talent/%E0%A4%A', '/constructor/x', '/nowhere']) {
      const { fetched, early } = await runEarly(path);
      expect(fetched, path).toEqual([]);
      expect(early?.firstPaint ?? null, path).toBeNull();
    }
  });
});

describe("index.html's first-paint file names", () => {
  const inlined = firstPaintFilesJson(MANIFEST)!;

  it('reads site.json for the build: none is no names, a broken one fails the build naming the file', () => {
    const folder = mkdtempSync(join(tmpdir(), 'site-json-'));
    const path = join(folder, 'site.json');
    expect(readSiteManifest(path)).toBeNull();
    writeFileSync(path, JSON.stringify(MANIFEST));
    expect(readSiteManifest(path)).toEqual(MANIFEST);
    writeFileSync(path, JSON.stringify(MANIFEST).slice(0, 40));
    expect(() => readSiteManifest(path)).toThrow(`${path}: not valid JSON`);
    // A folder where the file should be: present, but not readable as a file.
    expect(() => readSiteManifest(folder)).toThrow(`${folder}: cannot be read`);
    rmSync(folder, { recursive: true });
  });

  it('lists every list route of site.json, escaped so that no name can close the script element', () => {
    expect(JSON.parse(inlined)).toEqual(Object.fromEntries(Object.entries(MANIFEST.first_paint).map(([route, entry]) => [route, entry.file])));
    const hostile = firstPaintFilesJson({ first_paint: { films: { file: '</script><script>alert(1)</script>' }, talent: { file: 7 } } })!;
    expect(hostile).not.toContain('<');
    expect(JSON.parse(hostile)).toEqual({ films: '</script><script>alert(1)</script>' });
    expect(firstPaintFilesJson(null)).toBeNull();
    expect(firstPaintFilesJson({ first_paint: {} })).toBeNull();
  });

  it("a list route's file is fetched without waiting for site.json; entity routes still use it", async () => {
    for (const path of ['/', '/films', '/analytics']) {
      const { fetched } = await runEarly(path, { inlined, siteJsonHangs: true });
      expect(fetched, path).toEqual([firstPaintFileName(MANIFEST, firstPaintRoute(path)!)]);
    }
    // The inlined name wins over site.json's (both come from one build; a stale one falls back in the app).
    const renamed = JSON.stringify({ overview: 'first-paint-overview.inlined.json' });
    expect((await runEarly('/', { inlined: renamed })).fetched).toEqual(['first-paint-overview.inlined.json']);
    expect((await runEarly('/films/toy-story', { inlined })).fetched).toEqual(['first-paint-film.a.json']);
  });

  it('a broken or missing block leaves the site.json path', async () => {
    for (const text of ['{"overview": ', 'null', '5', '{"overview": 7}', '{}']) {
      expect((await runEarly('/', { inlined: text })).fetched, text).toEqual(['first-paint-overview.json']);
    }
  });
});

describe('a bad first-paint file falls back to the engine', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  const SQL = 'select 1 as answer';
  const BODIES: [string, () => Response][] = [
    ['missing (404)', () => response('not found', 404)],
    ['not JSON', () => response('{"queries": [')],
    ['JSON null', () => response('null')],
    ['queries not a list', () => response('{"queries": 5}')],
    ['a query without rows', () => response(JSON.stringify({ queries: [{ sql: SQL }, null, 7] }))],
    ['rows not a list', () => response(JSON.stringify({ queries: [{ sql: SQL, rows: 'x' }] }))],
    ['fetch itself fails', () => { throw new TypeError('network down'); }],
  ];

  for (const [label, body] of BODIES) {
    it(`${label}: no rows from the file, no rejection`, async () => {
      vi.stubGlobal('fetch', async (url: string) => (url.endsWith('site.json') ? response(JSON.stringify(MANIFEST)) : body()));
      const siteData = await import('../src/db/siteData');
      await expect(siteData.loadFirstPaint('character/simba')).resolves.toBeUndefined();
      await expect(siteData.firstPaintRows(SQL)).resolves.toBeNull();
    });
  }

  it('a route site.json does not name, or a site.json that fails, gives no rows either', async () => {
    vi.stubGlobal('fetch', async () => response('gone', 500));
    const siteData = await import('../src/db/siteData');
    await expect(siteData.loadFirstPaint('studio/unknown')).resolves.toBeUndefined();
    await expect(siteData.firstPaintRows(SQL)).resolves.toBeNull();
  });

  it('a file requested right after the query asked (in-app navigation: the page effects run before the App effect) still answers it', async () => {
    vi.stubGlobal('fetch', async (url: string) => (url.endsWith('site.json') ? response(JSON.stringify(MANIFEST)) : response(JSON.stringify({ queries: [{ sql: SQL, rows: [{ answer: 2 }] }] }))));
    const siteData = await import('../src/db/siteData');
    const rows = siteData.firstPaintRows(SQL);
    void siteData.loadFirstPaint('talent/Zoë');
    await expect(rows).resolves.toEqual([{ answer: 2 }]);
  });

  it('a good file answers its SQL (the fallback tests are not vacuous)', async () => {
    vi.stubGlobal('fetch', async (url: string) => (url.endsWith('site.json') ? response(JSON.stringify(MANIFEST)) : response(JSON.stringify({ queries: [{ sql: SQL, rows: [{ answer: 1 }] }] }))));
    const siteData = await import('../src/db/siteData');
    await siteData.loadFirstPaint('character/simba');
    await expect(siteData.firstPaintRows(SQL)).resolves.toEqual([{ answer: 1 }]);
  });
});
