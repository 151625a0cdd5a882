"""Run SQL with Python DuckDB over the site's export Parquet files, for the end-to-end comparison.

Input (stdin): JSON ``{"data_dir": "...", "queries": ["select ...", ...]}``. Each ``*.parquet`` in
``data_dir`` becomes a view named after its file stem, the same table names the site sees.
Output (stdout): JSON list, one entry per query: ``{"columns": [...], "rows": [[...], ...]}`` or
``{"error": "..."}``.

Run: ``echo '{"data_dir": "dist/data", "queries": ["select 1"]}' | ../.venv/bin/python e2e/python_queries.py``
"""

from __future__ import annotations

import datetime
import decimal
import json
import sys
from pathlib import Path

import duckdb


def plain(value: object) -> object:
    """Make a DuckDB value JSON-serializable the way the site shows it."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def main(argv: list[str] | None = None) -> int:
    del argv  # the request comes on stdin
    request = json.load(sys.stdin)
    connection = duckdb.connect()
    for path in sorted(Path(request["data_dir"]).glob("*.parquet")):
        quoted_path = str(path.resolve()).replace("'", "''")
        connection.execute(f"create view \"{path.stem}\" as select * from read_parquet('{quoted_path}')")
    answers = []
    for sql in request["queries"]:
        try:
            cursor = connection.execute(sql)
            columns = [description[0] for description in cursor.description]
            rows = [[plain(value) for value in row] for row in cursor.fetchall()]
            answers.append({"columns": columns, "rows": rows})
        except duckdb.Error as error:
            answers.append({"error": str(error)})
    json.dump(answers, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
