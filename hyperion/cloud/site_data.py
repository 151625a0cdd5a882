"""The site's data folder: the exports packed into one DuckDB file, the first-paint files, ``site.json``.

DuckDB-WASM 1.29+ has no built-in Parquet reader, so the browser attaches one DuckDB database file packed
here from ``exports/*.parquet`` (one table per file, named after its stem). Each list and overview page's
default queries are run once on it and written as small JSON files for the first paint; so are the entity
pages' default queries, once per id: one file per film or studio, listed by id in ``site.json``
(``first_paint_entities``), and for the thousands of characters and voice actors a fixed number of shard
files (``first_paint_shards``), the id's shard chosen by ``shard_of``, so that ``site.json``, which every
visit downloads, stays small. Every file but ``site.json`` gets a content-hashed name (the database's
hashes what it is packed from, see ``packed_database_name``); ``site.json`` names them and is written
last. Used by ``scripts/07_build_site.py``; see docs/07-site.md.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import inspect
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb

from hyperion.cloud.boxoffice_map import MAP_EXPORT, MAP_FILE_STEM, MAP_QUERY, map_file_body
from hyperion.config import REPOSITORY_ROOT

# The committed query files the build runs (unit tests keep them equal to frontend/src/db/*.ts).
QUERIES_DIRECTORY = REPOSITORY_ROOT / "frontend" / "src" / "db"
FIRST_PAINT_QUERIES = QUERIES_DIRECTORY / "first-paint-queries.json"
FIRST_PAINT_ENTITY_QUERIES = QUERIES_DIRECTORY / "first-paint-entity-queries.json"
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


def packed_database_name(parquet_files: list[Path]) -> str:
    """``hyperion.<hash>.duckdb``, the hash taken over what the file is packed from, not its bytes.

    DuckDB writes a few hundred different bytes into new files with text columns (also with one
    thread and with FSST compression off), so a name from the file's own bytes changed on every build:
    a visitor downloaded the database again after each rebuild, with the same data. The hash covers
    DuckDB's version, the packing code and each Parquet file's name and sha256, so any change to what
    the tables hold, or to how they are stored, still gives a new name.
    """
    digest = hashlib.sha256(f"duckdb {duckdb.__version__}\n{inspect.getsource(pack_database)}".encode())
    for path in parquet_files:
        digest.update(f"{path.name} {file_sha256(path)}\n".encode())
    return f"{DATABASE_STEM}.{digest.hexdigest()[:HASH_LENGTH]}.duckdb"


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


def sql_string_literal(value: str) -> str:
    """``value`` as a SQL string literal, quoted as the site's ``literal()`` does (``'`` doubled).

    DuckDB reads no backslash escapes in a standard literal, so doubling the quote is the whole job:
    any text, however hostile, stays one string value.
    """
    return "'" + value.replace("'", "''") + "'"


def substitute_placeholder(sql: str, placeholder: str, value: str) -> str:
    """Replace the whole-literal ``placeholder`` (quotes included) in ``sql`` by ``value`` quoted.

    Raises ValueError when the SQL lacks the placeholder: its rows would be the same for every entity.
    """
    if not (
        len(placeholder) > 2 and placeholder[0] == placeholder[-1] == "'" and "'" not in placeholder[1:-1]
    ):
        raise ValueError(f"placeholder {placeholder!r} is not a plain SQL string literal")
    if placeholder not in sql:
        raise ValueError(f"query lacks the placeholder {placeholder}: {sql.strip()[:80]}")
    return sql.replace(placeholder, sql_string_literal(value))


def shard_of(entity_id: str, shards: int) -> int:
    """The shard of an id: 32-bit FNV-1a of its UTF-8 bytes, modulo ``shards``.

    The site computes the same (``shardOf`` in frontend/src/db/firstPaintRoutes.ts and
    public/first-paint.js) to pick the file from the URL alone; FNV-1a is a few lines in both languages
    and spreads short ids evenly enough for this.
    """
    value = 0x811C9DC5
    for byte in entity_id.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value % shards


def _answers(connection: duckdb.DuckDBPyConnection, specs: list[dict[str, str]]) -> list[dict[str, object]]:
    answers = []
    for query in specs:
        cursor = connection.execute(query["sql"])
        columns = [column[0] for column in cursor.description]
        rows = [dict(zip(columns, (plain(value) for value in row), strict=True)) for row in cursor.fetchall()]
        answers.append({"id": query["id"], "sql": query["sql"], "rows": rows})
    return answers


def _body(route: str, answers: list[dict[str, object]]) -> bytes:
    return json.dumps({"route": route, "queries": answers}, separators=(",", ":")).encode("utf-8")


def first_paint_files(database_path: Path, queries: dict[str, list[dict[str, str]]]) -> dict[str, bytes]:
    """Run each route's default queries on the packed database; return route -> JSON body."""
    with duckdb.connect(str(database_path), read_only=True) as connection:
        return {route: _body(route, _answers(connection, specs)) for route, specs in sorted(queries.items())}


# Threads that run the entity pages' queries (about 5,300 of a few milliseconds each). DuckDB releases the
# GIL while it executes, so two cursors on the same read-only connection overlap one query's execution
# with another's row conversion: the character files took 3.4 s instead of 5.2 s on the 2-core VM.
ENTITY_QUERY_THREADS = 2


def _with_id(queries: list[dict[str, str]], placeholder: str, entity_id: str) -> list[dict[str, str]]:
    return [
        {"id": query["id"], "sql": substitute_placeholder(query["sql"], placeholder, entity_id)}
        for query in queries
    ]


def _answers_per_id(
    connection: duckdb.DuckDBPyConnection, ids: list[str], placeholder: str, queries: list[dict[str, str]]
) -> dict[str, list[dict[str, object]]]:
    """Each id's answers to ``queries`` (the id in place of ``placeholder``), in the order of ``ids``."""

    def answer(chunk: list[str]) -> list[list[dict[str, object]]]:
        cursor = connection.cursor()  # one cursor per thread: a DuckDB connection is not thread-safe
        try:
            return [_answers(cursor, _with_id(queries, placeholder, entity_id)) for entity_id in chunk]
        finally:
            cursor.close()

    chunks = [ids[start::ENTITY_QUERY_THREADS] for start in range(ENTITY_QUERY_THREADS)]
    with ThreadPoolExecutor(max_workers=ENTITY_QUERY_THREADS) as pool:
        results = list(pool.map(answer, chunks))
    answers: dict[str, list[dict[str, object]]] = {}
    for chunk, chunk_answers in zip(chunks, results, strict=True):
        answers.update(zip(chunk, chunk_answers, strict=True))
    # Back in the ids' order, so the files' bytes (and hashed names) do not depend on the threads.
    return {entity_id: answers[entity_id] for entity_id in ids}


def entity_first_paint_files(
    database_path: Path, entities: dict[str, dict[str, object]]
) -> dict[str, dict[str, bytes] | list[bytes]]:
    """Run each entity page's default queries for every id; return entity -> its JSON bodies.

    ``entities`` maps an entity (``film``) to ``ids_sql`` (its ids, from the database itself),
    ``placeholder`` and ``queries``; each id replaces the placeholder as a quoted SQL literal. ``shared``
    queries (no id) run once and go into every file of the entity. Without ``shards`` the bodies are
    id -> body; with ``shards: n`` they are n bodies, body k holding the answers of every id whose
    ``shard_of`` is k (the app looks rows up by their SQL, so one file can answer many pages).
    """
    files: dict[str, dict[str, bytes] | list[bytes]] = {}
    with duckdb.connect(str(database_path), read_only=True) as connection:
        for entity, facts in sorted(entities.items()):
            placeholder = str(facts["placeholder"])
            queries = list(facts["queries"])  # type: ignore[call-overload]
            shared = _answers(connection, list(facts.get("shared", [])))  # type: ignore[call-overload]
            ids = [str(row[0]) for row in connection.execute(str(facts["ids_sql"])).fetchall()]
            answers = _answers_per_id(connection, ids, placeholder, queries)
            shards = int(facts.get("shards", 0))  # type: ignore[call-overload]
            if shards > 0:
                grouped: list[list[dict[str, object]]] = [[] for _ in range(shards)]
                for entity_id in ids:
                    grouped[shard_of(entity_id, shards)].extend(answers[entity_id])
                files[entity] = [
                    _body(f"{entity}/shard-{index}", [*group, *shared]) for index, group in enumerate(grouped)
                ]
            else:
                files[entity] = {
                    key: _body(f"{entity}/{key}", [*rows, *shared]) for key, rows in answers.items()
                }
    return files


def build_site_data(
    exports_dir: Path, output_dir: Path, first_paint_queries: Path, entity_queries: Path | None = None
) -> dict[str, int]:
    """Pack the exports into ``output_dir``, write the first-paint files and ``site.json``, and copy the
    Parquet files and manifest beside them. ``entity_queries`` (entity -> ids_sql, placeholder,
    queries) adds one first-paint file per entity id, listed under ``first_paint_entities``."""
    parquet_files = manifest_parquet_files(exports_dir)
    queries = json.loads(first_paint_queries.read_text(encoding="utf-8"))
    entities = json.loads(entity_queries.read_text(encoding="utf-8")) if entity_queries else {}
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
    packed_files = [path for path in parquet_files if path not in lazy_files]
    counts = pack_database(packed_files, packed)
    database_name = packed_database_name(packed_files)
    first_paint: dict[str, dict[str, object]] = {}
    for route, body in first_paint_files(packed, queries).items():
        name = hashed_name(f"first-paint-{route}", body, "json")
        (output_dir / name).write_bytes(body)
        first_paint[route] = {"file": name, "bytes": len(body)}
    # Entity id -> file name only (no byte count): site.json is fetched on every visit, so each of the
    # ~200 film entries stays as short as it can be. The name hashes the content, not the id, so an id
    # never becomes part of a path. Sharded entities list their shard files only, in shard order.
    first_paint_entities: dict[str, dict[str, str]] = {}
    first_paint_shards: dict[str, list[str]] = {}
    for entity, bodies in entity_first_paint_files(packed, entities).items():
        if isinstance(bodies, list):
            stem = f"first-paint-{entity}"
            first_paint_shards[entity] = [_write_hashed(output_dir, stem, body) for body in bodies]
        else:
            first_paint_entities[entity] = {
                entity_id: _write_hashed(output_dir, f"first-paint-{entity}", body)
                for entity_id, body in bodies.items()
            }
    # Exports listed but fetched later, by their own name in site.json (only the map's today).
    lazy = {"boxoffice_map": _write_map_file(lazy_files[0], output_dir)} if lazy_files else {}
    database = {"file": database_name, "bytes": packed.stat().st_size}
    site = {
        "format": 1,
        "database": database,
        "first_paint": first_paint,
        "first_paint_entities": first_paint_entities,
        "first_paint_shards": first_paint_shards,
        "lazy": lazy,
    }
    packed.replace(output_dir / database_name)
    for path in [*parquet_files, exports_dir / "manifest.json"]:
        shutil.copyfile(path, output_dir / path.name)
    # Written last: the site only ever sees names whose files are already in place.
    (output_dir / SITE_MANIFEST_NAME).write_text(json.dumps(site, indent=1) + "\n", encoding="utf-8")
    return counts


def _write_hashed(output_dir: Path, stem: str, body: bytes) -> str:
    name = hashed_name(stem, body, "json")
    (output_dir / name).write_bytes(body)
    return name


def _write_map_file(export: Path, output_dir: Path) -> dict[str, object]:
    """Shape the weekly-by-state export into the map's hashed JSON file; return its site.json entry."""
    with duckdb.connect() as connection:
        connection.read_parquet(str(export.resolve())).create_view(MAP_EXPORT)
        cursor = connection.execute(MAP_QUERY)
        columns = [column[0] for column in cursor.description]
        body = map_file_body(dict(zip(columns, row, strict=True)) for row in cursor.fetchall())
    name = hashed_name(MAP_FILE_STEM, body, "json")
    (output_dir / name).write_bytes(body)
    return {"file": name, "bytes": len(body)}
