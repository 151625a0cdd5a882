"""Landed file names, message decoding and the directory layout."""

from __future__ import annotations

import json

from hyperion.ingest.landing import (
    DecodedMessage,
    UndecodableMessage,
    decode_message,
    landed_file_name,
    parse_landed_file_name,
    topic_directories,
)
from hyperion.ingest.reconcile import offset_coverage_problems


def test_file_names_follow_the_contract_and_parse_back():
    name = landed_file_name(3, 0, 1999)
    assert name == "part-00003-000000000000-000000001999.jsonl"
    assert parse_landed_file_name(name) == (3, 0, 1999)
    assert parse_landed_file_name(name + ".abc.tmp") is None
    assert parse_landed_file_name("_SUCCESS") is None


def test_directories_for_raw_topics_dead_letters_and_consumer_rejects():
    raw = topic_directories("/", "raw-films", "raw-deadletter")
    assert (raw.data, raw.rejects) == ("/raw/raw-films", "/rejects/consume/raw-films")
    dead = topic_directories("/tests/abc/", "raw-deadletter", "raw-deadletter")
    assert dead.data == "/tests/abc/rejects/produce/raw-deadletter"


def test_a_decoded_line_is_the_envelope_plus_partition_and_offset():
    envelope = {
        "schema_version": 1,
        "run_id": "r",
        "payload": {"film_id": "x", "rows": [{"state": "CA"}] * 51},
    }
    decoded = decode_message(json.dumps(envelope).encode(), "raw-boxoffice", 2, 41)
    assert isinstance(decoded, DecodedMessage)
    assert json.loads(decoded.line) == {**envelope, "kafka_partition": 2, "kafka_offset": 41}
    assert decoded.records == 51


def test_a_multi_line_value_is_landed_on_one_line():
    pretty = json.dumps({"schema_version": 1, "payload": {"film_id": "x"}}, indent=2).encode()
    decoded = decode_message(pretty, "raw-films", 0, 7)
    assert "\n" not in decoded.line and json.loads(decoded.line)["kafka_offset"] == 7
    assert decoded.records == 1


def test_undecodable_values_become_dead_letter_lines_with_partition_and_offset():
    for value, reason in [
        (b"\xff\xfe", "utf-8"),
        (b"{not json", "Expecting property name"),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"payload": {}}', "schema_version"),
        (None, "empty"),
    ]:
        decoded = decode_message(value, "raw-films", 1, 99)
        assert isinstance(decoded, UndecodableMessage)
        line = json.loads(decoded.line)
        assert (line["stage"], line["topic"], line["partition"], line["offset"]) == (
            "consume",
            "raw-films",
            1,
            99,
        )
        assert reason in line["reason"]


def test_offset_coverage_finds_overlaps_and_gaps():
    names = [landed_file_name(0, 0, 9), landed_file_name(0, 10, 19), landed_file_name(1, 0, 4)]
    assert offset_coverage_problems(names, {0: 20, 1: 5}) == []
    overlapping = names + [landed_file_name(0, 10, 14)]
    assert offset_coverage_problems(overlapping) == ["partition 0: 10-19 overlaps an earlier file"]
    assert offset_coverage_problems([landed_file_name(0, 5, 9)]) == ["partition 0: offsets 0-4 missing"]


def test_resolve_overlaps_keeps_one_chain_and_drops_a_zombie_file():
    from hyperion.ingest.landing import resolve_overlaps

    # The new owner landed 100-149 and 150-300; a zombie renamed 100-199 afterwards.
    kept, redundant = resolve_overlaps([(0, 99), (100, 149), (150, 300), (100, 199)])
    assert kept == [(0, 99), (100, 149), (150, 300)]
    assert redundant == [(100, 199)]


def test_resolve_overlaps_prefers_the_chain_that_reaches_furthest():
    from hyperion.ingest.landing import resolve_overlaps

    # Two owners with other boundaries; one chain stops short (its owner crashed before landing more).
    kept, redundant = resolve_overlaps([(0, 4), (5, 15), (0, 10)])
    assert kept == [(0, 4), (5, 15)]
    assert redundant == [(0, 10)]
    assert resolve_overlaps([(0, 9), (10, 19)]) == ([(0, 9), (10, 19)], [])
    assert resolve_overlaps([]) == ([], [])


def test_resolve_overlaps_keeps_files_beyond_a_gap():
    from hyperion.ingest.landing import resolve_overlaps

    assert resolve_overlaps([(0, 9), (20, 29)]) == ([(0, 9), (20, 29)], [])
