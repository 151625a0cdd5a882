"""Reconciliation's pure logic with hand-made counts: the balance rule, each hop's counting, the re-drive."""

from __future__ import annotations

import json

import pytest

from hyperion.ingest.envelope import MAXIMUM_MESSAGE_BYTES, encode_json
from hyperion.ingest.redrive import (
    Selection,
    editable_line,
    parse_fixed_lines,
    redrive_id,
    redrive_items,
    selected,
    sent_locations,
    without_already_sent,
)
from hyperion.ingest.runs import KIND_PRODUCE, KIND_REDRIVE, RunManifest, latest_manifest, runs_directory
from hyperion.reconcile.hops import (
    STAGE_EXPORT,
    STAGE_LANDING,
    Hop,
    LandedRecord,
    Report,
    SourceTally,
    TransformReject,
    export_hop,
    landing_hop,
    message_count,
    records_of_run,
    render_table,
    source_hop,
    transform_hop,
)
from hyperion.reconcile.readers import DeadLetter, Entry, current_folder, deadletters_of_run, tally_items
from hyperion.sources.adapters import SourceRecord, SourceReject, SourceSetAside
from hyperion.sources.catalog import DEFAULT_DATA_DIR, load_catalog
from hyperion.sources.record_rules import load_record_validators


def test_a_hop_balances_when_in_equals_out_plus_rejected_plus_set_aside():
    hop = Hop(STAGE_LANDING, "raw-films", "records", received=10, passed=7, rejected=2, set_aside=1)
    assert hop.difference == 0 and hop.balances


@pytest.mark.parametrize(("passed", "difference"), [(6, 1), (8, -1)])
def test_a_hop_with_records_lost_or_doubled_does_not_balance(passed, difference):
    hop = Hop(STAGE_LANDING, "raw-films", "records", received=10, passed=passed, rejected=2, set_aside=1)
    assert hop.difference == difference and not hop.balances


def test_a_hop_with_equal_counts_but_a_problem_does_not_balance():
    hop = Hop(STAGE_LANDING, "raw-films", "records", 3, 3, problems=("partition 0: offsets 4-5 missing",))
    assert hop.difference == 0 and not hop.balances


def test_the_report_balances_only_when_every_hop_does_and_renders_each_hop():
    good = Hop(STAGE_LANDING, "raw-films", "records", 5, 5)
    bad = Hop(STAGE_EXPORT, "films_complete", "rows", 5, 4)
    assert Report((good,)).balances
    assert not Report(()).balances
    report = Report((good, bad))
    assert not report.balances and report.unbalanced() == [bad]
    text = render_table(report)
    assert "NOT balanced: 1 of 2 hops" in text
    assert [line.split()[-1] for line in text.splitlines()[2:4]] == ["yes", "NO"]
    document = json.loads(report.to_json())
    assert document["balances"] is False
    assert [hop["difference"] for hop in document["hops"]] == [0, 1]


def test_message_count_counts_rows_of_a_film_day_and_one_for_anything_else():
    film_day = encode_json({"schema_version": 1, "run_id": "r", "payload": {"rows": [{}, {}, {}]}})
    film = encode_json({"schema_version": 1, "run_id": "r", "payload": {"film_id": "x"}})
    assert message_count(0, 1, film_day).records == 3
    assert message_count(0, 2, film).records == 1
    for value in (b"\xff", b"[1]", b'{"schema_version": 2}', None):
        counted = message_count(0, 3, value)
        assert (counted.records, counted.decodable, counted.run_id) == (1, False, None)
    counts = [message_count(0, 0, film_day), message_count(0, 1, film), message_count(0, 2, b"x")]
    assert records_of_run(counts, "r") == 4 and records_of_run(counts, "other") == 0


def test_source_hop_balances_read_against_sent_dead_letters_and_set_aside():
    tally = SourceTally(read=10, sendable=7, rejected=2, set_aside=1)
    assert source_hop("raw-characters", tally, sent_in_kafka=7, deadletter_in_kafka=2).balances
    lost = source_hop("raw-characters", tally, sent_in_kafka=6, deadletter_in_kafka=2)
    assert lost.difference == 1 and not lost.balances
    changed = source_hop("raw-characters", tally, 7, 2, reported={"read": 9})
    assert changed.difference == 0 and not changed.balances and "the run read 9" in changed.problems[0]


def test_landing_hop_counts_consumer_rejects_and_flags_messages_landed_twice():
    messages = [message_count(0, offset, b'{"schema_version":1,"payload":{}}') for offset in range(4)]
    assert landing_hop("t", messages, landed_records=3, landed_messages=3, consume_rejects=1).balances
    doubled = landing_hop("t", messages, landed_records=4, landed_messages=4, consume_rejects=1)
    assert doubled.difference == -1 and not doubled.balances


def test_transform_hop_separates_early_rejects_superseded_copies_and_late_rejects():
    landed = [
        LandedRecord(0, 0, None, "toy-story"),
        LandedRecord(0, 1, None, "toy-story"),  # a replayed copy: superseded by the later one
        LandedRecord(1, 0, None, "frozen"),
        LandedRecord(1, 1, None, None),  # rejected before deduplication: no film_id
        LandedRecord(2, 0, None, "unknown-film"),
        LandedRecord(2, 1, None, "unknown-film"),  # a copy of a film that does not resolve
    ]
    rejects = [
        TransformReject(1, 1, "", "missing film_id"),
        TransformReject(None, None, "unknown-film", "unresolved film_id unknown-film"),
    ]
    hop = transform_hop("films", landed, rejects, rows_at_grain=2)
    assert (hop.received, hop.passed, hop.rejected, hop.set_aside) == (6, 2, 2, 2)
    assert hop.balances
    lost_row = transform_hop("films", landed, rejects, rows_at_grain=1)
    assert lost_row.difference == 1 and not lost_row.balances


def test_transform_hop_matches_box_office_rejects_by_row_not_by_message():
    landed = [LandedRecord(0, 7, f"f|2020-01-01|{state}|0", ("f", state)) for state in ("CA", "NY", "XX")]
    rejects = [TransformReject(0, 7, "f|2020-01-01|XX|0", "unknown state")]
    hop = transform_hop("box_office_daily", landed, rejects, rows_at_grain=2)
    assert (hop.received, hop.rejected, hop.set_aside) == (3, 1, 0) and hop.balances


def test_export_hop_checks_the_manifest_rows_too():
    assert export_hop("films_complete", 195, 195, "rows", 195).balances
    assert not export_hop("films_complete", 195, 194, "rows", 194).balances
    wrong_manifest = export_hop("films_complete", 195, 195, "rows", 190)
    assert wrong_manifest.difference == 0 and not wrong_manifest.balances


def test_tally_items_counts_as_the_producer_does_including_oversized_records():
    items = [
        SourceRecord("a", {"film_id": "a"}, "f", "$[0]"),
        SourceRecord("b", None, "g", "rows[0:3]", record_count=3, payload_json='{"rows":[1,2,3]}'),
        SourceRecord("c", {"notes": "x" * MAXIMUM_MESSAGE_BYTES}, "f", "$[1]"),
        SourceReject("schema-violation", "f", "$[2]", "{}"),
        SourceSetAside("video-game", "legacy.json", "$[3]"),
    ]
    assert tally_items(items, "run") == SourceTally(read=7, sendable=4, rejected=2, set_aside=1)


def manifest(run_id: str, kind: str, started: int, finished: int, topic: str = "raw-films") -> RunManifest:
    return RunManifest(run_id, kind, "films", topic, "raw-deadletter", {}, started, finished)


def test_dead_letters_belong_to_a_run_by_topic_stage_and_time_window():
    run = manifest("r", KIND_PRODUCE, 1000, 2000)
    letters = [
        DeadLetter(1500, "produce", "raw-films", 1),
        DeadLetter(1500, "produce", "raw-boxoffice", 51),
        DeadLetter(2500, "produce", "raw-films", 1),
        DeadLetter(1000, "consume", "raw-films", 1),
        DeadLetter(2000, "produce", "raw-films", 3),
    ]
    assert deadletters_of_run(letters, run) == 4


def test_manifests_round_trip_and_the_latest_produce_run_is_chosen():
    first = manifest("a", KIND_PRODUCE, 1, 2)
    second = manifest("b", KIND_PRODUCE, 3, 4)
    redrive = manifest("c", KIND_REDRIVE, 5, 6)
    assert RunManifest.from_json(first.to_json()) == first
    assert latest_manifest([first, second, redrive]) == second
    assert latest_manifest([first, second, redrive], KIND_REDRIVE) == redrive
    assert runs_directory("/tests/x", "raw-films") == "/tests/x/raw/_runs/raw-films"


class FakeFiles:
    """A FileStore over a dict of path -> list of entries."""

    def __init__(self, tree: dict[str, list[Entry]]) -> None:
        self.tree = tree

    def entries(self, directory):
        return self.tree.get(directory)

    def read_bytes(self, path):
        raise AssertionError("not read")


def test_current_folder_prefers_the_newest_complete_version():
    versions = FakeFiles(
        {
            "/p/films": [
                Entry("v1", True, 1),
                Entry("v2", True, 2),
                Entry("v3", True, 3),
                Entry("_tmp", True, 4),
            ],
            "/p/films/v1": [Entry("part-0.parquet", False, 1), Entry("_SUCCESS", False, 10)],
            "/p/films/v2": [Entry("part-0.parquet", False, 2), Entry("_SUCCESS", False, 20)],
            "/p/films/v3": [Entry("part-0.parquet", False, 3)],  # still being written: no marker
            "/p/films/_tmp": [Entry("_SUCCESS", False, 30)],
        }
    )
    assert current_folder(versions, "/p/films") == "/p/films/v2"
    plain = FakeFiles({"/p/daily": [Entry("box_office_year=2020", True, 1), Entry("_SUCCESS", False, 1)]})
    assert current_folder(plain, "/p/daily") == "/p/daily"
    assert current_folder(plain, "/p/missing") is None


def test_every_export_has_a_processed_measure():
    from hyperion.reconcile.pipeline import EXPORT_SOURCES
    from hyperion.transform.exports import EXPORTS

    assert set(EXPORT_SOURCES) == set(EXPORTS)


# --- re-drive -----------------------------------------------------------------------------------------------


def test_redrive_id_depends_on_content_only():
    lines = [{"topic": "raw-films", "payload": {"a": 1, "b": 2}}]
    reordered = [{"payload": {"b": 2, "a": 1}, "topic": "raw-films"}]
    assert redrive_id("raw-films", lines) == redrive_id("raw-films", reordered)
    assert redrive_id("raw-films", lines) != redrive_id(
        "raw-films", [{"topic": "raw-films", "payload": {"a": 2}}]
    )
    assert redrive_id("raw-films", lines) != redrive_id("raw-characters", lines)


def test_selection_and_editable_lines():
    values = [
        {"topic": "raw-films", "reason": "schema-violation: $.title", "raw": '{"film_id": "x"}'},
        {"topic": "raw-boxoffice", "reason": "boxoffice-row-rules: $.state", "raw": "not json"},
    ]
    chosen = list(selected(values, [Selection.parse("reason~=schema"), Selection.parse("topic=raw-films")]))
    assert chosen == values[:1]
    assert editable_line(values[0])["payload"] == {"film_id": "x"}
    assert editable_line(values[1])["payload"] is None
    with pytest.raises(ValueError, match="field=value"):
        Selection.parse("reason")


def test_parse_fixed_lines_names_the_bad_line():
    with pytest.raises(ValueError, match="fixed.jsonl line 2"):
        parse_fixed_lines('{"topic": "raw-films"}\n{oops\n', "fixed.jsonl")


def test_redrive_items_apply_the_producers_rules():
    validators = load_record_validators(DEFAULT_DATA_DIR)
    film = dict(load_catalog(DEFAULT_DATA_DIR / "complete_movie_list.json")[0])
    fixed = {"topic": "raw-films", "source_file": "complete_movie_list.json", "source_location": "$.films[0]"}
    broken = {**fixed, "payload": {**film, "runtime_minutes": "long"}}
    items = list(redrive_items("films", [{**fixed, "payload": film}, broken], validators))
    assert isinstance(items[0], SourceRecord) and items[0].key == film["film_id"]
    assert isinstance(items[1], SourceReject) and "runtime_minutes" in items[1].reason

    row = {"film_id": "toy-story", "date": "1995-11-22", "state": "CA", "theater_id": 0, "gross_cents": 5}
    base = {"topic": "raw-boxoffice", "source_file": "rows.jsonl", "source_location": "line 3"}
    (record,) = redrive_items("boxoffice", [{**base, "payload": row}], validators)
    assert record.payload == {
        "film_id": "toy-story",
        "date": "1995-11-22",
        "rows": [{"state": "CA", "theater_id": 0, "gross_cents": 5}],
    }
    (reject,) = redrive_items("boxoffice", [{**base, "payload": {**row, "gross_cents": -1}}], validators)
    assert isinstance(reject, SourceReject) and "gross_cents" in reject.reason


def test_a_redrive_skips_what_the_topic_already_holds_for_it():
    envelope = {"run_id": "r", "source_file": "f", "source_location": "$[0]", "payload": {"rows": [1, 2]}}
    other_run = {**envelope, "run_id": "s", "source_location": "$[1]"}
    locations, records = sent_locations([encode_json(envelope), encode_json(other_run), b"x", None], "r")
    assert locations == {("f", "$[0]")} and records == 2
    items = [
        SourceRecord("k", {}, "f", "$[0]"),
        SourceRecord("k", {}, "f", "$[1]"),
        SourceReject("r", "f", "$[2]", ""),
    ]
    kept = list(without_already_sent(items, locations))
    assert [item.source_location for item in kept] == ["$[1]", "$[2]"]


def write_parquet(path, columns: dict) -> None:
    import pyarrow as pa
    import pyarrow.parquet as parquet

    path.parent.mkdir(parents=True, exist_ok=True)
    parquet.write_table(pa.table(columns), path)


def test_processed_measures_and_export_hops_over_local_files(tmp_path):
    from hyperion.reconcile.pipeline import processed_measures
    from hyperion.reconcile.readers import LocalFiles

    processed = tmp_path / "processed"
    # films published as versions: the older complete one and a newer one still without its marker
    write_parquet(processed / "films" / "v1" / "part-0.parquet", {"film_id": ["a", "b"]})
    (processed / "films" / "v1" / "_SUCCESS").touch()
    write_parquet(processed / "films" / "v2" / "part-0.parquet", {"film_id": ["a"]})
    write_parquet(
        processed / "character_appearances" / "part-0.parquet",
        {"character_id": ["c", "c", "d"], "film_id": ["a", "a", "b"], "talent_name": ["x", "y", None]},
    )
    # Film a in CA on its days 1 and 8 (release weeks 1 and 2), b in CA on its day 1.
    for year, rows in ((2020, [("a", "CA", 10, 2, 1), ("a", "CA", 5, 1, 8)]), (2021, [("b", "CA", 7, 1, 1)])):
        write_parquet(
            processed / "box_office_daily" / f"box_office_year={year}" / "part-0.parquet",
            {
                "film_id": [row[0] for row in rows],
                "box_office_date": [f"{year}-01-01"] * len(rows),
                "state": [row[1] for row in rows],
                "gross_cents": [row[2] for row in rows],
                "theater_count": [row[3] for row in rows],
                "day_number": [row[4] for row in rows],
            },
        )
    measures = processed_measures(LocalFiles(), str(processed))
    assert measures == {
        "films.rows": 2,
        "character_appearances.rows": 3,
        "character_appearances.appearances": 2,
        "box_office_daily.rows": 3,
        "box_office_daily.theater_rows": 4,
        "box_office_daily.gross_cents": 22,
        "box_office_daily.film_days": 2,
        "box_office_daily.film_states": 2,
        "box_office_daily.film_week_states": 3,
    }

    from hyperion.reconcile.pipeline import export_hops

    exports = tmp_path / "exports"
    write_parquet(exports / "films_complete.parquet", {"film_id": ["a", "b"]})
    write_parquet(
        exports / "boxoffice_daily_by_film.parquet",
        {"film_id": ["a", "b"], "box_office_date": ["2020-01-01", "2021-01-01"], "gross_cents": [15, 6]},
    )
    (exports / "manifest.json").write_text(json.dumps({"files": {"films_complete": {"rows": 2}}}))
    hops = {(hop.subject, hop.unit): hop for hop in export_hops(measures, exports)}
    assert hops[("films_complete", "rows")].balances
    assert hops[("boxoffice_daily_by_film", "rows")].balances
    gross = hops[("boxoffice_daily_by_film", "gross_cents")]
    assert (gross.received, gross.passed, gross.balances) == (22, 21, False)
    assert not hops[("talent_stats", "rows")].balances  # no such export file
