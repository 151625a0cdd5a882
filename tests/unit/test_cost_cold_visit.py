"""The hosting cost model's cold visit carries at least what a first visit must download: DuckDB's wasm."""

from __future__ import annotations

import gzip

from hyperion.cloud import cost
from hyperion.config import REPOSITORY_ROOT

DUCKDB_DIST = REPOSITORY_ROOT / "frontend" / "node_modules" / "@duckdb" / "duckdb-wasm" / "dist"


def test_a_cold_visit_is_at_least_the_gzipped_wasm_and_worker():
    # The browser build the site picks on current browsers (exception handling): the smallest of the two.
    wasm = (DUCKDB_DIST / "duckdb-eh.wasm").read_bytes()
    worker = (DUCKDB_DIST / "duckdb-browser-eh.worker.js").read_bytes()
    # Uploaded gzip-compressed (hyperion.cloud.site), so this is what crosses the network.
    transferred = len(gzip.compress(wasm, compresslevel=9)) + len(gzip.compress(worker, compresslevel=9))
    assert transferred > 5_000_000, "the old 5 MB estimate would then have been enough"
    assert cost.TrafficAssumptions().megabytes_per_cold_visit * 1_000_000 > transferred
