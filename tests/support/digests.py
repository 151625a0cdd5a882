"""Order-independent digests of Parquet table folders and JSON Lines folders, for comparing two runs.

Two runs that wrote the same rows get the same digest even when their file names, file count, row order
or Parquet footers (writer version, created-by) differ.
"""

from __future__ import annotations

import datetime
import decimal
import hashlib
import json
from pathlib import Path
from typing import Any

import pyarrow.dataset as ds


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime | decimal.Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    return value


def _digest(lines: list[str]) -> str:
    digest = hashlib.sha256()
    for line in sorted(lines):
        digest.update(line.encode())
        digest.update(b"\n")
    return digest.hexdigest()


def table_digest(folder: Path) -> tuple[int, str]:
    """Rows and SHA-256 of a Parquet table folder's sorted rows (hive partition folders become columns)."""
    files = [path for path in folder.rglob("*.parquet")]
    if not files:
        return 0, _digest([])
    table = ds.dataset(folder, format="parquet", partitioning="hive").to_table()
    columns = sorted(table.column_names)
    lines = [
        json.dumps({name: row[name] for name in columns}, sort_keys=True, default=_plain)
        for row in table.to_pylist()
    ]
    return len(lines), _digest(lines)


def json_lines_digest(folder: Path) -> tuple[int, str]:
    """Lines and SHA-256 of the sorted lines of every JSON Lines part file in ``folder``."""
    lines = [
        line
        for path in sorted(folder.glob("part-*"))
        for line in path.read_text().splitlines()
        if line.strip()
    ]
    return len(lines), _digest(lines)
