"""The real producers against the hostile corpus (tests/hostile) and the running broker.

The films and characters producers run as subprocesses, exactly as a user runs them
(``--source legacy --path <hostile dir>``), on their own topics. Each must finish with its summary line
and exit 0 (every record accounted for, every delivery made); the dead-letter records must name the file,
the JSON path and the reason; and no byte of the file outside the folder may be in any message.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hostile.corpus import SECRET, add_unreadable_file, write_legacy_corpus
from support.isolation import isolated_topics

from hyperion.config import REPOSITORY_ROOT, Settings
from hyperion.sources.legacy.importer import import_legacy_directory

pytestmark = pytest.mark.integration

PRODUCERS = REPOSITORY_ROOT / "producers"


@pytest.fixture
def hostile_topics(stack: Settings) -> Iterator[tuple[Settings, dict[str, str]]]:
    with isolated_topics("hostile", landing_root=False) as isolation:
        yield isolation.settings, isolation.environment


def _all_messages(settings: Settings, topic: str) -> list[bytes]:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        consumer.assign(partitions)
        consumer.seek_to_beginning(*partitions)
        end = consumer.end_offsets(partitions)
        values: list[bytes] = []
        while any(consumer.position(tp) < end[tp] for tp in partitions):
            for records in consumer.poll(timeout_ms=2000).values():
                values.extend(record.value for record in records)
        return values
    finally:
        consumer.close()


def _summary(stdout: str) -> dict[str, str]:
    line = [line for line in stdout.splitlines() if line.startswith("topic=")][-1]
    return dict(field.split("=", 1) for field in line.split() if "=" in field)


def test_producers_survive_the_hostile_corpus_and_dead_letters_name_file_path_and_reason(
    hostile_topics: tuple[Settings, dict[str, str]], tmp_path: Path
):
    settings, environment = hostile_topics
    folder = tmp_path / "source"
    write_legacy_corpus(folder, tmp_path / "outside")
    add_unreadable_file(folder)
    report = import_legacy_directory(folder).report

    summaries = {}
    for kind in ("films", "characters"):
        command = [
            sys.executable,
            str(PRODUCERS / f"{kind}_producer.py"),
            "--no-progress",
            "--source",
            "legacy",
            "--path",
            str(folder),
        ]
        completed = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300)
        assert completed.returncode == 0, completed.stderr[-3000:]
        summaries[kind] = _summary(completed.stdout)
        assert summaries[kind]["reconciled"] == "yes"
        assert "aborted" not in summaries[kind]

    characters = summaries["characters"]
    assert int(characters["read"]) == report.records_read
    assert int(characters["rejected"]) == report.records_rejected
    assert int(characters["set_aside"]) == report.records_set_aside
    assert int(summaries["films"]["sent"]) > 0

    dead_letters = [json.loads(value) for value in _all_messages(settings, settings.topic_deadletter)]
    assert len(dead_letters) == report.records_rejected + int(summaries["films"]["rejected"])
    for value in dead_letters:
        assert value["stage"] == "produce"
        assert value["source_file"] and value["source_location"].startswith("$") and value["reason"]
    by_file = {value["source_file"]: value for value in dead_letters}
    assert by_file["deep_nesting.json"]["reason"].startswith("nesting-too-deep")
    assert "nesting deeper than 64" in by_file["deep_nesting.json"]["reason"]
    assert by_file["zz_outside.json"]["reason"].startswith("symlink-outside-folder")
    assert by_file["zz_loop.json"]["reason"].startswith("symlink-loop")
    assert by_file["huge_name.json"]["source_location"] == "$.characters[0].name"

    envelopes = [json.loads(value) for value in _all_messages(settings, settings.topic_characters)]
    assert len(envelopes) == int(characters["messages"])
    # A file name that is not UTF-8 is shown with \xNN escapes, and its records still land.
    assert "zz_bad_name_\\xff.json" in {envelope["source_file"] for envelope in envelopes}

    every_topic = (settings.topic_films, settings.topic_characters, settings.topic_deadletter)
    for topic in every_topic:
        assert all(SECRET.encode() not in value for value in _all_messages(settings, topic)), topic
