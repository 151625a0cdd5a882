#!/usr/bin/env node
// Serve the built site (frontend/dist) the way S3 + CloudFront will: explicit content types
// (application/wasm matters: DuckDB start-up hangs on a wrong one), extension-less paths rewritten
// to /index.html for client-side routing, and a real 404 for a missing file with an extension.
// It sends the security headers of deploy/security_headers.json (the same file CloudFront's
// response headers policy is built from), so the site runs here under the CSP it gets in
// production, and it routes with the CloudFront Function itself (deploy/spa_rewrite.js).
// Like CloudFront with the function's Accept-Encoding choice, it sends the build's pre-compressed
// variant (name.br, then name.gz) when the browser accepts it, with Vary: Accept-Encoding; every
// response has an ETag and Last-Modified and a matching revalidation gets a 304. Content-hashed
// files (assets/, data/*.<16 hex>.*) are immutable for a year, the rest is no-cache. A path that is
// neither a file nor one of the site's routes gets the site's not-found page with status 404.
// Usage: node scripts/serve.mjs [--port 4173] [--root dist]
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.parquet': 'application/octet-stream',
  '.duckdb': 'application/octet-stream',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

const deployDirectory = fileURLToPath(new URL('../../deploy/', import.meta.url));
export const SECURITY_HEADERS = JSON.parse(readFileSync(join(deployDirectory, 'security_headers.json'), 'utf8'));
const spaRewrite = new Function(`${readFileSync(join(deployDirectory, 'spa_rewrite.js'), 'utf8')}\nreturn handler;`)();

/** The client-side routes of src/App.tsx; any other extension-less path is a 404. */
export const ROUTE_PATTERNS = [
  /^\/$/,
  /^\/(studios|films|characters|talent|analytics|map)\/?$/,
  /^\/(studios|films|characters|talent)\/[^/]+\/?$/,
];
export const isRoute = (pathname) => ROUTE_PATTERNS.some((pattern) => pattern.test(pathname));

/** Content-hashed names: Vite's assets/ and the build script's data/<name>.<16 hex>.<ext>. */
export const isContentHashed = (pathname) => pathname.startsWith('/assets/') || /^\/data\/[^/]+\.[0-9a-f]{16}\.[a-z]+$/.test(pathname);

/** Start a static server; resolves to { server, url } once it listens. */
export function startServer({ root, port = 4173, host = '127.0.0.1' }) {
  const rootDirectory = resolve(root);
  const server = createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    let filePath = normalize(join(rootDirectory, pathname));
    if (!filePath.startsWith(rootDirectory + sep) && filePath !== rootDirectory) {
      response.writeHead(403).end('forbidden');
      return;
    }
    let status = 200;
    // The CloudFront Function decides, as in production: index.html for a route, or the .br/.gz
    // variant the browser accepts.
    const routed = spaRewrite({ request: { uri: pathname, headers: { 'accept-encoding': { value: request.headers['accept-encoding'] ?? '' } } } }).uri;
    let encoding = null;
    if (routed === '/index.html' && pathname !== '/index.html') {
      filePath = join(rootDirectory, 'index.html');
      if (!isRoute(pathname)) status = 404;
    } else if (routed !== pathname) {
      encoding = routed.endsWith('.br') ? 'br' : 'gzip';
      filePath += routed.slice(pathname.length);
    }
    if (!existsSync(filePath) || !statSync(filePath).isFile()) {
      response.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const extension = extname(encoding ? filePath.replace(/\.(br|gz)$/, '') : filePath);
    const stats = statSync(filePath);
    const etag = `"${stats.size.toString(16)}-${Math.floor(stats.mtimeMs).toString(16)}${encoding ? `-${encoding}` : ''}"`;
    const lastModified = new Date(Math.floor(stats.mtimeMs / 1000) * 1000).toUTCString();
    const headers = {
      ...SECURITY_HEADERS,
      'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream',
      'cache-control': isContentHashed(pathname) ? 'public, max-age=31536000, immutable' : 'no-cache',
      etag,
      'last-modified': lastModified,
      vary: 'Accept-Encoding',
    };
    if (encoding) headers['content-encoding'] = encoding;
    const ifNoneMatch = request.headers['if-none-match'];
    const ifModifiedSince = request.headers['if-modified-since'];
    const notModified = ifNoneMatch
      ? ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
      : ifModifiedSince !== undefined && Date.parse(ifModifiedSince) >= Date.parse(lastModified);
    if (notModified && status === 200) {
      response.writeHead(304, headers).end();
      return;
    }
    response.writeHead(status, { ...headers, 'content-length': stats.size });
    if (request.method === 'HEAD') response.end();
    else createReadStream(filePath).pipe(response);
  });
  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address();
      resolvePromise({ server, url: `http://${host}:${address.port}` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const argumentsList = process.argv.slice(2);
  const option = (name, fallback) => {
    const index = argumentsList.indexOf(name);
    return index >= 0 ? argumentsList[index + 1] : fallback;
  };
  const here = fileURLToPath(new URL('..', import.meta.url));
  const root = resolve(here, option('--root', 'dist'));
  if (!existsSync(join(root, 'index.html'))) {
    console.error(`${root}/index.html not found: run "npm run build" (or make web) first`);
    process.exit(1);
  }
  const { url } = await startServer({ root, port: Number(option('--port', '4173')) });
  console.log(`Hyperion site: ${url}/`);
}
