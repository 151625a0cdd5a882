"""The site's data folder (hyperion.cloud.site_data): packed database, first-paint files, hashed names."""

from __future__ import annotations

import datetime
import hashlib
import json
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hyperion.cloud.site_data import build_site_data

QUERIES = {"films": [{"id": "film-list", "sql": "select film_id, released from films order by film_id"}]}


def write_exports(folder: Path, rows: list[dict[str, object]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), folder / "films.parquet")
    digest = hashlib.sha256((folder / "films.parquet").read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps({"files": {"films.parquet": {"sha256": digest}}}))


def build(tmp_path: Path, rows: list[dict[str, object]]) -> tuple[Path, dict[str, object]]:
    exports, output = tmp_path / "exports", tmp_path / "site"
    write_exports(exports, rows)
    (tmp_path / "queries.json").write_text(json.dumps(QUERIES))
    build_site_data(exports, output, tmp_path / "queries.json")
    return output, json.loads((output / "site.json").read_text())


def test_packs_the_exports_and_names_files_by_content(tmp_path: Path) -> None:
    rows = [{"film_id": "b", "released": datetime.date(2010, 6, 18)}, {"film_id": "a", "released": None}]
    output, site = build(tmp_path, rows)
    database = output / site["database"]["file"]
    assert site["database"]["bytes"] == database.stat().st_size
    with duckdb.connect(str(database), read_only=True) as connection:
        assert connection.execute("select film_id from films order by film_id").fetchall() == [("a",), ("b",)]
    body = json.loads((output / site["first_paint"]["films"]["file"]).read_text())
    # Dates as ISO text, the rows in the query's order: what the browser engine returns.
    assert body["queries"][0]["rows"] == [
        {"film_id": "a", "released": None},
        {"film_id": "b", "released": "2010-06-18"},
    ]
    digest = hashlib.sha256((output / site["first_paint"]["films"]["file"]).read_bytes()).hexdigest()[:16]
    assert site["first_paint"]["films"]["file"] == f"first-paint-films.{digest}.json"
    assert (output / "films.parquet").is_file() and (output / "manifest.json").is_file()


def test_new_content_gets_new_names_and_old_files_go(tmp_path: Path) -> None:
    output, first = build(tmp_path, [{"film_id": "a", "released": datetime.date(2001, 1, 1)}])
    _, second = build(tmp_path, [{"film_id": "z", "released": datetime.date(2002, 2, 2)}])
    assert first["database"]["file"] != second["database"]["file"]
    assert first["first_paint"]["films"]["file"] != second["first_paint"]["films"]["file"]
    left = sorted(path.name for path in output.iterdir())
    assert left == sorted(
        [
            second["database"]["file"],
            second["first_paint"]["films"]["file"],
            "films.parquet",
            "manifest.json",
            "site.json",
        ]
    )


def test_a_tampered_export_is_refused_with_its_name(tmp_path: Path) -> None:
    exports = tmp_path / "exports"
    write_exports(exports, [{"film_id": "a", "released": None}])
    pq.write_table(pa.Table.from_pylist([{"film_id": "x", "released": None}]), exports / "films.parquet")
    (tmp_path / "queries.json").write_text(json.dumps(QUERIES))
    with pytest.raises(ValueError, match=r"films\.parquet: sha256 differs"):
        build_site_data(exports, tmp_path / "site", tmp_path / "queries.json")
    assert not (tmp_path / "site" / "site.json").exists()
