"""Trino SQL: the tables' registration, generated; the ``queries/*.sql`` questions, read and run.

**Registration** is generated from the Spark schemas (:mod:`hyperion.transform.schemas`) and the table
versions found under the processed root (:mod:`hyperion.transform.publish` states the guarantee). For each
table, :func:`registration_sql` gives the statements that publish one version:

* ``create table if not exists hive.<schema>.<table>__v<version>`` over ``<root>/<table>/<version>/``
  (external, Parquet; ``box_office_daily`` partitioned, its partitions synced on that table);
* ``create or replace view hive.<schema>.<table> as select ... from ...__v<version>``: the switch, one
  metastore call, so readers of ``hive.<schema>.<table>`` see the old version or the new one, never none.

:func:`plan_registration` adds what the catalog's current state calls for (the one-time drop of a table
of the old in-place layout, the cleanup of superseded versions), and :func:`register_tables` runs a plan.
``registration_sql`` is pure, so another root (``s3://bucket/processed`` on EMR) or schema only needs
other arguments.

**Questions.** Every ``queries/*.sql`` file runs as is in the Trino CLI against the local runtime, reading
``hive.hyperion.<table>``. To run the same files in another schema (a test's own), :func:`adapt_sql`
rewrites the schema ``hive.hyperion`` (and ``schema_name => 'hyperion'``) to ``hive.<schema>``, and the
location prefix ``hdfs://localhost:8020/processed`` to ``processed_root`` where a file holds one.

A file is split into statements on semicolons after dropping ``--`` comment lines, so statements must
not hold a semicolon inside a string literal (none do).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from hyperion.config import REPOSITORY_ROOT
from hyperion.transform.publish import (
    CatalogState,
    VersionFolder,
    newest_complete,
    select_cleanup,
    versioned_table_name,
)
from hyperion.transform.schemas import PARTITION_COLUMNS, PROCESSED_TABLES, trino_type

logger = logging.getLogger(__name__)

QUERIES_DIRECTORY = REPOSITORY_ROOT / "queries"
DEFAULT_PROCESSED_ROOT = "hdfs://localhost:8020/processed"
DEFAULT_SCHEMA = "hyperion"
_SCHEMA_REFERENCE = re.compile(r"\bhive\.hyperion\b")
_SCHEMA_ARGUMENT = "schema_name => 'hyperion'"
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class QueryFile:
    """One ``.sql`` file: its name, the question and grain from its opening comment, its statements."""

    path: Path
    text: str

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def header(self) -> str:
        """The opening comment block, without the ``--`` markers."""
        lines = []
        for line in self.text.splitlines():
            if not line.startswith("--"):
                break
            lines.append(line[2:].removeprefix(" "))
        return "\n".join(lines).strip()

    def statements(self) -> list[str]:
        return split_statements(self.text)


@dataclass
class QueryResult:
    """What one statement returned."""

    statement: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    seconds: float = 0.0


def question_files(directory: Path = QUERIES_DIRECTORY) -> list[Path]:
    """The question files (every ``*.sql``), sorted by name."""
    return sorted(directory.glob("*.sql"))


def split_statements(text: str) -> list[str]:
    """The statements of a SQL text: ``--`` comment lines dropped, split on ``;``, blanks skipped."""
    kept = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    return [statement.strip() for statement in kept.split(";") if statement.strip()]


def adapt_sql(text: str, processed_root: str = DEFAULT_PROCESSED_ROOT, schema: str = DEFAULT_SCHEMA) -> str:
    """Point a query file at ``processed_root`` and ``schema`` (see the module docstring)."""
    if not _SCHEMA_NAME.match(schema):
        raise ValueError(f"schema name {schema!r} must match {_SCHEMA_NAME.pattern}")
    adapted = text.replace(DEFAULT_PROCESSED_ROOT, processed_root.rstrip("/"))
    adapted = adapted.replace(_SCHEMA_ARGUMENT, f"schema_name => '{schema}'")
    return _SCHEMA_REFERENCE.sub(f"hive.{schema}", adapted)


def read_query_file(
    path: Path, processed_root: str = DEFAULT_PROCESSED_ROOT, schema: str = DEFAULT_SCHEMA
) -> QueryFile:
    """Read and adapt one query file."""
    return QueryFile(path=path, text=adapt_sql(path.read_text(), processed_root, schema))


def run_statements(connection: Any, statements: Sequence[str]) -> list[QueryResult]:
    """Run ``statements`` in order on a ``trino.dbapi`` connection; any error propagates (fails loudly)."""
    results = []
    for statement in statements:
        cursor = connection.cursor()
        started = time.perf_counter()
        cursor.execute(statement)
        rows = [list(row) for row in cursor.fetchall()]
        seconds = time.perf_counter() - started
        columns = [description[0] for description in (cursor.description or [])]
        results.append(QueryResult(statement=statement, columns=columns, rows=rows, seconds=seconds))
    return results


def query_rows(connection: Any, statement: str) -> list[list[Any]]:
    """The rows of one statement."""
    return run_statements(connection, [statement])[0].rows


def _cell(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value).replace("|", "\\|").replace("\n", " ")


def render_markdown(
    query_file: QueryFile, result: QueryResult, maximum_rows: int = 200, source: str | None = None
) -> str:
    """A query's result as a Markdown page: the question, the SQL as written in the file, the result.

    ``source`` names where the data came from (e.g. the processed root), when given.
    """
    sql_as_written = "\n".join(split_statements(query_file.path.read_text()))
    lines = [f"# {query_file.name}", "", "```text", query_file.header, "```", ""]
    if source:
        lines += [f"Data: `{source}`.", ""]
    lines += ["<details><summary>SQL</summary>", "", "```sql", sql_as_written, "```", "", "</details>", ""]
    shown = result.rows[:maximum_rows]
    lines.append(
        f"{len(result.rows)} rows"
        + (f" (first {maximum_rows} shown)" if len(result.rows) > maximum_rows else "")
        + "."
    )
    lines.append("")
    if result.columns:
        lines.append("| " + " | ".join(result.columns) + " |")
        lines.append("|" + "|".join("---" for _ in result.columns) + "|")
        lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in shown]
    return "\n".join(lines) + "\n"


# --- registration ---------------------------------------------------------------------------------------


class RegistrationError(RuntimeError):
    """A table cannot be registered (no complete version and nothing published yet)."""


class VersionStore(Protocol):
    """The version folders under one processed root, on whatever file system holds them."""

    def list_versions(self, table: str) -> list[VersionFolder]: ...

    def delete_version(self, table: str, version: str) -> None: ...


def _check_schema_name(schema: str) -> None:
    if not _SCHEMA_NAME.match(schema):
        raise ValueError(f"schema name {schema!r} must match {_SCHEMA_NAME.pattern}")


def _join(root: str, *parts: str) -> str:
    return "/".join([root.rstrip("/"), *parts])


def version_location(processed_root: str, table: str, version: str) -> str:
    """``<processed_root>/<table>/<version>``: where a job wrote that version."""
    return _join(processed_root, table, version)


def create_versioned_table_sql(processed_root: str, table: str, version: str, schema: str) -> str:
    """The external table over one version's folder, columns and types from the Spark schema."""
    columns = ",\n".join(
        f"    {column.name} {trino_type(column.dataType)}" for column in PROCESSED_TABLES[table].fields
    )
    properties = [
        "format = 'PARQUET'",
        f"external_location = '{version_location(processed_root, table, version)}'",
    ]
    partition_columns = PARTITION_COLUMNS.get(table, [])
    if partition_columns:
        properties.append(
            "partitioned_by = array[" + ", ".join(f"'{column}'" for column in partition_columns) + "]"
        )
    return (
        f"create table if not exists hive.{schema}.{versioned_table_name(table, version)} (\n{columns}\n)"
        " with (\n    " + ",\n    ".join(properties) + "\n)"
    )


def registration_sql(
    processed_root: str, versions: Mapping[str, str], schema: str = DEFAULT_SCHEMA
) -> list[str]:
    """The statements that publish ``versions`` (table -> version) under ``processed_root`` in ``schema``.

    Pure and idempotent: re-running them publishes the same versions again. Per table, the versioned
    table is created and (if partitioned) its partitions synced before the view switches to it.
    """
    _check_schema_name(schema)
    statements = [f"create schema if not exists hive.{schema}"]
    for table, version in versions.items():
        versioned = versioned_table_name(table, version)
        statements.append(create_versioned_table_sql(processed_root, table, version, schema))
        if PARTITION_COLUMNS.get(table):
            statements.append(
                f"call hive.system.sync_partition_metadata(schema_name => '{schema}', "
                f"table_name => '{versioned}', mode => 'FULL')"
            )
        columns = ", ".join(column.name for column in PROCESSED_TABLES[table].fields)
        statements.append(
            f"create or replace view hive.{schema}.{table} as select {columns} from hive.{schema}.{versioned}"
        )
    return statements


@dataclass(frozen=True)
class RegistrationPlan:
    """The statements to run, then the version folders to delete, for one registration."""

    statements: list[str]
    published: dict[str, str]
    folders_to_delete: dict[str, list[str]]


def plan_registration(
    processed_root: str,
    found: Mapping[str, Sequence[VersionFolder]],
    state: CatalogState,
    schema: str = DEFAULT_SCHEMA,
) -> RegistrationPlan:
    """Publish each table's newest complete version in ``found``, then drop what is superseded.

    A table with no complete version keeps what its view reads (logged); with nothing published either,
    it is an error naming the table and location. A plain table left by the old in-place layout is
    dropped just before its view is created (a one-time gap, at migration only).
    """
    _check_schema_name(schema)
    published: dict[str, str] = {}
    migrations: dict[str, str] = {}
    drops: list[str] = []
    folders_to_delete: dict[str, list[str]] = {}
    for table, folders in found.items():
        current = newest_complete(folders)
        previous = state.published(table)
        if current is None:
            if previous is None:
                raise RegistrationError(
                    f"{table}: no complete version (a <version>/ folder with _SUCCESS) under "
                    f"{_join(processed_root, table)}/ and nothing published yet; run the transform first"
                )
            logger.warning(
                "%s: no complete version found; hive.%s.%s stays on %s", table, schema, table, previous
            )
            continue
        published[table] = current
        if state.relations.get(table) == "BASE TABLE":
            migrations[table] = f"drop table hive.{schema}.{table}"
        cleanup = select_cleanup(folders, state.registered_versions(table), current, previous)
        drops += [
            f"drop table if exists hive.{schema}.{versioned_table_name(table, version)}"
            for version in cleanup.tables
        ]
        if cleanup.folders:
            folders_to_delete[table] = cleanup.folders
    statements = registration_sql(processed_root, published, schema)
    for table, drop in migrations.items():
        view = next(
            index
            for index, sql in enumerate(statements)
            if sql.startswith(f"create or replace view hive.{schema}.{table} ")
        )
        statements.insert(view, drop)
    return RegistrationPlan(statements + drops, published, folders_to_delete)


def current_registration_sql(
    store: VersionStore,
    processed_root: str,
    schema: str = DEFAULT_SCHEMA,
    tables: Iterable[str] = tuple(PROCESSED_TABLES),
) -> list[str]:
    """The registration of each table's newest complete version as ``store`` lists them now.

    For the Trino CLI (``scripts/06_queries.py --print-ddl``): no catalog state is read, so it holds no
    cleanup and no migration drop. Raises RegistrationError naming every table with no complete version.
    """
    versions = {table: newest_complete(folders) for table, folders in find_versions(store, tables).items()}
    missing = sorted(table for table, version in versions.items() if version is None)
    if missing:
        raise RegistrationError(
            f"no complete version of {', '.join(missing)} under {processed_root}; run the transform first"
        )
    return registration_sql(
        processed_root, {table: version for table, version in versions.items() if version}, schema
    )


def read_catalog_state(connection: Any, schema: str = DEFAULT_SCHEMA) -> CatalogState:
    """The relations of ``hive.<schema>`` and the SQL of its views (empty when the schema is absent)."""
    _check_schema_name(schema)
    where = f"where table_schema = '{schema}'"
    relations = query_rows(
        connection, f"select table_name, table_type from hive.information_schema.tables {where}"
    )
    views = query_rows(
        connection, f"select table_name, view_definition from hive.information_schema.views {where}"
    )
    return CatalogState(
        relations={name: kind for name, kind in relations},
        view_definitions={name: definition for name, definition in views},
    )


def find_versions(store: VersionStore, tables: Iterable[str]) -> dict[str, list[VersionFolder]]:
    """Each table's version folders, as ``store`` lists them."""
    return {table: store.list_versions(table) for table in tables}


def register_tables(
    connection: Any,
    store: VersionStore,
    processed_root: str,
    schema: str = DEFAULT_SCHEMA,
    tables: Iterable[str] = tuple(PROCESSED_TABLES),
) -> RegistrationPlan:
    """Publish the newest complete version of each table, then remove superseded versions.

    Folders are deleted only after every statement succeeded, so a failed registration removes nothing.
    """
    plan = plan_registration(
        processed_root, find_versions(store, tables), read_catalog_state(connection, schema), schema
    )
    run_statements(connection, plan.statements)
    for table, versions in plan.folders_to_delete.items():
        for version in versions:
            logger.info("removing %s", version_location(processed_root, table, version))
            store.delete_version(table, version)
    return plan


def drop_schema_statements(state: CatalogState, schema: str) -> list[str]:
    """Drop every view and table of ``hive.<schema>`` (external: the data stay), then the schema."""
    _check_schema_name(schema)
    views = [
        f"drop view if exists hive.{schema}.{name}"
        for name, kind in state.relations.items()
        if kind == "VIEW"
    ]
    tables = [
        f"drop table if exists hive.{schema}.{name}"
        for name, kind in state.relations.items()
        if kind != "VIEW"
    ]
    return [*views, *tables, f"drop schema if exists hive.{schema}"]
