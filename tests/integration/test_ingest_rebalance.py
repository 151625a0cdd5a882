"""Landing under rebalances, member and wrapper kills, and a DataNode death, against the running stack.

Each test has its own box-office topic (6 partitions, ``test-<id>-raw-boxoffice``), consumer group and
HDFS root ``/tests/<id>``. Consumers run as real processes, the way users run them: ``consumers/
hdfs_consumer.py`` and the ``scripts/04_consume.py`` wrapper. The landing must then equal the produced
rows exactly: every natural key once, and per partition files ``part-<p>-<first>-<last>`` covering 0 to
the end offset with no gap and no overlap.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import psutil
import pytest
from hdfs import InsecureClient

from hyperion.config import REPOSITORY_ROOT, Settings, get_settings
from hyperion.ingest.landing import topic_directories
from hyperion.ingest.reconcile import (
    boxoffice_keys,
    iter_landed_objects,
    landed_file_names,
    offset_coverage_problems,
)
from hyperion.ingest.topics import TopicSpec, admin_client, create_topics, delete_topics
from hyperion.runtime import supervisor
from hyperion.runtime.services import RuntimeLayout
from hyperion.sources.boxoffice import iter_boxoffice_rows, theatrical_films
from hyperion.sources.catalog import DEFAULT_DATA_DIR, load_catalog

pytestmark = pytest.mark.integration

PRODUCER = REPOSITORY_ROOT / "producers" / "boxoffice_producer.py"
CONSUMER = REPOSITORY_ROOT / "consumers" / "hdfs_consumer.py"
WRAPPER = REPOSITORY_ROOT / "scripts" / "04_consume.py"
PARTITIONS = 6


@dataclass
class Landing:
    run_id: str
    topic: str
    environment: dict[str, str]
    settings: Settings
    client: InsecureClient
    root: str

    def consumer_options(self, *extra: str) -> list[str]:
        return [
            "--topics",
            self.topic,
            "--group",
            f"test-{self.run_id}",
            "--landing-root",
            self.root,
            "--session-timeout-ms",
            "6000",
            "--batch-messages",
            "200",
            *extra,
        ]

    def start(self, script, *extra: str, log_name: str) -> subprocess.Popen:
        log = open(f"/tmp/hyperion-test-{self.run_id}-{log_name}.log", "w")  # noqa: SIM115 - lives with the child
        return subprocess.Popen(
            [sys.executable, str(script), *self.consumer_options(*extra)],
            env=self.environment,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def directory(self) -> str:
        return topic_directories(self.root, self.topic, self.settings.topic_deadletter).data

    def file_count(self) -> int:
        return len(landed_file_names(self.client, self.directory()))

    def wait_for_files(self, more_than: int, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while self.file_count() <= more_than:
            assert time.monotonic() < deadline, f"no more than {more_than} files landed in {timeout} s"
            time.sleep(0.2)

    def end_offsets(self) -> dict[int, int]:
        from kafka import KafkaConsumer, TopicPartition

        consumer = KafkaConsumer(bootstrap_servers=self.settings.kafka_bootstrap_servers)
        try:
            partitions = [TopicPartition(self.topic, p) for p in range(PARTITIONS)]
            return {tp.partition: offset for tp, offset in consumer.end_offsets(partitions).items()}
        finally:
            consumer.close()

    def assert_landed_exactly(self, seed: str, scale: int, max_rows: int) -> None:
        names = landed_file_names(self.client, self.directory())
        rejects = topic_directories(self.root, self.topic, self.settings.topic_deadletter).rejects
        names += landed_file_names(self.client, rejects)
        assert offset_coverage_problems(names, self.end_offsets()) == []
        landed = boxoffice_keys(iter_landed_objects(self.client, self.directory()))
        expected = expected_boxoffice_keys(seed, scale, max_rows)
        assert sum(landed.values()) == max_rows
        assert landed == expected


def expected_boxoffice_keys(seed: str, scale: int, max_rows: int) -> Counter:
    films = theatrical_films({"films": load_catalog(DEFAULT_DATA_DIR / "complete_movie_list.json")})
    rows = itertools.islice(iter_boxoffice_rows(films, seed, scale), max_rows)
    return Counter((row["film_id"], row["date"], row["state"], row["theater_id"]) for row in rows)


@pytest.fixture
def landing(stack: Settings) -> Iterator[Landing]:
    run_id = uuid.uuid4().hex[:10]
    topic = f"test-{run_id}-raw-boxoffice"
    environment = {**os.environ, "HYPERION_TOPIC_BOXOFFICE": topic}
    settings = Settings.from_environment(environment)
    client = InsecureClient(settings.webhdfs_url, user=settings.hdfs_user)
    admin = admin_client(settings)
    create_topics(admin, [TopicSpec("boxoffice", topic, PARTITIONS, {})])
    try:
        yield Landing(run_id, topic, environment, settings, client, f"/tests/{run_id}")
    finally:
        delete_topics(admin, [topic])
        admin.close()
        client.delete(f"/tests/{run_id}", recursive=True)


def produce(run: Landing, seed: str, scale: int, max_rows: int) -> subprocess.Popen:
    command = [sys.executable, str(PRODUCER), "--no-progress", "--seed", seed, "--scale", str(scale)]
    command += ["--max-rows", str(max_rows)]
    return subprocess.Popen(command, env=run.environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def group_members(run: Landing) -> list[psutil.Process]:
    """Every live process on this machine consuming as this test's group."""
    members = []
    for process in psutil.process_iter(["cmdline", "status"]):
        cmdline = process.info["cmdline"] or []
        if f"test-{run.run_id}" in cmdline and process.info["status"] != psutil.STATUS_ZOMBIE:
            members.append(process)
    return members


def test_members_joining_leaving_and_killed_land_exactly_the_produced_rows(landing: Landing):
    run = landing
    # Scale 2 (two theaters per state and day) holds about 1.04M rows: the first million are sent.
    seed, scale, max_rows = "21", 2, 1_000_000
    producer = produce(run, seed, scale, max_rows)
    first = run.start(CONSUMER, log_name="first")
    run.wait_for_files(0)
    second = run.start(WRAPPER, log_name="second")  # joins: a rebalance while the first lands
    run.wait_for_files(run.file_count() + 10)
    third = run.start(CONSUMER, "--until-caught-up", log_name="third")
    run.wait_for_files(run.file_count() + 10)
    first.send_signal(signal.SIGKILL)  # a member killed while the others run
    first.wait(timeout=30)
    wrapper = run.start(WRAPPER, log_name="wrapper")
    run.wait_for_files(run.file_count() + 10)
    wrapper.send_signal(signal.SIGKILL)  # the wrapper killed: no consumer may stay behind in the group
    wrapper.wait(timeout=30)
    time.sleep(1)
    survivors = {process.pid for process in group_members(run)}
    assert wrapper.pid not in survivors
    assert not [p for p in psutil.process_iter(["ppid"]) if p.info["ppid"] == wrapper.pid]
    # The live members may already have caught up and left; nothing else may carry the group.
    assert survivors <= {second.pid, third.pid}, survivors

    assert producer.wait(timeout=300) == 0, producer.stderr.read()[-2000:]
    assert second.wait(timeout=300) == 0
    assert third.wait(timeout=300) == 0
    # A member that joins after production ended: with the first three rules, it finds nothing skipped.
    final = run.start(WRAPPER, log_name="final")
    assert final.wait(timeout=120) == 0
    run.assert_landed_exactly(seed, scale, max_rows)


def test_datanode_killed_mid_consume_then_a_rerun_lands_exactly_the_produced_rows(landing: Landing):
    run = landing
    seed, scale, max_rows = "22", 1, 200_000
    assert produce(run, seed, scale, max_rows).wait(timeout=240) == 0
    # A short retry budget, so that the DataNode's absence outlasts it.
    environment = {
        **run.environment,
        "HYPERION_RETRY_ATTEMPTS": "3",
        "HYPERION_RETRY_FIRST_DELAY_SECONDS": "0.5",
        "HYPERION_RETRY_MAXIMUM_DELAY_SECONDS": "1",
    }
    command = [
        sys.executable,
        str(CONSUMER),
        *run.consumer_options("--until-caught-up", "--batch-messages", "20"),
    ]
    consumer = subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    settings = get_settings()
    try:
        run.wait_for_files(5)
        record = supervisor.ProcessRecord.from_file(RuntimeLayout(settings).pid_file("datanode"))
        os.killpg(record.pid, signal.SIGKILL)
        stdout, stderr = consumer.communicate(timeout=240)
    finally:
        if consumer.poll() is None:
            consumer.kill()
        supervisor.up(settings, ["datanode"])
    summary = [line for line in stdout.splitlines() if "stopped_by=" in line]
    assert len(summary) == 1, stdout
    if consumer.returncode != 0:
        assert consumer.returncode == 1
        assert "stopped_by=service-unavailable" in summary[0]
        errors = [line for line in stderr.splitlines() if " ERROR " in line]
        assert len(errors) == 1, stderr[-3000:]
        assert "HDFS DataNode at http://localhost:9864 unreachable after 3 attempts" in errors[0]
        assert "make status" in errors[0]
    rerun = run.start(CONSUMER, "--until-caught-up", log_name="rerun")
    assert rerun.wait(timeout=240) == 0
    run.assert_landed_exactly(seed, scale, max_rows)
