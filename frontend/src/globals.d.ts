/** Uncompressed sizes of DuckDB's two wasm builds, defined by vite.config.ts for the progress bar. */
declare const __DUCKDB_WASM_BYTES__: { eh: number; mvp: number };
