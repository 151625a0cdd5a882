"""Pack the analytics exports into the site's data folder.

Purpose: DuckDB-WASM 1.29+ has no built-in Parquet reader (``read_parquet`` downloads an extension from
a third-party server at run time), so the site cannot read the Parquet exports offline. This step loads
every ``exports/*.parquet`` into one DuckDB database file, one table per file named after the file stem
(``films_complete.parquet`` -> table ``films_complete``), which the browser attaches read-only. The
Parquet files and ``manifest.json`` are copied next to it so they stay downloadable.

Inputs: ``--exports`` folder with ``manifest.json`` and the ``*.parquet`` files it lists.
Outputs: ``--output`` folder (default ``frontend/public/data``) holding ``hyperion.duckdb``, the Parquet
files and ``manifest.json``. Vite copies ``public/`` into ``dist/``, so the site serves them as
``/data/...``. Re-running replaces the outputs.

The database is written by the Python ``duckdb`` of the project virtualenv (1.3.2). Its default storage
format is readable by DuckDB-WASM 1.32.0 (DuckDB 1.4.3), which reads files written by older versions.

Run: ``.venv/bin/python scripts/07_build_site.py --exports exports --output frontend/public/data``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
import shutil
import sys
import time
from pathlib import Path

import duckdb

logger = logging.getLogger(__name__)

DATABASE_FILE_NAME = "hyperion.duckdb"


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


def build_site_data(exports_dir: Path, output_dir: Path) -> dict[str, int]:
    """Pack the exports into ``output_dir`` and copy the Parquet files and manifest beside the database."""
    parquet_files = manifest_parquet_files(exports_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    # A file dropped from the exports must not linger in the site (the e2e tests query every file).
    for stale in output_dir.glob("*.parquet"):
        if stale.name not in {path.name for path in parquet_files}:
            stale.unlink()
    counts = pack_database(parquet_files, output_dir / DATABASE_FILE_NAME)
    for path in [*parquet_files, exports_dir / "manifest.json"]:
        shutil.copyfile(path, output_dir / path.name)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--exports", type=Path, default=Path("exports"), help="folder with manifest.json")
    parser.add_argument(
        "--output", type=Path, default=Path("frontend/public/data"), help="site data folder to write"
    )
    arguments = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    started = time.perf_counter()
    try:
        counts = build_site_data(arguments.exports, arguments.output)
    except (FileNotFoundError, ValueError, duckdb.Error) as error:
        logger.error("%s", error)
        return 1
    database_bytes = (arguments.output / DATABASE_FILE_NAME).stat().st_size
    logger.info(
        "packed %d tables (%d rows, %d bytes) into %s in %.1f s",
        len(counts),
        sum(counts.values()),
        database_bytes,
        arguments.output / DATABASE_FILE_NAME,
        time.perf_counter() - started,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
