"""Pack the analytics exports into the site's data folder.

Purpose: DuckDB-WASM 1.29+ has no built-in Parquet reader (``read_parquet`` downloads an extension from
a third-party server at run time), so the site cannot read the Parquet exports offline. This step loads
every ``exports/*.parquet`` into one DuckDB database file, one table per file named after the file stem
(``films_complete.parquet`` -> table ``films_complete``), which the browser attaches read-only. The
Parquet files and ``manifest.json`` are copied next to it so they stay downloadable.

It also prepares each list and overview page's first paint: the SQL those pages run in their default
state (``frontend/src/db/first-paint-queries.json``, kept equal to the site's queries by a unit test) is
run here, once, on the packed database, and the rows are written as one small JSON file per route. The
site draws them at once and swaps in the engine's results when DuckDB-WASM is ready. The film page's
default queries (``first-paint-entity-queries.json``: a placeholder stands for the film id) run once
per film, one file per film.

Inputs: ``--exports`` folder with ``manifest.json`` and the ``*.parquet`` files it lists;
``--first-paint-queries`` (route -> [{id, sql}]); ``--first-paint-entity-queries``.
Outputs: ``--output`` folder (default ``frontend/public/data``) holding ``hyperion.<sha16>.duckdb``,
``first-paint-<route>.<sha16>.json``, ``first-paint-film.<sha16>.json`` (one per film),
``boxoffice-map.<sha16>.json`` (the US map's export, fetched only when a map is shown:
hyperion/cloud/boxoffice_map.py), ``site.json`` (names the hashed files;
revalidated, never cached for long), the Parquet files and ``manifest.json``. Hashed names change with
the content, so the server gives them an immutable cache. Vite copies ``public/`` into ``dist/``, so the
site serves them as ``/data/...``. Re-running replaces the outputs.

The database is written by the Python ``duckdb`` of the project virtualenv (1.3.2). Its default storage
format is readable by DuckDB-WASM 1.32.0 (DuckDB 1.4.3), which reads files written by older versions.

Run: ``.venv/bin/python scripts/07_build_site.py --exports exports --output frontend/public/data``
(the queries' defaults are ``frontend/src/db/first-paint-queries.json`` and ``...entity-queries.json``)
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path

import duckdb

from hyperion.cloud.site_data import SITE_MANIFEST_NAME, build_site_data
from hyperion.logs import configure_logging

logger = logging.getLogger("07_build_site")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exports", type=Path, default=Path("exports"), help="folder with manifest.json")
    parser.add_argument(
        "--output", type=Path, default=Path("frontend/public/data"), help="site data folder to write"
    )
    parser.add_argument(
        "--first-paint-queries",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "frontend" / "src" / "db" / "first-paint-queries.json",
        help="route -> [{id, sql}] of the pages' default queries",
    )
    parser.add_argument(
        "--first-paint-entity-queries",
        type=Path,
        default=Path(__file__).resolve().parents[1]
        / "frontend"
        / "src"
        / "db"
        / "first-paint-entity-queries.json",
        help="entity -> {ids_sql, placeholder, queries} of the entity pages' default queries",
    )
    arguments = parser.parse_args(argv)
    configure_logging()
    started = time.perf_counter()
    try:
        counts = build_site_data(
            arguments.exports,
            arguments.output,
            arguments.first_paint_queries,
            arguments.first_paint_entity_queries,
        )
    except (FileNotFoundError, ValueError, duckdb.Error) as error:
        logger.error("%s", error)
        return 1
    site = json.loads((arguments.output / SITE_MANIFEST_NAME).read_text(encoding="utf-8"))
    database_path = arguments.output / site["database"]["file"]
    logger.info(
        "packed %d tables (%d rows, %d bytes) into %s in %.1f s",
        len(counts),
        sum(counts.values()),
        site["database"]["bytes"],
        database_path,
        time.perf_counter() - started,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
