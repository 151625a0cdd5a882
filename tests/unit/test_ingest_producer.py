"""The producer runner against a hand-written fake KafkaProducer: counts, dead letters, failures."""

from __future__ import annotations

import json

from hyperion.config import Settings
from hyperion.ingest.envelope import MAXIMUM_MESSAGE_BYTES
from hyperion.ingest.producer import RetryCounter, producer_options, run_producer
from hyperion.sources.adapters import SourceRecord, SourceReject, SourceSetAside


class FakeFuture:
    def __init__(self, error: Exception | None) -> None:
        self.error = error

    def add_callback(self, function, *arguments, **keywords):
        if self.error is None:
            function(*arguments, "metadata", **keywords)
        return self

    def add_errback(self, function, *arguments, **keywords):
        if self.error is not None:
            function(*arguments, self.error, **keywords)
        return self


class FakeProducer:
    """Records sends; keys in ``failing_keys`` fail delivery, as a broker error would."""

    def __init__(self, failing_keys: frozenset[bytes] = frozenset()) -> None:
        self.sent: list[tuple[str, bytes | None, bytes]] = []
        self.failing_keys = failing_keys
        self.flushed = self.closed = False

    def send(self, topic, value=None, key=None):
        self.sent.append((topic, key, value))
        return FakeFuture(RuntimeError("broker said no") if key in self.failing_keys else None)

    def flush(self, timeout=None):
        self.flushed = True

    def close(self, timeout=None):
        self.closed = True


def items():
    return [
        SourceRecord("toy-story", {"film_id": "toy-story"}, "data/x.json", "$.films[0]"),
        SourceRecord(
            "toy-story", {"film_id": "toy-story", "rows": [1, 2, 3]}, "gen", "rows[0:3]", record_count=3
        ),
        SourceReject("schema-violation: $.title: missing", "data/x.json", "$.films[1]", '{"film_id": "bad"}'),
        SourceRecord("huge", {"notes": "x" * MAXIMUM_MESSAGE_BYTES}, "data/y.json", "$.characters[0]"),
        SourceSetAside("video-game", "legacy/a.json", "$.characters[4]"),
    ]


def test_records_go_to_the_topic_and_rejects_to_the_dead_letter_topic():
    producer = FakeProducer()
    summary = run_producer(items(), producer, "raw-films", "raw-deadletter", "run-1")

    topics = [topic for topic, _, _ in producer.sent]
    assert topics == ["raw-films", "raw-films", "raw-deadletter", "raw-deadletter"]
    envelope = json.loads(producer.sent[0][2])
    assert envelope == {
        "schema_version": 1,
        "source_file": "data/x.json",
        "source_location": "$.films[0]",
        "run_id": "run-1",
        "payload": {"film_id": "toy-story"},
    }
    assert producer.sent[0][1] == b"toy-story"
    schema_reject = json.loads(producer.sent[2][2])
    assert schema_reject["stage"] == "produce" and schema_reject["source_location"] == "$.films[1]"
    assert schema_reject["reason"].startswith("schema-violation") and schema_reject["topic"] == "raw-films"
    oversized = json.loads(producer.sent[3][2])
    assert oversized["reason"].startswith("oversized") and len(oversized["raw"]) == 64 * 1024

    assert (summary.read, summary.sent, summary.rejected, summary.set_aside, summary.failed) == (
        7,
        4,
        2,
        1,
        0,
    )
    assert summary.reconciles and not summary.delivery_failed
    assert producer.flushed and producer.closed
    assert "read=7 sent=4 failed=0 rejected=2" in summary.one_line()


def test_failed_deliveries_are_counted_and_reported():
    producer = FakeProducer(failing_keys=frozenset({b"toy-story"}))
    summary = run_producer(items(), producer, "raw-films", "raw-deadletter", "run-2")
    assert summary.failed == 4 and summary.messages_failed == 2 and summary.sent == 0
    assert summary.delivery_failed and summary.reconciles
    assert summary.failures[0].startswith("data/x.json $.films[0]: RuntimeError")


def test_a_send_that_raises_is_a_failed_delivery_and_the_producer_is_still_closed():
    class RaisingProducer(FakeProducer):
        def send(self, topic, value=None, key=None):
            raise TimeoutError("no metadata")

    producer = RaisingProducer()
    summary = run_producer(items()[:1], producer, "raw-films", "raw-deadletter", "run-3")
    assert summary.failed == 1 and producer.closed


def test_retry_warnings_of_the_kafka_sender_are_counted():
    import logging

    with RetryCounter() as counter:
        sender = logging.getLogger(RetryCounter.SENDER_LOGGER)
        sender.warning(
            "Got error produce response on topic-partition %s, retrying (%s attempts left)", "t-0", 3
        )
        sender.warning("something else")
    assert counter.retried == 1


def test_producer_options_are_idempotent_acks_all_and_valid_for_kafka_python():
    from kafka import KafkaProducer

    options = producer_options(Settings(), "lz4")
    assert options["acks"] == "all" and options["enable_idempotence"] is True
    assert set(options) <= set(KafkaProducer.DEFAULT_CONFIG)


def test_a_source_that_raises_mid_run_still_flushes_and_reports_how_far_it_got():
    def failing_source():
        yield items()[0]
        raise RecursionError("maximum recursion depth exceeded")

    producer = FakeProducer()
    summary = run_producer(failing_source(), producer, "raw-films", "raw-deadletter", "run-4")
    assert summary.aborted == "RecursionError: maximum recursion depth exceeded"
    assert (summary.read, summary.sent) == (1, 1)
    assert producer.flushed and producer.closed
    assert summary.one_line().endswith("aborted='RecursionError: maximum recursion depth exceeded'")
