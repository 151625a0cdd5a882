"""Pack the analytics exports into the site's data folder, with the pages' first-paint files.

Purpose: DuckDB-WASM has no built-in Parquet reader offline, so every ``exports/*.parquet`` is loaded into
one DuckDB database file (one table per file stem) that the browser attaches read-only. The list and
overview pages' and /analytics' default queries (``frontend/src/db/first-paint-queries.json``) and the
entity pages', once per id (``first-paint-entity-queries.json``), run here; their rows become small JSON
files the site draws before DuckDB-WASM is ready (hyperion/cloud/site_data.py, docs/07-site.md).

Inputs: ``--exports`` (``manifest.json`` and the Parquet files it lists), the two query files.
Outputs: ``--output`` (default ``frontend/public/data``): ``hyperion.<sha16>.duckdb``,
``first-paint-<route>.<sha16>.json``, ``first-paint-{film,studio}.<sha16>.json`` (one per id),
``first-paint-{character,talent}.<sha16>.json`` (32 shards each),
``boxoffice-map.<sha16>.json``, the Parquet files, ``manifest.json`` and ``site.json`` (names the hashed
files; written last). Hashed names change with the content. Re-running replaces the outputs.

Run: ``.venv/bin/python scripts/07_build_site.py --exports exports --output frontend/public/data``
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

import duckdb

from hyperion.cloud import site_data
from hyperion.logs import configure_logging

logger = logging.getLogger("07_build_site")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exports", type=Path, default=Path("exports"), help="folder with manifest.json")
    parser.add_argument("--output", type=Path, default=Path("frontend/public/data"), help="folder to write")
    parser.add_argument("--first-paint-queries", type=Path, default=site_data.FIRST_PAINT_QUERIES)
    entity_queries = site_data.FIRST_PAINT_ENTITY_QUERIES
    parser.add_argument("--first-paint-entity-queries", type=Path, default=entity_queries)
    arguments = parser.parse_args(argv)
    configure_logging()
    started = time.perf_counter()
    queries = (arguments.first_paint_queries, arguments.first_paint_entity_queries)
    try:
        counts = site_data.build_site_data(arguments.exports, arguments.output, *queries)
    except (FileNotFoundError, ValueError, duckdb.Error) as error:
        logger.error("%s", error)
        return 1
    seconds = time.perf_counter() - started
    rows = sum(counts.values())
    logger.info("packed %d tables (%d rows) into %s in %.1f s", len(counts), rows, arguments.output, seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
