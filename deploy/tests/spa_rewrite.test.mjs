// The SPA rewrite CloudFront Function (deploy/spa_rewrite.js) under node, with viewer-request
// events shaped like CloudFront's. Run: node --test deploy/tests/
// The file is loaded the way CloudFront runs it: a plain script whose global `handler` is called.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const source = readFileSync(new URL('../spa_rewrite.js', import.meta.url), 'utf8');
const handler = new Function(`${source}\nreturn handler;`)();

function viewerRequest(uri, headers = {}) {
  return {
    version: '1.0',
    context: { eventType: 'viewer-request', distributionId: 'E2EXAMPLE', requestId: 'r-1' },
    viewer: { ip: '192.0.2.10' },
    request: { method: 'GET', uri, querystring: {}, headers, cookies: {} },
  };
}

const cases = [
  ['/', '/index.html'],
  ['/films', '/index.html'],
  ['/films/toy-story', '/index.html'],
  ['/films/mr.-peabody-sherman', '/index.html'],
  ['/characters/dr.-facilier', '/index.html'],
  ['/analytics/', '/index.html'],
  ['/index.html', '/index.html'],
  ['/assets/app.1234.js', '/assets/app.1234.js'],
  ['/assets/duckdb-eh-XyZ.wasm', '/assets/duckdb-eh-XyZ.wasm'],
  ['/assets/missing-file.wasm', '/assets/missing-file.wasm'],
  ['/assets/index-AbC.CSS', '/assets/index-AbC.CSS'],
  ['/data/manifest.json', '/data/manifest.json'],
  ['/data/hyperion.duckdb', '/data/hyperion.duckdb'],
  ['/data/films_complete.parquet', '/data/films_complete.parquet'],
  ['/favicon.svg', '/favicon.svg'],
];

for (const [uri, expected] of cases) {
  test(`${uri} -> ${expected}`, () => {
    const result = handler(viewerRequest(uri, { accept: { value: 'text/html' } }));
    assert.equal(result.uri, expected);
    // The function returns the request itself (not a response), keeping method and headers.
    assert.equal(result.method, 'GET');
    assert.deepEqual(result.headers, { accept: { value: 'text/html' } });
  });
}

const encodingCases = [
  ['/assets/duckdb-eh-XyZ.wasm', 'gzip, deflate, br, zstd', '/assets/duckdb-eh-XyZ.wasm.br'],
  ['/assets/duckdb-eh-XyZ.wasm', 'gzip, deflate', '/assets/duckdb-eh-XyZ.wasm.gz'],
  ['/assets/duckdb-eh-XyZ.wasm', 'br;q=0, gzip', '/assets/duckdb-eh-XyZ.wasm.gz'],
  ['/assets/duckdb-eh-XyZ.wasm', 'BR;q=0.5', '/assets/duckdb-eh-XyZ.wasm.br'],
  ['/assets/duckdb-eh-XyZ.wasm', 'identity', '/assets/duckdb-eh-XyZ.wasm'],
  ['/assets/duckdb-eh-XyZ.wasm', 'gzip;q=0', '/assets/duckdb-eh-XyZ.wasm'],
  ['/assets/duckdb-eh-XyZ.wasm', 'brotli', '/assets/duckdb-eh-XyZ.wasm'],
  ['/data/hyperion.0123456789abcdef.duckdb', 'br', '/data/hyperion.0123456789abcdef.duckdb.br'],
  ['/data/site.json', 'gzip', '/data/site.json.gz'],
  ['/assets/index-AbC.js', 'br, gzip', '/assets/index-AbC.js.br'],
  // Parquet is compressed inside; there is no variant to pick.
  ['/data/films_complete.parquet', 'br, gzip', '/data/films_complete.parquet'],
  // Routes still go to index.html, whatever the encoding.
  ['/films/toy-story', 'br, gzip', '/index.html'],
  ['/films/mr.-peabody-sherman', 'br', '/index.html'],
];

for (const [uri, acceptEncoding, expected] of encodingCases) {
  test(`${uri} with Accept-Encoding "${acceptEncoding}" -> ${expected}`, () => {
    const result = handler(viewerRequest(uri, { 'accept-encoding': { value: acceptEncoding } }));
    assert.equal(result.uri, expected);
  });
}

test('a request without Accept-Encoding gets the plain file', () => {
  assert.equal(handler(viewerRequest('/assets/duckdb-eh-XyZ.wasm')).uri, '/assets/duckdb-eh-XyZ.wasm');
});
