"""Hostile input: the importer and the producers' source readers against the corpus of tests/hostile.

Every file and record of the corpus must end accepted, set aside or rejected with its file, JSON path and
reason; nothing may raise, nothing may be skipped, and no byte of a file outside the folder may appear in
any output. No services: the importer and the sources are called as functions, the producer runs against
a hand-written fake.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from hostile.corpus import (
    ACCEPTED,
    REJECTED,
    SECRET,
    SET_ASIDE,
    Expected,
    add_unreadable_file,
    display_name,
    write_legacy_corpus,
)

from hyperion.config import Settings
from hyperion.ingest.producer import run_producer
from hyperion.sources.adapters import (
    SourceRecord,
    SourceReject,
    iter_boxoffice_file,
    iter_bundled_characters,
    iter_legacy_characters,
    iter_legacy_films,
)
from hyperion.sources.catalog import DEFAULT_DATA_DIR, DatasetError, read_json
from hyperion.sources.files import SourceLimits, parse_json_bytes
from hyperion.sources.legacy.importer import (
    LegacyAppearance,
    RejectedRecord,
    SetAsideRecord,
    import_legacy_directory,
    iter_legacy_records,
)
from hyperion.sources.record_rules import load_record_validators

LIMITS = SourceLimits()


class AcceptingFuture:
    def add_callback(self, function, *arguments, **keywords):
        function(None, *arguments, **keywords)
        return self

    def add_errback(self, function, *arguments, **keywords):
        return self


class RecordingProducer:
    """Accepts every send and keeps the bytes, so a test can search them."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, bytes | None, bytes]] = []

    def send(self, topic, value=None, key=None):
        self.sent.append((topic, key, value))
        return AcceptingFuture()

    def flush(self, timeout=None):
        pass

    def close(self, timeout=None):
        pass


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Expected]]:
    base = tmp_path_factory.mktemp("hostile")
    folder = base / "source"
    expected = write_legacy_corpus(folder, base / "outside")
    expected.append(add_unreadable_file(folder))
    return folder, [Expected(display_name(e.source_file), e.json_path, e.outcome, e.reason) for e in expected]


@pytest.fixture(scope="module")
def validators():
    return load_record_validators(DEFAULT_DATA_DIR)


def _outcomes(records) -> dict[str, list[tuple[str, str, str | None]]]:
    by_file: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for record in records:
        if isinstance(record, LegacyAppearance):
            by_file[record.source.source_file].append((record.source.json_path, ACCEPTED, None))
        elif isinstance(record, SetAsideRecord):
            by_file[record.source.source_file].append((record.source.json_path, SET_ASIDE, record.reason))
        elif isinstance(record, RejectedRecord):
            by_file[record.source.source_file].append((record.source.json_path, REJECTED, record.reason))
    return {name: sorted(outcomes, key=str) for name, outcomes in by_file.items()}


def _expected_by_file(expected: list[Expected]) -> dict[str, list[tuple[str, str, str | None]]]:
    by_file: dict[str, list[tuple[str, str, str | None]]] = defaultdict(list)
    for item in expected:
        by_file[item.source_file].append((item.json_path, item.outcome, item.reason))
    return {name: sorted(outcomes, key=str) for name, outcomes in by_file.items()}


def test_every_file_and_record_ends_with_its_expected_outcome_path_and_reason(corpus):
    folder, expected = corpus
    assert _outcomes(iter_legacy_records(folder, LIMITS)) == _expected_by_file(expected)


def test_rejections_name_the_file_the_path_and_a_readable_reason(corpus):
    folder, _ = corpus
    rejected = [
        record for record in iter_legacy_records(folder, LIMITS) if isinstance(record, RejectedRecord)
    ]
    assert rejected
    for record in rejected:
        assert record.message.startswith(f"{record.source.source_file} {record.source.json_path}: ")
    messages = {record.source.source_file: record.message for record in rejected}
    assert "nesting deeper than 64" in messages["deep_nesting.json"]
    assert "100000 characters > 10000" in messages["huge_name.json"]
    assert "integer beyond 64 bits" in messages["integer_2_pow_70.json"]
    assert "NaN, Infinity" in messages["nan.json"]
    assert "appears more than once" in messages["duplicate_top_level_key.json"]
    assert "UTF-16" in messages["utf16.json"]
    assert "not read" in messages["zz_big.json"] and "4194304" in messages["zz_big.json"]
    assert "FIFO" in messages["zz_fifo.json"]


def test_the_import_report_reconciles_every_record_of_the_corpus(corpus):
    folder, expected = corpus
    report = import_legacy_directory(folder, LIMITS).report
    assert report.records_read == len(expected)
    assert report.records_accepted == sum(1 for e in expected if e.outcome == ACCEPTED)
    assert report.records_set_aside == sum(1 for e in expected if e.outcome == SET_ASIDE)
    assert report.records_rejected == sum(1 for e in expected if e.outcome == REJECTED)
    assert report.identity_holds()
    assert report.files_read == len({e.source_file for e in expected})


def test_no_byte_of_a_file_outside_the_folder_reaches_any_record(corpus):
    folder, _ = corpus
    result = import_legacy_directory(folder, LIMITS)
    rows = [*result.films, *result.appearances, *result.set_aside, *result.rejected]
    text = "\n".join(json.dumps(row.to_dict(), ensure_ascii=False) for row in rows)
    assert "symlink-outside-folder" in text
    assert SECRET not in text


def test_the_producers_sources_reconcile_with_the_importer_and_send_no_secret(corpus, validators):
    folder, expected = corpus
    report = import_legacy_directory(folder, LIMITS).report
    producer = RecordingProducer()
    characters = list(iter_legacy_characters(folder, validators, LIMITS))
    summary = run_producer(characters, producer, "raw-characters", "raw-deadletter", "run-1")
    assert summary.aborted is None
    assert summary.read == report.records_read
    assert summary.reconciles
    assert summary.rejected == report.records_rejected
    assert summary.set_aside == report.records_set_aside
    films_summary = run_producer(
        iter_legacy_films(folder, validators, LIMITS), producer, "raw-films", "raw-deadletter", "run-2"
    )
    assert films_summary.aborted is None and films_summary.reconciles and films_summary.sent > 0
    deadletters = [json.loads(value) for topic, _key, value in producer.sent if topic == "raw-deadletter"]
    assert len(deadletters) == report.records_rejected
    for value in deadletters:
        assert value["source_file"] and value["source_location"].startswith("$") and value["reason"]
    nesting = [value for value in deadletters if value["source_file"] == "deep_nesting.json"]
    assert "nesting deeper than 64" in nesting[0]["reason"]
    assert all(SECRET.encode() not in value for _topic, _key, value in producer.sent)


def test_bundled_layout_sources_refuse_hostile_files_and_go_on(tmp_path, validators):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.json").write_text(json.dumps({"film_id": "secret", "characters": [{"name": SECRET}]}))
    data = tmp_path / "data"
    characters = data / "characters"
    characters.mkdir(parents=True)
    good = {
        "character_id": "woody",
        "name": "Woody",
        "role": "protagonist",
        "species": "toy",
        "species_detail": None,
        "gender": "male",
        "voice_actors": ["Tom Hanks"],
        "singing_voice_actors": [],
        "notes": None,
    }
    (characters / "a-deep.json").write_text("[" * 10_000 + "]" * 10_000)
    (characters / "b-leak.json").symlink_to(outside / "secret.json")
    (characters / "c-loop.json").symlink_to("c-loop.json")
    deep_notes = {**good, "character_id": "deep", "notes": "DEEP"}
    document = json.dumps({"film_id": "toy-story", "characters": [good, deep_notes]})
    (characters / "d-toy-story.json").write_text(document.replace('"DEEP"', "[" * 10_000 + "]" * 10_000))
    items = list(iter_bundled_characters(data, validators, LIMITS))
    outcomes = [
        (
            item.source_file.split("/")[-1],
            item.source_location,
            type(item).__name__,
            getattr(item, "reason", "")[:40],
        )
        for item in items
    ]
    assert [(name, location, kind) for name, location, kind, _ in outcomes] == [
        ("a-deep.json", "$" + "[0]" * 64, "SourceReject"),
        ("b-leak.json", "$", "SourceReject"),
        ("c-loop.json", "$", "SourceReject"),
        ("d-toy-story.json", "$.characters[0]", "SourceRecord"),
        ("d-toy-story.json", "$.characters[1].notes" + "[0]" * 61, "SourceReject"),
    ]
    assert [reason.split(":")[0] for *_, reason in outcomes if reason] == [
        "nesting-too-deep",
        "symlink-outside-folder",
        "symlink-loop",
        "nesting-too-deep",
    ]
    summary = run_producer(items, RecordingProducer(), "raw-characters", "raw-deadletter", "run")
    assert summary.reconciles and summary.read == 5 and summary.rejected == 4
    assert all(SECRET not in item.raw for item in items if isinstance(item, SourceReject))


def test_boxoffice_lines_are_checked_one_by_one_within_the_caps(tmp_path):
    row = {"film_id": "toy-story", "date": "1995-11-22", "state": "CA", "theater_id": 0, "gross_cents": 100}
    lines = [
        json.dumps(row).encode(),
        json.dumps({**row, "gross_cents": 2**70}).encode(),
        json.dumps({**row, "gross_cents": 2**60}).encode(),
        b"[" * 10_000 + b"]" * 10_000,
        b'{"film_id": "toy-story", "gross_cents": NaN}',
        b'{"film_id": "toy-story", "film_id": "cars"}',
        b'{"film_id": "toy-\xff"}',
        b"x" * 100_000,
        b"",
        json.dumps({**row, "theater_id": 1}).encode(),
    ]
    path = tmp_path / "rows.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    items = list(iter_boxoffice_file(path, limits=LIMITS))
    rejects = [
        (item.source_location, item.reason.split(":")[0]) for item in items if isinstance(item, SourceReject)
    ]
    assert rejects == [
        ("line 2", "integer-out-of-range"),
        ("line 3", "integer-out-of-range"),
        ("line 4", "nesting-too-deep"),
        ("line 5", "invalid-json"),
        ("line 6", "duplicate-key"),
        ("line 7", "invalid-encoding"),
        ("line 8", "line-too-long"),
        ("line 9", "invalid-json"),
    ]
    records = [item for item in items if isinstance(item, SourceRecord)]
    assert sum(record.record_count for record in records) == 2
    assert sum(item.record_count for item in items) == len(lines)
    too_long = next(item for item in items if item.source_location == "line 8")
    assert len(too_long.raw) < 200


def test_the_dataset_reader_rejects_deep_nesting_and_duplicate_keys(tmp_path):
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 10_000 + "]" * 10_000)
    with pytest.raises(DatasetError, match="nesting deeper than"):
        read_json(deep)
    duplicated = tmp_path / "duplicated.json"
    duplicated.write_text('{"films": [], "films": []}')
    with pytest.raises(DatasetError, match=r"\$\.films: duplicate-key"):
        read_json(duplicated)


def test_caps_come_from_the_environment_and_stay_within_64_bits():
    settings = Settings.from_environment(
        {"HYPERION_SOURCE_MAX_DEPTH": "5", "HYPERION_SOURCE_MAX_INTEGER": str(2**80)}
    )
    limits = SourceLimits.from_settings(settings)
    assert limits.max_depth == 5
    assert limits.max_integer == 2**63 - 1
    parsed = parse_json_bytes(b'{"a": [[[[[[1]]]]]]}', limits)
    assert [(problem.json_path, problem.reason) for problem in parsed.problems] == [
        ("$.a[0][0][0][0]", "nesting-too-deep")
    ]


MEMORY_PROBE = """
import json, sys
from pathlib import Path
from hyperion.sources.legacy.importer import import_legacy_directory
from hyperion.sources.files import SourceLimits

def peak_kib():
    # VmHWM belongs to this process image alone (ru_maxrss would include the forking pytest's peak).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

before = peak_kib()
report = import_legacy_directory(Path(sys.argv[1]), SourceLimits()).report
print(json.dumps({"before_kib": before, "after_kib": peak_kib(), "read": report.records_read,
                  "rejected": report.rejected_reasons}))
"""


def _write_big_source(path: Path, target_bytes: int) -> None:
    """A real (not sparse) single-film file of about ``target_bytes``: many small character entries,
    written in pieces so that the test itself stays small."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"film": "Crowd Film (2001)", "characters": [')
        index, written = 0, 0
        while written < target_bytes - 300:
            entry = json.dumps({"name": f"Extra {index}", "role": "background", "notes": "n" * 60})
            handle.write(("" if index == 0 else ", ") + entry)
            written += len(entry) + 2
            index += 1
        handle.write("]}")


def test_memory_stays_bounded_for_a_52_mb_file_and_one_just_under_the_cap(tmp_path):
    """Peak RSS of a fresh importer process: a 52 MB file is refused unread, so it adds nothing; a file
    just under the 4 MiB cap is parsed, and what it costs is bounded by the cap, not by the input."""
    cap = SourceLimits().max_file_bytes
    refused = tmp_path / "refused"
    refused.mkdir()
    _write_big_source(refused / "big.json", 52 * 1024 * 1024)
    under = tmp_path / "under"
    under.mkdir()
    _write_big_source(under / "big.json", cap - 4096)
    figures = {}
    for name, folder in (("refused", refused), ("under", under)):
        result = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, str(folder)],
            capture_output=True,
            text=True,
            check=True,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        )
        figures[name] = json.loads(result.stdout)
    assert figures["refused"]["rejected"] == {"file-too-large": 1}
    refused_growth = figures["refused"]["after_kib"] - figures["refused"]["before_kib"]
    assert refused_growth < 5 * 1024, figures
    assert figures["under"]["read"] > 30_000 and figures["under"]["rejected"] == {}
    under_growth = figures["under"]["after_kib"] - figures["under"]["before_kib"]
    # The whole import of the largest file allowed (document, records and the deduplicated result)
    # measured about 12x the file (docs/legacy-import.md); 14x leaves room for allocator noise.
    assert under_growth < 14 * cap // 1024, figures
    print(f"peak RSS growth: refused 52 MB file {refused_growth} KiB, {cap} B file {under_growth} KiB")
