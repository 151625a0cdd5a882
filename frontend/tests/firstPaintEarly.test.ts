// The first paint's loading, without a browser: public/first-paint.js (run in a VM context) must ask
// for the very file the app would (firstPaintRoute + firstPaintFileName), and a missing, broken or
// odd first-paint file must leave the page to the engine's answers, never reject or throw.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { firstPaintRoute, SHARDS, shardOf } from '../src/db/firstPaintRoutes';
import { firstPaintFileName, type SiteManifest } from '../src/db/siteData';

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

/** Run the script for `pathname`; return the data files it fetched after site.json (and its window). */
async function runEarly(pathname: string): Promise<{ fetched: string[]; early: { route: string | null; firstPaint: Promise<unknown> | null } | undefined }> {
  const fetched: string[] = [];
  const window: { __hyperionEarly?: { route: string | null; firstPaint: Promise<unknown> | null } } = {};
  const fetch = async (url: string) => {
    if (url === '/data/site.json') return response(JSON.stringify(MANIFEST));
    fetched.push(url.replace('/data/', ''));
    return response('{"queries":[]}');
  };
  runInNewContext(SCRIPT, { window, location: { pathname }, fetch, TextEncoder, Math, Object, Array });
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
