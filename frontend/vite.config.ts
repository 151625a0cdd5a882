/// <reference types="vitest/config" />
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

const require = createRequire(import.meta.url);
const wasmBytes = (name: string) => statSync(require.resolve(`@duckdb/duckdb-wasm/dist/${name}`)).size;

/**
 * Files the build stores pre-compressed next to themselves (name.br, name.gz). The rule is by
 * extension only, so the CloudFront Function (deploy/spa_rewrite.js, PRECOMPRESSED_EXTENSIONS) knows
 * which objects have variants without listing the bucket. Parquet is compressed inside already.
 */
export const PRECOMPRESSED_EXTENSIONS = ['wasm', 'duckdb', 'js', 'css', 'json', 'svg'];

function precompress(): Plugin {
  let outDir = 'dist';
  return {
    name: 'hyperion-precompress',
    apply: 'build',
    configResolved(config) {
      outDir = config.build.outDir;
    },
    closeBundle() {
      const walk = (directory: string): string[] =>
        readdirSync(directory, { withFileTypes: true }).flatMap((entry) =>
          entry.isDirectory() ? walk(join(directory, entry.name)) : [join(directory, entry.name)],
        );
      for (const path of walk(outDir)) {
        const extension = path.slice(path.lastIndexOf('.') + 1);
        if (!PRECOMPRESSED_EXTENSIONS.includes(extension)) continue;
        const data = readFileSync(path);
        // Quality 9 with a large window: within a few per cent of quality 11 on DuckDB's wasm at a
        // fraction of the build time. gzip -9 stays for clients without brotli.
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(data, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 9, [constants.BROTLI_PARAM_LGWIN]: 24, [constants.BROTLI_PARAM_SIZE_HINT]: data.length },
          }),
        );
        writeFileSync(`${path}.gz`, gzipSync(data, { level: 9 }));
      }
    },
  };
}

/**
 * The list routes' first-paint file names, written into index.html's head as a JSON data block (never
 * executed, so the Content-Security-Policy is not involved). public/first-paint.js starts that download at
 * once instead of after site.json: on a warm visit the main thread that would read site.json is busy with
 * the app's first render then, and the request waited about 130 ms for it (docs/07-site.md). The build
 * reads public/data/site.json, which scripts/07_build_site.py writes before `vite build`; without it (a
 * build with no data) nothing is added and the script takes the site.json path.
 */
export function firstPaintFilesJson(site: { first_paint?: Record<string, { file?: unknown }> } | null): string | null {
  const entries = Object.entries(site?.first_paint ?? {}).filter((entry): entry is [string, { file: string }] => typeof entry[1]?.file === 'string');
  if (entries.length === 0) return null;
  // Escaped so that no file name can end the script element.
  return JSON.stringify(Object.fromEntries(entries.map(([route, entry]) => [route, entry.file]))).replace(/</g, '\\u003c');
}

/**
 * site.json as the build reads it: null when there is none (a build with no data), and an error naming the
 * file and the reason when it is there but unreadable or not JSON. Skipping a broken manifest silently
 * would build a site whose first paint quietly takes the slow path, and whose app then fails on the same file.
 */
export function readSiteManifest(path: string): { first_paint?: Record<string, { file?: unknown }> } | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new Error(`${path}: cannot be read (${(error as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message}); rebuild it with make web`);
  }
}

function firstPaintNames(): Plugin {
  let publicDir = 'public';
  return {
    name: 'hyperion-first-paint-names',
    apply: 'build',
    configResolved(config) {
      publicDir = config.publicDir;
    },
    transformIndexHtml(html) {
      const json = firstPaintFilesJson(readSiteManifest(join(publicDir, 'data', 'site.json')));
      if (!json) return html;
      // Right before the script that reads it.
      const script = '<script src="/first-paint.js"></script>';
      if (!html.includes(script)) throw new Error(`index.html has no ${script} to put the first-paint file names before`);
      return html.replace(script, `<script type="application/json" id="first-paint-files">${json}</script>\n    ${script}`);
    },
  };
}

// The site is fully static and offline: DuckDB's wasm and worker files are emitted as assets through
// `?url` imports (see src/db/engine.ts), and the data files come from public/data.
export default defineConfig({
  plugins: [react(), firstPaintNames(), precompress()],
  define: {
    __DUCKDB_WASM_BYTES__: JSON.stringify({ eh: wasmBytes('duckdb-eh.wasm'), mvp: wasmBytes('duckdb-mvp.wasm') }),
  },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
  test: {
    environment: 'node',
    include: ['tests/**/*.test.ts', 'tests/**/*.test.tsx'],
    testTimeout: 30000,
    // Opening DuckDB-WASM in Node (compiling the wasm) takes seconds on a loaded machine; not a performance check.
    hookTimeout: 120000,
  },
});
