"""A job killed with -9 mid-write never leaves readers without a complete table (issue 10, fault 5).

On the running stack: job 01 and job 03 run on a sample of films and are published in a unique Trino
schema. One more film's box office lands, and job 03 runs again; when its new version folder of
``box_office_daily`` holds Spark's ``_temporary`` (the write is under way), the driver's process group is
killed with SIGKILL. Meanwhile a thread asks Trino ``count(*), sum(gross_cents)`` of the table every
~100 ms. The registration then runs again (the pipeline going on after the crash), job 03 is re-run to
completion and published. Every poll must answer, first with the complete old table, then with the
complete new one, switching once and never back, and the dead run's folder is cleaned up.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import trino
from hdfs import InsecureClient
from support.envelopes import boxoffice_envelopes, film_envelopes
from support.jobs import JOB_SCRIPTS, pipeline_arguments
from transform_fixtures import DATA_DIRECTORY, catalog, drop_schema, land

from hyperion.config import Settings
from hyperion.runtime.spark_submit import (
    SubmitOptions,
    build_package_archive,
    run_job,
    spark_submit_command,
    submit_environment,
)
from hyperion.transform.publish import VersionFolder, versioned_table_name
from hyperion.transform.storage import version_store
from hyperion.transform.trino_sql import RegistrationPlan, query_rows, read_catalog_state, register_tables

pytestmark = pytest.mark.integration

BASELINE_FILMS = ["toy-story", "frozen", "the-lion-king", "moana"]
ADDED_FILM = "wall-e"
PUBLISHED_TABLES = ("films", "box_office_daily", "box_office_weekly", "box_office_film_summary",
                    "box_office_reconciliation")  # fmt: skip
WRITE_START_TIMEOUT_SECONDS = 300


@dataclass(frozen=True)
class Poll:
    started: float
    answer: tuple[int, int] | None
    error: str | None


class TrinoPoller(threading.Thread):
    """Asks Trino one question every ``interval`` seconds until stopped; records every answer or error."""

    def __init__(self, settings: Settings, sql: str, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.settings, self.sql, self.interval = settings, sql, interval
        self.polls: list[Poll] = []
        self.stopping = threading.Event()

    def run(self) -> None:
        connection = trino.dbapi.connect(
            host=self.settings.trino_host, port=self.settings.trino_port, user=self.settings.trino_user
        )
        try:
            while not self.stopping.is_set():
                started = time.monotonic()
                try:
                    (row,) = query_rows(connection, self.sql)
                    self.polls.append(Poll(started, (row[0], row[1]), None))
                except Exception as error:  # every failure is a finding: the test asserts there are none
                    self.polls.append(Poll(started, None, f"{type(error).__name__}: {error}"))
                self.stopping.wait(self.interval)
        finally:
            connection.close()

    def stop(self) -> list[Poll]:
        self.stopping.set()
        self.join(timeout=60)
        return self.polls


@dataclass
class Scenario:
    settings: Settings
    client: InsecureClient
    root: str
    schema: str
    work: Path
    connection: Any
    options: SubmitOptions

    @property
    def processed_root(self) -> str:
        return f"{self.settings.hdfs_url}{self.root}/processed"

    def job_arguments(self, job: str) -> list[str]:
        return pipeline_arguments(f"{self.settings.hdfs_url}{self.root}/raw", self.processed_root, self.work)[
            job
        ]

    def register(self) -> RegistrationPlan:
        store = version_store(self.processed_root, self.settings.webhdfs_url, self.settings.hdfs_user)
        return register_tables(self.connection, store, self.processed_root, self.schema, PUBLISHED_TABLES)

    def daily_versions(self) -> list[VersionFolder]:
        store = version_store(self.processed_root, self.settings.webhdfs_url, self.settings.hdfs_user)
        return store.list_versions("box_office_daily")


@pytest.fixture(scope="module")
def scenario(stack: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    run_id = uuid.uuid4().hex[:12]
    work = tmp_path_factory.mktemp("publish")
    connection = trino.dbapi.connect(host=stack.trino_host, port=stack.trino_port, user=stack.trino_user)
    scenario = Scenario(
        settings=stack,
        client=InsecureClient(stack.webhdfs_url, user=stack.hdfs_user),
        root=f"/processed/_tests/publish-{run_id}",
        schema=f"publish_{run_id}",
        work=work,
        connection=connection,
        options=SubmitOptions(
            master=stack.spark_master_url, py_files=build_package_archive(work / "hyperion.zip")
        ),
    )
    try:
        yield scenario
    finally:
        drop_schema(connection, scenario.schema)
        connection.close()
        scenario.client.delete(scenario.root, recursive=True)


def expected_daily(films: list[str]) -> int:
    """The summed box office of ``films`` in cents: each film's catalog gross, split but summing exactly."""
    gross = {film["film_id"]: film["domestic_gross_usd"] for film in catalog()}
    return sum(gross[film] * 100 for film in films)


def start_job_and_kill_it_mid_write(scenario: Scenario) -> str:
    """Run job 03, SIGKILL its process group once its new daily version holds ``_temporary``; the version."""
    daily = f"{scenario.root}/processed/box_office_daily"
    known = set(scenario.client.list(daily))
    log = (scenario.work / "killed-03.log").open("w")
    command = spark_submit_command(JOB_SCRIPTS["03"], scenario.job_arguments("03"), scenario.options)
    # A new session: the driver JVM and its Python child form one group, killed together as a crash would.
    process = subprocess.Popen(
        command, env=submit_environment(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    deadline = time.monotonic() + WRITE_START_TIMEOUT_SECONDS
    try:
        while time.monotonic() < deadline:
            assert process.poll() is None, f"job 03 ended before its write could be killed; see {log.name}"
            for version in set(scenario.client.list(daily)) - known:
                if scenario.client.status(f"{daily}/{version}/_temporary", strict=False) is not None:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=60)
                    return version
            time.sleep(0.1)
        pytest.fail(f"job 03 did not start writing box_office_daily within {WRITE_START_TIMEOUT_SECONDS} s")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
        log.close()


def test_a_killed_job_never_leaves_readers_without_a_complete_table(scenario: Scenario) -> None:
    raw = f"{scenario.root}/raw"
    land(scenario.client, f"{raw}/raw-films", list(film_envelopes(DATA_DIRECTORY, "run-films")))
    baseline = list(boxoffice_envelopes(DATA_DIRECTORY, seed=7, film_ids=BASELINE_FILMS, run_id="run-box"))
    land(scenario.client, f"{raw}/raw-boxoffice", baseline)
    for job in ("01", "03"):
        run_job(JOB_SCRIPTS[job], scenario.job_arguments(job), scenario.options, scenario.work / f"{job}.log")
    first = scenario.register()
    old_version = first.published["box_office_daily"]
    sql = f"select count(*), sum(gross_cents) from hive.{scenario.schema}.box_office_daily"
    ((old_count, old_sum),) = query_rows(scenario.connection, sql)
    assert old_sum == expected_daily(BASELINE_FILMS)

    added = list(boxoffice_envelopes(DATA_DIRECTORY, seed=7, film_ids=[ADDED_FILM], run_id="run-box-2"))
    land(scenario.client, f"{raw}/raw-boxoffice", added, first_offset=len(baseline))
    poller = TrinoPoller(scenario.settings, sql)
    poller.start()
    try:
        killed_version = start_job_and_kill_it_mid_write(scenario)
        killed_at = time.monotonic()
        assert VersionFolder(killed_version, False) in scenario.daily_versions(), "the kill came too late"
        # The pipeline goes on after the crash: the registration must keep the complete old version.
        assert scenario.register().published["box_office_daily"] == old_version
        run_job(
            JOB_SCRIPTS["03"], scenario.job_arguments("03"), scenario.options, scenario.work / "rerun-03.log"
        )
        republished = scenario.register()
        published_at = time.monotonic()
        time.sleep(2)
    finally:
        polls = poller.stop()

    errors = [poll.error for poll in polls if poll.error]
    after_kill = [poll for poll in polls if killed_at < poll.started < published_at]
    logging.getLogger(__name__).info(
        "%d polls, %d failed, %d between the kill and the new version's publication",
        len(polls),
        len(errors),
        len(after_kill),
    )
    assert errors == [], f"{len(errors)} of {len(polls)} polls failed, first: {errors[0]}"
    new_version = republished.published["box_office_daily"]
    assert new_version > killed_version > old_version
    new_answer = tuple(query_rows(scenario.connection, sql)[0])
    assert new_answer[1] == expected_daily([*BASELINE_FILMS, ADDED_FILM])
    assert new_answer[0] > old_count
    answers = [poll.answer for poll in polls]
    # Old until the switch, then new: nothing else (no partial table), and never back.
    assert set(answers) <= {(old_count, old_sum), new_answer}
    switch = answers.index(new_answer)
    assert all(answer == new_answer for answer in answers[switch:])
    assert any(poll.answer == (old_count, old_sum) for poll in after_kill)
    assert answers[-1] == new_answer and polls[-1].started > published_at

    # Cleanup: the dead run's folder is gone; the previous version keeps its table and files.
    assert [folder.name for folder in scenario.daily_versions()] == [old_version, new_version]
    state = read_catalog_state(scenario.connection, scenario.schema)
    assert state.registered_versions("box_office_daily") == [old_version, new_version]
    assert versioned_table_name("box_office_daily", killed_version) not in state.relations
