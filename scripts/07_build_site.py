"""Pack the analytics exports into the site's data folder.

Purpose: DuckDB-WASM 1.29+ has no built-in Parquet reader (``read_parquet`` downloads an extension from
a third-party server at run time), so the site cannot read the Parquet exports offline. This step loads
every ``exports/*.parquet`` into one DuckDB database file, one table per file named after the file stem
(``films_complete.parquet`` -> table ``films_complete``), which the browser attaches read-only. The
Parquet files and ``manifest.json`` are copied next to it so they stay downloadable.

It also prepares each list and overview page's first paint: the SQL those pages run in their default
state (``frontend/src/db/first-paint-queries.json``, kept equal to the site's queries by a unit test) is
run here, once, on the packed database, and the rows are written as one small JSON file per route. The
site draws them at once and swaps in the engine's results when DuckDB-WASM is ready.

Inputs: ``--exports`` folder with ``manifest.json`` and the ``*.parquet`` files it lists;
``--first-paint-queries`` (route -> [{id, sql}]).
Outputs: ``--output`` folder (default ``frontend/public/data``) holding ``hyperion.<sha16>.duckdb``,
``first-paint-<route>.<sha16>.json``, ``boxoffice-map.<sha16>.json`` (the US map's export, fetched only
when a map is shown: hyperion/cloud/boxoffice_map.py), ``site.json`` (names the hashed files;
revalidated, never cached for long), the Parquet files and ``manifest.json``. Hashed names change with
the content, so the server gives them an immutable cache. Vite copies ``public/`` into ``dist/``, so the
site serves them as ``/data/...``. Re-running replaces the outputs.

The database is written by the Python ``duckdb`` of the project virtualenv (1.3.2). Its default storage
format is readable by DuckDB-WASM 1.32.0 (DuckDB 1.4.3), which reads files written by older versions.

Run: ``.venv/bin/python scripts/07_build_site.py --exports exports --output frontend/public/data``
(``--first-paint-queries frontend/src/db/first-paint-queries.json`` is the default)
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import hashlib
import json
import logging
import shutil
import sys
import time
from pathlib import Path

import duckdb

from hyperion.cloud.boxoffice_map import MAP_EXPORT, MAP_FILE_STEM, MAP_QUERY, map_file_body

logger = logging.getLogger(__name__)

DATABASE_STEM = "hyperion"
SITE_MANIFEST_NAME = "site.json"
HASH_LENGTH = 16


def file_sha256(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def manifest_parquet_files(exports_dir: Path) -> list[Path]:
    """Return the Parquet files listed in ``exports_dir/manifest.json``, checking sha256 where given.

    The manifest may hold its entries under ``files`` as a mapping (name -> facts) or a list of objects
    with a ``name``/``file``/``path`` field; both shapes are accepted so the site does not break on a
    cosmetic change of the export writer.
    """
    manifest_path = exports_dir / "manifest.json"
    if not manifest_path.is_file():
        raise FileNotFoundError(f"{manifest_path} not found: run the export job (spark_jobs/04) first")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    entries = manifest.get("files", manifest)
    if isinstance(entries, dict):
        named = [(name, facts if isinstance(facts, dict) else {}) for name, facts in entries.items()]
    else:
        named = []
        for facts in entries:
            name = facts.get("name") or facts.get("file") or facts.get("path")
            named.append((str(name), facts))
    paths: list[Path] = []
    for name, facts in named:
        file_name = Path(str(facts.get("file") or name)).name
        path = exports_dir / (file_name if file_name.endswith(".parquet") else f"{file_name}.parquet")
        if not path.is_file():
            raise FileNotFoundError(f"{path} is listed in the manifest but missing")
        expected = facts.get("sha256")
        if expected and file_sha256(path) != expected:
            raise ValueError(f"{path}: sha256 differs from manifest.json")
        paths.append(path)
    if not paths:
        raise ValueError(f"{manifest_path} lists no Parquet files")
    return sorted(paths)


def pack_database(parquet_files: list[Path], database_path: Path) -> dict[str, int]:
    """Write one table per Parquet file into a new DuckDB file; return row counts by table name.

    The file is written under a temporary name and renamed, so a failed run never leaves a half file
    that the site would then try to attach.
    """
    temporary_path = database_path.with_name(database_path.name + ".tmp")
    temporary_path.unlink(missing_ok=True)
    counts: dict[str, int] = {}
    connection = duckdb.connect(str(temporary_path))
    try:
        for path in parquet_files:
            table_name = path.stem
            connection.execute(
                f'create table "{table_name}" as select * from read_parquet(?)', [str(path.resolve())]
            )
            counts[table_name] = connection.execute(f'select count(*) from "{table_name}"').fetchone()[0]
        connection.execute("checkpoint")
    finally:
        connection.close()
    temporary_path.replace(database_path)
    return counts


def plain(value: object) -> object:
    """A DuckDB value as the browser engine returns it (numbers, strings, lists; dates as ISO text)."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def hashed_name(stem: str, data: bytes, suffix: str) -> str:
    """``<stem>.<first 16 hex of sha256>.<suffix>``: a new content gets a new name."""
    return f"{stem}.{hashlib.sha256(data).hexdigest()[:HASH_LENGTH]}.{suffix}"


def first_paint_files(database_path: Path, queries: dict[str, list[dict[str, str]]]) -> dict[str, bytes]:
    """Run each route's default queries on the packed database; return route -> JSON body."""
    bodies: dict[str, bytes] = {}
    connection = duckdb.connect(str(database_path), read_only=True)
    try:
        for route, specs in sorted(queries.items()):
            answers = []
            for query in specs:
                cursor = connection.execute(query["sql"])
                columns = [column[0] for column in cursor.description]
                rows = [
                    dict(zip(columns, (plain(value) for value in row), strict=True))
                    for row in cursor.fetchall()
                ]
                answers.append({"id": query["id"], "sql": query["sql"], "rows": rows})
            bodies[route] = json.dumps({"route": route, "queries": answers}, separators=(",", ":")).encode(
                "utf-8"
            )
    finally:
        connection.close()
    return bodies


def build_site_data(exports_dir: Path, output_dir: Path, first_paint_queries: Path) -> dict[str, int]:
    """Pack the exports into ``output_dir``, write the first-paint files and ``site.json``, and copy the
    Parquet files and manifest beside them."""
    parquet_files = manifest_parquet_files(exports_dir)
    queries = json.loads(first_paint_queries.read_text(encoding="utf-8"))
    output_dir.mkdir(parents=True, exist_ok=True)
    # A file dropped from the exports must not linger in the site (the e2e tests query every file),
    # nor an old hashed file (only site.json's names are current).
    for stale in [
        *output_dir.glob("*.parquet"),
        *output_dir.glob("*.duckdb"),
        *output_dir.glob("first-paint-*.json"),
        *output_dir.glob(f"{MAP_FILE_STEM}.*.json"),
    ]:
        if stale.name not in {path.name for path in parquet_files}:
            stale.unlink()
    packed = output_dir / f"{DATABASE_STEM}.duckdb"
    # The map's export is fetched on demand (as a pre-shaped JSON), so every visit does not download it.
    lazy_files = [path for path in parquet_files if path.stem == MAP_EXPORT]
    counts = pack_database([path for path in parquet_files if path not in lazy_files], packed)
    database_name = hashed_name(DATABASE_STEM, packed.read_bytes(), "duckdb")
    first_paint: dict[str, dict[str, object]] = {}
    for route, body in first_paint_files(packed, queries).items():
        name = hashed_name(f"first-paint-{route}", body, "json")
        (output_dir / name).write_bytes(body)
        first_paint[route] = {"file": name, "bytes": len(body)}
    lazy: dict[str, dict[str, object]] = {}
    for path in lazy_files:
        with duckdb.connect() as connection:
            connection.read_parquet(str(path.resolve())).create_view(MAP_EXPORT)
            cursor = connection.execute(MAP_QUERY)
            columns = [column[0] for column in cursor.description]
            body = map_file_body(dict(zip(columns, row, strict=True)) for row in cursor.fetchall())
        name = hashed_name(MAP_FILE_STEM, body, "json")
        (output_dir / name).write_bytes(body)
        lazy["boxoffice_map"] = {"file": name, "bytes": len(body)}
    database = {"file": database_name, "bytes": packed.stat().st_size}
    site = {"format": 1, "database": database, "first_paint": first_paint, "lazy": lazy}
    packed.replace(output_dir / database_name)
    for path in [*parquet_files, exports_dir / "manifest.json"]:
        shutil.copyfile(path, output_dir / path.name)
    # Written last: the site only ever sees names whose files are already in place.
    (output_dir / SITE_MANIFEST_NAME).write_text(json.dumps(site, indent=1) + "\n", encoding="utf-8")
    return counts


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
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    started = time.perf_counter()
    try:
        counts = build_site_data(arguments.exports, arguments.output, arguments.first_paint_queries)
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
