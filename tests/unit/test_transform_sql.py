"""Trino SQL: the generated registration agrees with the Spark schemas, its plan, the question files."""

from __future__ import annotations

import re

import pytest

from hyperion.transform.publish import CatalogState, VersionFolder, versioned_table_name
from hyperion.transform.schemas import PARTITION_COLUMNS, PROCESSED_TABLES, trino_type
from hyperion.transform.trino_sql import (
    QUERIES_DIRECTORY,
    QueryFile,
    RegistrationError,
    adapt_sql,
    current_registration_sql,
    drop_schema_statements,
    plan_registration,
    question_files,
    read_query_file,
    registration_sql,
    split_statements,
)

ROOT = "hdfs://localhost:8020/processed"
V1, V2, V3 = (f"2026112{day}T101500000Z-0000000{day}" for day in range(1, 4))
CREATE_TABLE = re.compile(
    r"create table if not exists hive\.(\w+)\.(\w+) \((.*?)\) with \((.*?)\)$", re.DOTALL
)


def declared_tables(statements: list[str]) -> dict[str, tuple[list[tuple[str, str]], str]]:
    tables = {}
    for statement in statements:
        match = CREATE_TABLE.match(statement)
        if match:
            _, name, columns, properties = match.groups()
            parsed = [tuple(line.strip().rstrip(",").split(" ", 1)) for line in columns.strip().splitlines()]
            tables[name] = (parsed, properties)
    return tables


def test_every_processed_table_is_declared_with_the_types_spark_writes() -> None:
    versions = {table: V1 for table in PROCESSED_TABLES}
    tables = declared_tables(registration_sql(ROOT, versions))
    assert sorted(tables) == sorted(versioned_table_name(table, V1) for table in PROCESSED_TABLES)
    for name, schema in PROCESSED_TABLES.items():
        columns, properties = tables[versioned_table_name(name, V1)]
        assert columns == [(field.name, trino_type(field.dataType)) for field in schema.fields], name
        assert f"external_location = '{ROOT}/{name}/{V1}'" in properties
        assert "format = 'PARQUET'" in properties
        for column in PARTITION_COLUMNS.get(name, []):
            assert f"partitioned_by = array['{column}']" in properties
            # Trino requires partition columns last, as Spark writes them.
            assert columns[-1][0] == column


def test_spark_longs_are_trino_bigints() -> None:
    columns, _ = declared_tables(registration_sql(ROOT, {"box_office_daily": V1}))[
        versioned_table_name("box_office_daily", V1)
    ]
    assert dict(columns)["gross_cents"] == "bigint"
    assert dict(columns)["film_key"] == "bigint"


def test_registration_syncs_partitions_before_the_view_switches() -> None:
    statements = registration_sql("s3://bucket/processed/", {"box_office_daily": V2, "films": V1}, "run_1")
    daily = versioned_table_name("box_office_daily", V2)
    assert statements[0] == "create schema if not exists hive.run_1"
    assert statements[1].startswith(f"create table if not exists hive.run_1.{daily} (")
    assert f"external_location = 's3://bucket/processed/box_office_daily/{V2}'" in statements[1]
    assert statements[2] == (
        "call hive.system.sync_partition_metadata(schema_name => 'run_1', "
        f"table_name => '{daily}', mode => 'FULL')"
    )
    columns = ", ".join(field.name for field in PROCESSED_TABLES["box_office_daily"].fields)
    assert (
        statements[3]
        == f"create or replace view hive.run_1.box_office_daily as select {columns} from hive.run_1.{daily}"
    )
    assert statements[5].startswith("create or replace view hive.run_1.films as select film_key, ")
    assert len(statements) == 6  # films is not partitioned: no sync
    with pytest.raises(ValueError):
        registration_sql(ROOT, {"films": V1}, "bad-name; drop")


def test_plan_publishes_the_newest_complete_version_and_drops_the_superseded() -> None:
    state = CatalogState(
        relations={
            "films": "VIEW",
            versioned_table_name("films", V1): "BASE TABLE",
            versioned_table_name("films", V2): "BASE TABLE",
        },
        view_definitions={"films": f"SELECT * FROM hive.hyperion.{versioned_table_name('films', V2)}"},
    )
    found = {"films": [VersionFolder(V1, True), VersionFolder(V2, True), VersionFolder(V3, True)]}
    plan = plan_registration(ROOT, found, state)
    assert plan.published == {"films": V3}
    assert plan.statements[:-1] == registration_sql(ROOT, {"films": V3})
    assert plan.statements[-1] == f"drop table if exists hive.hyperion.{versioned_table_name('films', V1)}"
    assert plan.folders_to_delete == {"films": [V1]}


def test_plan_never_publishes_an_incomplete_version() -> None:
    state = CatalogState(
        relations={"films": "VIEW", versioned_table_name("films", V1): "BASE TABLE"},
        view_definitions={"films": f"select * from hive.hyperion.{versioned_table_name('films', V1)}"},
    )
    killed = {"films": [VersionFolder(V1, True), VersionFolder(V2, False)]}
    plan = plan_registration(ROOT, killed, state)
    assert plan.published == {"films": V1}
    assert not any(statement.startswith("drop") for statement in plan.statements)
    assert plan.folders_to_delete == {}  # V2 is newer than the published version: it may still be running
    nothing_complete = plan_registration(ROOT, {"films": [VersionFolder(V2, False)]}, state)
    assert nothing_complete.published == {}  # the view stays on V1
    assert nothing_complete.statements == ["create schema if not exists hive.hyperion"]


def test_plan_fails_naming_a_table_that_was_never_written() -> None:
    with pytest.raises(RegistrationError, match=f"films: no complete version .* under {ROOT}/films/"):
        plan_registration(ROOT, {"films": [VersionFolder(V1, False)]}, CatalogState())


def test_plan_replaces_a_table_of_the_old_in_place_layout_just_before_its_view() -> None:
    plan = plan_registration(
        ROOT, {"films": [VersionFolder(V1, True)]}, CatalogState(relations={"films": "BASE TABLE"})
    )
    view = next(
        index for index, sql in enumerate(plan.statements) if sql.startswith("create or replace view")
    )
    assert plan.statements[view - 1] == "drop table hive.hyperion.films"


class FakeStore:
    def __init__(self, versions: dict[str, list[VersionFolder]]) -> None:
        self.versions = versions

    def list_versions(self, table: str) -> list[VersionFolder]:
        return self.versions.get(table, [])

    def delete_version(self, table: str, version: str) -> None:
        raise AssertionError("the DDL for the CLI deletes nothing")


def test_ddl_for_the_cli_names_every_table_missing_a_complete_version() -> None:
    store = FakeStore({"films": [VersionFolder(V1, True), VersionFolder(V2, False)]})
    assert current_registration_sql(store, ROOT, tables=["films"]) == registration_sql(ROOT, {"films": V1})
    with pytest.raises(RegistrationError, match="studios, talent"):
        current_registration_sql(store, ROOT, tables=["films", "talent", "studios"])


def test_drop_schema_drops_views_before_tables() -> None:
    state = CatalogState(relations={"films": "VIEW", versioned_table_name("films", V1): "BASE TABLE"})
    assert drop_schema_statements(state, "run_1") == [
        "drop view if exists hive.run_1.films",
        f"drop table if exists hive.run_1.{versioned_table_name('films', V1)}",
        "drop schema if exists hive.run_1",
    ]


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
