"""Ingest against the running broker and HDFS: reconciliation, crash safety, broker restart, bad input.

Each test uses its own topics (``test-<id>-raw-*``, created by hyperion.ingest.topics and deleted after),
its own consumer group and its own HDFS root ``/tests/<id>``, so runs in parallel do not collide. The
producers and the consumer run as subprocesses, exactly as a user runs them, with the topic names
passed through the ``HYPERION_TOPIC_*`` settings.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.isolation import Isolation, isolated_topics

from hyperion.config import REPOSITORY_ROOT, Settings, get_settings
from hyperion.ingest.landing import topic_directories
from hyperion.ingest.reconcile import (
    boxoffice_keys,
    iter_landed_objects,
    landed_file_names,
    offset_coverage_problems,
    record_keys,
)
from hyperion.sources.boxoffice import iter_boxoffice_rows, theatrical_films
from hyperion.sources.catalog import DEFAULT_DATA_DIR, load_catalog
from hyperion.sources.legacy.importer import LegacyAppearance, LegacyFilm, iter_legacy_records

pytestmark = pytest.mark.integration

LEGACY_DIR = Path(
    os.environ.get(
        "HYPERION_LEGACY_DIR", Path(__file__).resolve().parents[2].parent / "shared" / "legacy-source-data"
    )
)
PRODUCERS = REPOSITORY_ROOT / "producers"
CONSUMER = REPOSITORY_ROOT / "consumers" / "hdfs_consumer.py"
SESSION_TIMEOUT = "6000"


class IsolatedRun(Isolation):
    """One test's topics, group, HDFS root and the environment that points subprocesses at them."""

    def produce(self, kind: str, *arguments: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, str(PRODUCERS / f"{kind}_producer.py"), "--no-progress", *arguments]
        return subprocess.run(command, env=self.environment, capture_output=True, text=True, timeout=240)

    def consumer_command(self, *arguments: str) -> list[str]:
        return [
            sys.executable,
            str(CONSUMER),
            "--group",
            f"test-{self.run_id}",
            "--landing-root",
            self.landing_root,
            "--session-timeout-ms",
            SESSION_TIMEOUT,
            *arguments,
        ]

    def consume_until_caught_up(self, *arguments: str) -> subprocess.CompletedProcess[str]:
        command = self.consumer_command("--until-caught-up", *arguments)
        return subprocess.run(command, env=self.environment, capture_output=True, text=True, timeout=240)

    def data_directory(self, topic: str) -> str:
        return topic_directories(self.landing_root, topic, self.settings.topic_deadletter).data

    def rejects_directory(self, topic: str) -> str:
        return topic_directories(self.landing_root, topic, self.settings.topic_deadletter).rejects

    def landed(self, topic: str) -> list[dict]:
        return list(iter_landed_objects(self.client, self.data_directory(topic)))

    def end_offsets(self, topic: str) -> dict[int, int]:
        from kafka import KafkaConsumer, TopicPartition

        consumer = KafkaConsumer(bootstrap_servers=self.settings.kafka_bootstrap_servers)
        try:
            partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
            return {tp.partition: offset for tp, offset in consumer.end_offsets(partitions).items()}
        finally:
            consumer.close()


@pytest.fixture
def isolated_run(stack: Settings) -> Iterator[IsolatedRun]:
    with isolated_topics("raw") as isolation:
        yield IsolatedRun(**vars(isolation))


def summary_fields(stdout: str) -> dict[str, str]:
    """The key=value fields of the last summary line a producer or the consumer printed."""
    line = [line for line in stdout.splitlines() if "=" in line][-1]
    return dict(field.split("=", 1) for field in line.split())


def assert_succeeded(completed: subprocess.CompletedProcess[str]) -> dict[str, str]:
    assert completed.returncode == 0, completed.stderr[-3000:]
    return summary_fields(completed.stdout)


def expected_boxoffice_keys(seed: str, scale: int, max_rows: int) -> Counter:
    films = theatrical_films({"films": load_catalog(DEFAULT_DATA_DIR / "complete_movie_list.json")})
    rows = itertools.islice(iter_boxoffice_rows(films, seed, scale), max_rows)
    return Counter((row["film_id"], row["date"], row["state"], row["theater_id"]) for row in rows)


def assert_exact_coverage(run: IsolatedRun, topic: str) -> None:
    names = landed_file_names(run.client, run.data_directory(topic))
    names += landed_file_names(run.client, run.rejects_directory(topic))
    assert offset_coverage_problems(names, run.end_offsets(topic)) == []


def test_bundled_and_legacy_records_land_exactly_once(isolated_run: IsolatedRun):
    run = isolated_run
    for kind in ("films", "characters"):
        bundled = assert_succeeded(run.produce(kind))
        legacy = assert_succeeded(run.produce(kind, "--source", "legacy", "--path", str(LEGACY_DIR)))
        assert bundled["reconciled"] == legacy["reconciled"] == "yes"
        assert bundled["failed"] == legacy["failed"] == "0"
    assert_succeeded(run.consume_until_caught_up())

    catalog = load_catalog(DEFAULT_DATA_DIR / "complete_movie_list.json")
    legacy_records = list(iter_legacy_records(LEGACY_DIR))
    expected_films = Counter((film["film_id"],) for film in catalog)
    expected_films.update((record.film_id,) for record in legacy_records if isinstance(record, LegacyFilm))
    expected_characters = Counter()
    for path in sorted((DEFAULT_DATA_DIR / "characters").glob("*.json")):
        document = json.loads(path.read_text())
        expected_characters.update(
            (document["film_id"], entry["character_id"]) for entry in document["characters"]
        )
    expected_characters.update(
        (record.film_id, record.character_id)
        for record in legacy_records
        if isinstance(record, LegacyAppearance)
    )

    landed_films = run.landed(run.settings.topic_films)
    landed_characters = run.landed(run.settings.topic_characters)
    assert record_keys(landed_films, ("film_id",)) == expected_films
    assert record_keys(landed_characters, ("film_id", "character_id")) == expected_characters
    assert len(landed_films) == sum(expected_films.values())
    # Every landed line is traceable to its source and offset, and each (source, location) lands once.
    locations = Counter(
        (line["run_id"], line["source_file"], line["source_location"], line["payload"]["film_id"])
        for line in landed_characters
    )
    assert max(locations.values()) == 1
    assert {line["kafka_offset"] >= 0 and line["kafka_partition"] >= 0 for line in landed_characters} == {
        True
    }
    for topic in (run.settings.topic_films, run.settings.topic_characters):
        assert_exact_coverage(run, topic)


def test_kill_9_at_random_points_then_restart_lands_exactly_the_produced_rows(isolated_run: IsolatedRun):
    run = isolated_run
    seed, scale, max_rows = "11", 1, 200_000
    produced = assert_succeeded(
        run.produce("boxoffice", "--seed", seed, "--scale", str(scale), "--max-rows", str(max_rows))
    )
    assert produced["sent"] == str(max_rows)

    # Small batches make many files, so that kills fall before, during and after writes, renames and commits.
    batch_options = ("--batch-messages", "50", "--topics", run.settings.topic_boxoffice)
    randomness = random.Random(20261125)
    kills = 0
    directory = run.data_directory(run.settings.topic_boxoffice)
    files_seen_at_kills = []
    while kills < 5:
        consumer = subprocess.Popen(
            run.consumer_command(*batch_options),
            env=run.environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        # Wait for this run to land something new, then kill it at a random moment shortly after: soon
        # enough that five runs cannot land everything (a file takes tens of milliseconds here).
        before = len(landed_file_names(run.client, directory))
        deadline = time.monotonic() + 60
        while len(landed_file_names(run.client, directory)) <= before and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(randomness.uniform(0.0, 0.3))
        consumer.send_signal(signal.SIGKILL)
        consumer.wait(timeout=30)
        kills += 1
        files_seen_at_kills.append(len(landed_file_names(run.client, directory)))
    final = assert_succeeded(run.consume_until_caught_up(*batch_options))

    print(f"files at the kills: {files_seen_at_kills}; left for the final run: {final['messages']} messages")
    assert kills >= 5 and final["stopped_by"] == "caught-up" and int(final["messages"]) > 0
    # The kills happened mid-run: the landing grew between kills and was not complete at the last one.
    assert files_seen_at_kills == sorted(files_seen_at_kills)
    landed = run.landed(run.settings.topic_boxoffice)
    assert boxoffice_keys(landed) == expected_boxoffice_keys(seed, scale, max_rows)
    assert_exact_coverage(run, run.settings.topic_boxoffice)
    assert not [name for name in run.client.list(directory) if name != "_tmp" and not name.endswith(".jsonl")]
    if run.client.status(f"{directory}/_tmp", strict=False) is not None:
        assert run.client.list(f"{directory}/_tmp") == []


def test_broker_restart_mid_produce_loses_nothing_and_reports_retries(isolated_run: IsolatedRun):
    from hyperion.runtime import supervisor

    run = isolated_run
    seed, scale, max_rows = "5", 2, 600_000
    command = [
        sys.executable,
        str(PRODUCERS / "boxoffice_producer.py"),
        "--no-progress",
        "--seed",
        seed,
        "--scale",
        str(scale),
        "--max-rows",
        str(max_rows),
    ]
    producer = subprocess.Popen(
        command, env=run.environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        # Restart once the producer is sending: its topic has data.
        deadline = time.monotonic() + 60
        while (
            sum(run.end_offsets(run.settings.topic_boxoffice).values()) == 0 and time.monotonic() < deadline
        ):
            time.sleep(0.05)
        settings = get_settings()
        supervisor.down(settings, ["kafka"])
        supervisor.up(settings, ["kafka"])
        stdout, stderr = producer.communicate(timeout=240)
    finally:
        if producer.poll() is None:
            producer.kill()
    assert producer.returncode == 0, stderr[-3000:]
    produced = summary_fields(stdout)
    assert produced["sent"] == str(max_rows) and produced["failed"] == "0"
    assert "retried_batches" in produced
    print(f"producer across the broker restart: {stdout.strip()}")

    assert_succeeded(run.consume_until_caught_up("--topics", run.settings.topic_boxoffice))
    landed = run.landed(run.settings.topic_boxoffice)
    # Idempotence: retries after the restart wrote no duplicates, and nothing was lost.
    assert boxoffice_keys(landed) == expected_boxoffice_keys(seed, scale, max_rows)


def test_bad_input_goes_to_dead_letters_with_reasons_and_the_rest_lands(
    isolated_run: IsolatedRun, tmp_path: Path
):
    run = isolated_run
    data = tmp_path / "data"
    (data / "characters").mkdir(parents=True)
    catalog = json.loads((DEFAULT_DATA_DIR / "complete_movie_list.json").read_text())
    good_film, wrong_type, missing_key = (dict(film) for film in catalog["films"][:3])
    wrong_type["runtime_minutes"] = "eighty"
    del missing_key["studio_id"]
    (data / "complete_movie_list.json").write_text(
        json.dumps({"schema_version": 1, "films": [good_film, wrong_type, missing_key]})
    )
    toy_story = json.loads((DEFAULT_DATA_DIR / "characters" / "toy-story.json").read_text())
    good_character = toy_story["characters"][0]
    oversized = {**good_character, "character_id": "oversized", "notes": "n" * 1_500_000}
    (data / "characters" / "toy-story.json").write_text(
        json.dumps({"film_id": "toy-story", "characters": [good_character, oversized]})
    )
    (data / "characters" / "broken.json").write_text('{"film_id": "broken", "characters": [{"name": ')
    row = {"film_id": "toy-story", "date": "1995-11-24", "state": "CA", "theater_id": 0, "gross_cents": 100}
    rows_file = tmp_path / "rows.jsonl"
    rows_file.write_text(
        "\n".join(
            [
                json.dumps(row),
                "{oops",
                json.dumps({**row, "gross_cents": "100"}),
                json.dumps({**row, "state": "TX"}),
            ]
        )
        + "\n"
    )

    films = assert_succeeded(run.produce("films", "--path", str(data)))
    characters = assert_succeeded(run.produce("characters", "--path", str(data)))
    boxoffice = assert_succeeded(run.produce("boxoffice", "--input", str(rows_file)))
    assert (films["sent"], films["rejected"]) == ("1", "2")
    assert (characters["sent"], characters["rejected"]) == ("1", "2")
    assert (boxoffice["sent"], boxoffice["rejected"]) == ("2", "2")

    # Undecodable messages written straight to a topic, bypassing the producers.
    from kafka import KafkaProducer

    raw = KafkaProducer(bootstrap_servers=run.settings.kafka_bootstrap_servers)
    undecodable = [
        raw.send(run.settings.topic_films, value, partition=0).get(timeout=30)
        for value in (b"\xff\xfe not utf-8", b'["not", "an", "envelope"]')
    ]
    raw.close()

    assert_succeeded(run.consume_until_caught_up())

    assert [line["payload"]["film_id"] for line in run.landed(run.settings.topic_films)] == [
        good_film["film_id"]
    ]
    assert [line["payload"]["character_id"] for line in run.landed(run.settings.topic_characters)] == [
        good_character["character_id"]
    ]
    assert boxoffice_keys(run.landed(run.settings.topic_boxoffice)) == Counter(
        {("toy-story", "1995-11-24", "CA", 0): 1, ("toy-story", "1995-11-24", "TX", 0): 1}
    )

    dead_letters = run.landed(run.settings.topic_deadletter)
    by_location = {
        (line["source_file"].rsplit("/", 1)[-1], line["source_location"]): line for line in dead_letters
    }
    assert set(by_location) == {
        ("complete_movie_list.json", "$.films[1]"),
        ("complete_movie_list.json", "$.films[2]"),
        ("broken.json", "$"),
        ("toy-story.json", "$.characters[1].notes"),
        ("rows.jsonl", "line 2"),
        ("rows.jsonl", "line 3"),
    }
    reasons = {key: line["reason"] for key, line in by_location.items()}
    assert "runtime_minutes" in reasons[("complete_movie_list.json", "$.films[1]")]
    assert "studio_id" in reasons[("complete_movie_list.json", "$.films[2]")]
    assert reasons[("broken.json", "$")].startswith("invalid-json")
    # A 1.5-million-character string now breaks the string cap (HYPERION_SOURCE_MAX_STRING_CHARACTERS).
    assert reasons[("toy-story.json", "$.characters[1].notes")].startswith("string-too-long")
    assert reasons[("rows.jsonl", "line 2")].startswith("invalid-json")
    assert "gross_cents" in reasons[("rows.jsonl", "line 3")]
    assert all(line["stage"] == "produce" and line["raw"] for line in dead_letters)
    assert len(by_location[("toy-story.json", "$.characters[1].notes")]["raw"]) < 1024

    consume_rejects = list(iter_landed_objects(run.client, run.rejects_directory(run.settings.topic_films)))
    assert sorted((line["partition"], line["offset"]) for line in consume_rejects) == [
        (metadata.partition, metadata.offset) for metadata in undecodable
    ]
    assert all(
        line["stage"] == "consume" and line["reason"].startswith("undecodable") for line in consume_rejects
    )
    assert_exact_coverage(run, run.settings.topic_films)


def test_sigterm_lands_the_batches_in_flight_and_exits_cleanly(isolated_run: IsolatedRun):
    run = isolated_run
    seed, scale, max_rows = "3", 1, 100_000
    assert_succeeded(
        run.produce("boxoffice", "--seed", seed, "--scale", str(scale), "--max-rows", str(max_rows))
    )
    options = ("--batch-messages", "200", "--topics", run.settings.topic_boxoffice)
    consumer = subprocess.Popen(
        run.consumer_command(*options),
        env=run.environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    directory = run.data_directory(run.settings.topic_boxoffice)
    deadline = time.monotonic() + 60
    while not landed_file_names(run.client, directory) and time.monotonic() < deadline:
        time.sleep(0.1)
    consumer.send_signal(signal.SIGTERM)
    stdout, stderr = consumer.communicate(timeout=60)
    assert consumer.returncode == 0, stderr[-3000:]
    stopped = summary_fields(stdout)
    assert stopped["stopped_by"] == "signal-finished"

    assert_succeeded(run.consume_until_caught_up(*options))
    assert boxoffice_keys(run.landed(run.settings.topic_boxoffice)) == expected_boxoffice_keys(
        seed, scale, max_rows
    )
    assert_exact_coverage(run, run.settings.topic_boxoffice)
