"""Spark jobs 01 to 04 on the running stack, twice, then every query through Trino.

Lands raw fixtures built from the bundled data/ (the envelope contract, as the consumers write it) in a
unique HDFS folder, runs the four jobs through spark-submit on the standalone master, registers the
tables in a unique Trino schema and checks known facts of the catalog through Trino. Box office covers a
sample of films (the whole run would add minutes, not coverage), one of them landed twice, as a replay.
Everything the test creates (HDFS folder, Trino schema) is removed at the end.
"""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trino
from hdfs import InsecureClient
from support.jobs import JOB_SCRIPTS, pipeline_arguments
from transform_fixtures import (
    DATA_DIRECTORY,
    SAMPLE_FILMS,
    UNKNOWN_FILM,
    catalog,
    drop_schema,
    land_fixtures,
)

from hyperion.config import REPOSITORY_ROOT, Settings
from hyperion.runtime.services import trino_cli_command
from hyperion.runtime.spark_submit import SubmitOptions, build_package_archive, run_job
from hyperion.transform.exports import EXPORTS
from hyperion.transform.publish import newest_complete
from hyperion.transform.schemas import PROCESSED_TABLES
from hyperion.transform.storage import version_store
from hyperion.transform.trino_sql import (
    QUERIES_DIRECTORY,
    RegistrationPlan,
    adapt_sql,
    question_files,
    read_catalog_state,
    register_tables,
    run_statements,
)

pytestmark = pytest.mark.integration

EXPORT_BUDGET_BYTES = 10 * 1024 * 1024


def table_fingerprints(connection: Any, schema: str) -> dict[str, list[Any]]:
    """Per table: the row count and Trino's order-independent checksum of every column."""
    fingerprints = {}
    for table, table_schema in PROCESSED_TABLES.items():
        checksums = ", ".join(f"checksum({field.name})" for field in table_schema.fields)
        (row,) = run_statements(connection, [f"select count(*), {checksums} from hive.{schema}.{table}"])[
            0
        ].rows
        fingerprints[table] = row
    return fingerprints


def query(connection: Any, sql: str) -> list[list[Any]]:
    return run_statements(connection, [sql])[0].rows


class PipelineRun:
    def __init__(self, settings: Settings, root: str, schema: str, work: Path) -> None:
        self.settings = settings
        self.root = root
        self.schema = schema
        self.work = work
        self.processed_root = f"{settings.hdfs_url}{root}/processed"
        self.rejects_root = f"{settings.hdfs_url}{root}/rejects/transform"
        self.fingerprints: list[dict[str, list[Any]]] = []
        self.manifests: list[dict[str, Any]] = []
        self.logs: list[Path] = []
        self.registrations: list[RegistrationPlan] = []
        self.connection = trino.dbapi.connect(
            host=settings.trino_host, port=settings.trino_port, user=settings.trino_user, catalog="hive"
        )

    def register_tables(self) -> None:
        store = version_store(self.processed_root, self.settings.webhdfs_url, self.settings.hdfs_user)
        self.registrations.append(register_tables(self.connection, store, self.processed_root, self.schema))


@pytest.fixture(scope="module")
def pipeline(stack: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineRun]:
    settings = stack
    client = InsecureClient(settings.webhdfs_url, user=settings.hdfs_user)
    run_id = uuid.uuid4().hex[:12]
    # Under /processed: Trino's location policy registers tables nowhere else (docs/architecture.md).
    root = f"/processed/_tests/transform-{run_id}"
    run = PipelineRun(settings, root, f"transform_{run_id}", tmp_path_factory.mktemp("transform"))
    try:
        land_fixtures(client, f"{root}/raw")
        options = SubmitOptions(
            master=settings.spark_master_url, py_files=build_package_archive(run.work / "hyperion.zip")
        )
        for attempt in (1, 2):
            exports = run.work / f"exports-{attempt}"
            arguments = pipeline_arguments(
                f"{settings.hdfs_url}{root}/raw", run.processed_root, exports, run.rejects_root
            )
            for job, script in sorted(JOB_SCRIPTS.items()):
                log = run.work / f"run-{attempt}-{job}.log"
                run_job(script, arguments[job], options, log)
                run.logs.append(log)
            # Snapshot through Trino before the next run overwrites the tables.
            run.register_tables()
            run.fingerprints.append(table_fingerprints(run.connection, run.schema))
            run.manifests.append(json.loads((exports / "manifest.json").read_text()))
        yield run
    finally:
        drop_schema(run.connection, run.schema)
        run.connection.close()
        client.delete(root, recursive=True)


def test_two_runs_give_identical_row_counts_and_checksums(pipeline: PipelineRun) -> None:
    first, second = pipeline.fingerprints
    assert first == second
    assert all(fingerprint[0] > 0 for fingerprint in first.values())
    assert pipeline.manifests[0] == pipeline.manifests[1]


def test_each_run_publishes_a_new_version_and_keeps_the_previous(pipeline: PipelineRun) -> None:
    first, second = (plan.published for plan in pipeline.registrations)
    assert sorted(first) == sorted(second) == sorted(PROCESSED_TABLES)
    assert all(second[table] > first[table] for table in PROCESSED_TABLES)
    state = read_catalog_state(pipeline.connection, pipeline.schema)
    store = version_store(pipeline.processed_root, pipeline.settings.webhdfs_url, pipeline.settings.hdfs_user)
    for table in PROCESSED_TABLES:
        assert state.relations[table] == "VIEW"
        assert state.published(table) == second[table]
        assert state.registered_versions(table) == [first[table], second[table]]
        folders = store.list_versions(table)
        assert [folder.name for folder in folders] == [first[table], second[table]]
        assert newest_complete(folders) == second[table]


def test_exports_are_complete_and_within_budget(pipeline: PipelineRun) -> None:
    manifest = pipeline.manifests[-1]
    assert sorted(manifest["files"]) == sorted(EXPORTS)
    assert manifest["total_bytes"] <= EXPORT_BUDGET_BYTES
    assert manifest["files"]["films_complete"]["rows"] == len(catalog())


def test_every_job_logs_one_summary_line(pipeline: PipelineRun) -> None:
    for log in pipeline.logs:
        summaries = [line for line in log.read_text().splitlines() if "rows_in=" in line]
        assert len(summaries) == 1, log.name
        assert "rows_out=" in summaries[0] and "rejects=" in summaries[0] and "seconds=" in summaries[0]


def test_pixar_film_count_matches_the_catalog(pipeline: PipelineRun) -> None:
    expected = sum(1 for film in catalog() if film["studio_id"] == "pixar")
    rows = query(
        pipeline.connection, f"select count(*) from hive.{pipeline.schema}.films where studio_id = 'pixar'"
    )
    assert rows == [[expected]]


def test_frozen_characters_are_attached_to_frozen(pipeline: PipelineRun) -> None:
    document = json.loads((DATA_DIRECTORY / "characters" / "frozen.json").read_text())
    expected = sorted(character["character_id"] for character in document["characters"])
    rows = query(
        pipeline.connection,
        f"select distinct a.character_id from hive.{pipeline.schema}.character_appearances as a "
        f"inner join hive.{pipeline.schema}.films as f on a.film_key = f.film_key "
        "where f.title = 'Frozen' order by 1",
    )
    assert [row[0] for row in rows] == expected


def test_summed_box_office_equals_catalog_gross_despite_the_replay(pipeline: PipelineRun) -> None:
    gross = {film["film_id"]: film["domestic_gross_usd"] for film in catalog()}
    rows = query(
        pipeline.connection,
        f"select film_id, sum(gross_cents) from hive.{pipeline.schema}.box_office_daily group by 1",
    )
    assert dict((film_id, total) for film_id, total in rows) == {
        film_id: gross[film_id] * 100 for film_id in SAMPLE_FILMS
    }
    statuses = query(
        pipeline.connection,
        f"select film_id, status from hive.{pipeline.schema}.box_office_reconciliation where film_id in "
        f"({', '.join(repr(film_id) for film_id in SAMPLE_FILMS)})",
    )
    assert sorted(statuses) == sorted([film_id, "match"] for film_id in SAMPLE_FILMS)


def test_unresolved_films_are_rejected_with_a_reason(pipeline: PipelineRun) -> None:
    client = InsecureClient(pipeline.settings.webhdfs_url, user=pipeline.settings.hdfs_user)
    rejects = {}
    for table in ("character_appearances", "box_office_daily"):
        folder = f"{pipeline.root}/rejects/transform/{table}"
        lines = []
        for name in client.list(folder):
            if name.endswith(".json"):
                with client.read(f"{folder}/{name}", encoding="utf-8") as reader:
                    lines += [json.loads(line) for line in reader.read().splitlines() if line]
        rejects[table] = lines
    assert [(reject["reason"], reject["natural_key"]) for reject in rejects["character_appearances"]] == [
        (f"unresolved film_id {UNKNOWN_FILM}", f"nobody-in-particular|{UNKNOWN_FILM}")
    ]
    assert [reject["reason"] for reject in rejects["box_office_daily"]] == [
        f"unresolved film_id {UNKNOWN_FILM}"
    ]


def test_queries_runner_runs_every_question(pipeline: PipelineRun, tmp_path: Path) -> None:
    completed = subprocess.run(
        [
            sys.executable,
            str(REPOSITORY_ROOT / "scripts" / "06_queries.py"),
            "--processed-root",
            pipeline.processed_root,
            "--schema",
            pipeline.schema,
            "--output-directory",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    written = sorted(path.stem for path in tmp_path.glob("*.md"))
    assert written == sorted(path.stem for path in question_files())
    reconciliation = (tmp_path / "boxoffice_reconciliation.md").read_text()
    assert f"| match | {len(SAMPLE_FILMS)} | 0 |" in reconciliation


def test_queries_runner_fails_loudly_on_a_broken_query(pipeline: PipelineRun, tmp_path: Path) -> None:
    queries = tmp_path / "queries"
    queries.mkdir()
    (queries / "broken.sql").write_text(
        "-- Question: none\n-- Grain: none\nselect no_such_column from hive.hyperion.films\n"
    )
    completed = subprocess.run(
        [sys.executable, str(REPOSITORY_ROOT / "scripts" / "06_queries.py"), "--schema", pipeline.schema,
         "--queries-directory", str(queries), "--output-directory", str(tmp_path / "out"),
         "--skip-create"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert completed.returncode == 1
    assert "broken.sql failed" in completed.stderr


def test_trino_cli_runs_the_printed_registration(pipeline: PipelineRun, tmp_path: Path) -> None:
    schema = f"{pipeline.schema}_cli"
    ddl = tmp_path / "ddl.sql"
    with ddl.open("w") as output:
        printed = subprocess.run(
            [sys.executable, str(REPOSITORY_ROOT / "scripts" / "06_queries.py"), "--print-ddl",
             "--processed-root", pipeline.processed_root, "--schema", schema],
            stdout=output, stderr=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip
    assert printed.returncode == 0, printed.stderr
    try:
        completed = subprocess.run(
            [*trino_cli_command(pipeline.settings), "--file", str(ddl)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr
        assert table_fingerprints(pipeline.connection, schema) == pipeline.fingerprints[-1]
    finally:
        drop_schema(pipeline.connection, schema)


def test_trino_cli_runs_a_query_file(pipeline: PipelineRun, tmp_path: Path) -> None:
    source = QUERIES_DIRECTORY / "boxoffice_reconciliation.sql"
    adapted = tmp_path / source.name
    adapted.write_text(adapt_sql(source.read_text(), pipeline.processed_root, pipeline.schema))
    completed = subprocess.run(
        [*trino_cli_command(pipeline.settings), "--file", str(adapted)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    # Only the sample has box office; every other film with a catalog gross is reported as missing it.
    grossing_films = sum(1 for film in catalog() if film["domestic_gross_usd"] is not None)
    assert completed.stdout.strip().splitlines() == [
        f'"match","{len(SAMPLE_FILMS)}","0"',
        f'"missing box office","{grossing_films - len(SAMPLE_FILMS)}","0"',
    ]
