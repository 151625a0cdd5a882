"""queries/*.sql: the table DDL agrees with the Spark schemas, every file states its question, adaptation."""

from __future__ import annotations

import re

import pytest

from hyperion.transform.schemas import PARTITION_COLUMNS, PROCESSED_TABLES, trino_type
from hyperion.transform.trino_sql import (
    CREATE_TABLES_FILE,
    QUERIES_DIRECTORY,
    QueryFile,
    adapt_sql,
    question_files,
    read_query_file,
    split_statements,
)

CREATE_TABLE = re.compile(r"create table hive\.hyperion\.(\w+) \((.*?)\) with \((.*?)\);", re.DOTALL)


def declared_tables() -> dict[str, tuple[list[tuple[str, str]], str]]:
    text = (QUERIES_DIRECTORY / CREATE_TABLES_FILE).read_text()
    tables = {}
    for name, columns, properties in CREATE_TABLE.findall(text):
        parsed = [tuple(line.strip().rstrip(",").split(" ", 1)) for line in columns.strip().splitlines()]
        tables[name] = (parsed, properties)
    return tables


def test_every_processed_table_is_declared_with_the_types_spark_writes() -> None:
    tables = declared_tables()
    assert sorted(tables) == sorted(PROCESSED_TABLES)
    for name, schema in PROCESSED_TABLES.items():
        columns, properties = tables[name]
        assert columns == [(field.name, trino_type(field.dataType)) for field in schema.fields], name
        assert f"external_location = 'hdfs://localhost:8020/processed/{name}'" in properties
        for column in PARTITION_COLUMNS.get(name, []):
            assert f"partitioned_by = array['{column}']" in properties


def test_spark_longs_are_trino_bigints() -> None:
    columns, _ = declared_tables()["box_office_daily"]
    assert dict(columns)["gross_cents"] == "bigint"
    assert dict(columns)["film_key"] == "bigint"


@pytest.mark.parametrize("path", question_files(), ids=lambda path: path.name)
def test_question_files_open_with_question_and_grain_and_hold_one_select(path) -> None:
    query_file = read_query_file(path)
    assert query_file.header.startswith("Question:")
    assert "Grain:" in query_file.header
    statements = query_file.statements()
    assert len(statements) == 1
    # The Trino CLI's --file refuses a statement without its terminating semicolon.
    assert query_file.text.rstrip().endswith(";")
    assert statements[0].startswith(("with", "select"))


def test_at_least_the_required_questions_exist() -> None:
    names = {path.stem for path in question_files()}
    assert {"revenue_by_studio", "character_counts", "voice_actor_stats", "boxoffice_trends"} <= names
    assert len(names) >= 6


def test_adapt_sql_rewrites_location_and_schema_only() -> None:
    text = (
        "create table hive.hyperion.films (film_key bigint) with "
        "(external_location = 'hdfs://localhost:8020/processed/films');\n"
        "call hive.system.sync_partition_metadata("
        "schema_name => 'hyperion', table_name => 'x', mode => 'FULL');\n"
        "select 'hyperion' as brand from hive.hyperion_other.films"
    )
    adapted = adapt_sql(text, "s3://bucket/processed/", "run_1")
    assert "create table hive.run_1.films" in adapted
    assert "external_location = 's3://bucket/processed/films'" in adapted
    assert "schema_name => 'run_1'" in adapted
    # Other text that merely contains the word is untouched.
    assert "select 'hyperion' as brand from hive.hyperion_other.films" in adapted
    with pytest.raises(ValueError):
        adapt_sql(text, "s3://x", "bad-name; drop")


def test_split_statements_ignores_comment_lines_with_semicolons() -> None:
    text = "-- a comment; with a semicolon\nselect 1;\n\n-- another\nselect 2\n"
    assert split_statements(text) == ["select 1", "select 2"]
    assert QueryFile(path=QUERIES_DIRECTORY / "x.sql", text=text).header == "a comment; with a semicolon"


def test_render_markdown_shows_question_sql_as_written_and_the_result(tmp_path) -> None:
    from hyperion.transform.trino_sql import QueryResult, render_markdown

    path = tmp_path / "films_per_studio.sql"
    path.write_text(
        "-- Question: how many films per studio?\n-- Grain: one row per studio.\n\n"
        "select studio_id, count(*) as films from hive.hyperion.films group by 1;\n"
    )
    query_file = read_query_file(path, schema="run_1")
    result = QueryResult(statement=query_file.statements()[0], columns=["studio_id", "films"])
    result.rows = [["pixar", 29], [None, 1]]
    page = render_markdown(query_file, result, source="hdfs://x/processed")
    assert page.startswith("# films_per_studio\n")
    assert "Question: how many films per studio?" in page
    assert "from hive.hyperion.films" in page  # the file's SQL, not the test-schema rewrite
    assert "Data: `hdfs://x/processed`." in page
    assert "| studio_id | films |\n|---|---|\n| pixar | 29 |\n| NULL | 1 |" in page
    assert "2 rows." in page
