"""The ``queries/*.sql`` files: read them, adapt them to a location and schema, run them through Trino.

Every file runs as is in the Trino CLI against the local runtime. To run the same files elsewhere (EMR,
Docker, a test's own schema), :func:`adapt_sql` rewrites two literal things and nothing else:

* the processed-data location prefix ``hdfs://localhost:8020/processed`` (only in
  ``00_create_tables.sql``) becomes ``processed_root``;
* the schema ``hive.hyperion`` (and ``schema_name => 'hyperion'`` in the partition-sync call) becomes
  ``hive.<schema>``.

A file is split into statements on semicolons after dropping ``--`` comment lines, so statements must
not hold a semicolon inside a string literal (none do).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hyperion.config import REPOSITORY_ROOT

QUERIES_DIRECTORY = REPOSITORY_ROOT / "queries"
CREATE_TABLES_FILE = "00_create_tables.sql"
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
    """The question files (every ``*.sql`` except the table setup), sorted by name."""
    return sorted(path for path in directory.glob("*.sql") if path.name != CREATE_TABLES_FILE)


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
