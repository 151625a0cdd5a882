"""Send source items to Kafka with an idempotent ``acks=all`` producer, and reconcile the counts.

kafka-python 3 turns idempotence on and ``acks`` to ``all`` by default; both are still set explicitly
here so that a change of defaults cannot weaken delivery. Records are sent asynchronously: each send
gets a callback and an errback that count the records delivered or failed, and the run ends with
``flush()`` and ``close()`` in ``finally`` so that nothing buffered is dropped silently.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from hyperion.config import Settings
from hyperion.ingest.envelope import (
    MAXIMUM_MESSAGE_BYTES,
    STAGE_PRODUCE,
    build_envelope,
    deadletter_value,
    encode_json,
)
from hyperion.sources.adapters import REASON_OVERSIZED, SourceItem, SourceRecord, SourceReject, SourceSetAside

logger = logging.getLogger(__name__)

COMPRESSION_TYPES = ("none", "gzip", "lz4", "zstd")
DEFAULT_COMPRESSION = "lz4"
# A box-office film-day is a few KiB; large batches amortise the per-request cost of the pure-Python
# client, and a short linger lets a batch fill without delaying small runs noticeably.
BATCH_SIZE_BYTES = 1024 * 1024
LINGER_MILLISECONDS = 20
# Generous enough to ride out a broker restart (the integration test restarts it mid-run).
DELIVERY_TIMEOUT_MILLISECONDS = 180_000
MAXIMUM_BLOCK_MILLISECONDS = 120_000


class FutureLike(Protocol):
    def add_callback(self, function: Any, *arguments: Any, **keywords: Any) -> Any: ...

    def add_errback(self, function: Any, *arguments: Any, **keywords: Any) -> Any: ...


class ProducerLike(Protocol):
    """The part of ``kafka.KafkaProducer`` the runner uses (a hand-written fake implements it in tests)."""

    def send(self, topic: str, value: bytes | None = None, key: bytes | None = None) -> FutureLike: ...

    def flush(self, timeout: float | None = None) -> None: ...

    def close(self, timeout: float | None = None) -> None: ...


@dataclass
class ProducerSummary:
    """What a run read and what became of it. A record is a film, a character or a box-office row."""

    topic: str
    run_id: str
    read: int = 0
    sent: int = 0
    failed: int = 0
    rejected: int = 0
    set_aside: int = 0
    messages_sent: int = 0
    messages_failed: int = 0
    deadletter_sent: int = 0
    deadletter_failed: int = 0
    retried_batches: int = 0
    seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    # Set when reading the source raised: the run stopped early but still flushed and reported.
    aborted: str | None = None

    @property
    def records_per_second(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    @property
    def reconciles(self) -> bool:
        """Every record read was sent, failed, rejected or set aside: none lost and none counted twice."""
        return self.read == self.sent + self.failed + self.rejected + self.set_aside

    @property
    def delivery_failed(self) -> bool:
        return self.failed > 0 or self.deadletter_failed > 0

    def one_line(self) -> str:
        """The summary line every producer run ends with."""
        return (
            f"topic={self.topic} run_id={self.run_id} read={self.read} sent={self.sent} failed={self.failed} "
            f"rejected={self.rejected} set_aside={self.set_aside} messages={self.messages_sent} "
            f"deadletter={self.deadletter_sent} retried_batches={self.retried_batches} "
            f"seconds={self.seconds:.2f} records_per_second={self.records_per_second:.0f} "
            f"reconciled={'yes' if self.reconciles else 'NO'}"
            + (f" aborted={self.aborted!r}" if self.aborted else "")
        )


class RetryCounter(logging.Handler):
    """Counts the batches kafka-python's sender retries.

    kafka-python exposes retries only as a windowed rate metric; its sender logs one warning per retried
    batch ("... retrying ..."), which is the one public, exact signal, so the runner counts those.
    """

    SENDER_LOGGER = "kafka.producer.sender"

    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.retried = 0
        self._lock_for_count = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        if "retrying" in record.getMessage():
            with self._lock_for_count:
                self.retried += 1

    def __enter__(self) -> RetryCounter:
        sender_logger = logging.getLogger(self.SENDER_LOGGER)
        sender_logger.addHandler(self)
        if sender_logger.getEffectiveLevel() > logging.WARNING:
            sender_logger.setLevel(logging.WARNING)
        return self

    def __exit__(self, *exception: object) -> None:
        logging.getLogger(self.SENDER_LOGGER).removeHandler(self)


def new_run_id() -> str:
    """A fresh producer run id (uuid4), carried by every envelope of the run."""
    return str(uuid.uuid4())


def producer_options(settings: Settings, compression: str = DEFAULT_COMPRESSION) -> dict[str, Any]:
    """Keyword arguments for ``kafka.KafkaProducer``, named as kafka-python 3.0 names them."""
    if compression not in COMPRESSION_TYPES:
        raise ValueError(f"compression must be one of {', '.join(COMPRESSION_TYPES)}")
    return {
        "bootstrap_servers": settings.kafka_bootstrap_servers.split(","),
        "acks": "all",
        "enable_idempotence": True,
        "compression_type": None if compression == "none" else compression,
        "batch_size": BATCH_SIZE_BYTES,
        "linger_ms": LINGER_MILLISECONDS,
        "max_request_size": 2 * MAXIMUM_MESSAGE_BYTES,
        "delivery_timeout_ms": DELIVERY_TIMEOUT_MILLISECONDS,
        "max_block_ms": MAXIMUM_BLOCK_MILLISECONDS,
        # Topics are created by scripts/01_create_topics.py; a typo must fail, not create a topic.
        "allow_auto_create_topics": False,
    }


class _DeliveryCounter:
    """Delivery callbacks run on the producer's I/O thread, so the counts are guarded by a lock."""

    def __init__(self, summary: ProducerSummary) -> None:
        self.summary = summary
        self.lock = threading.Lock()

    def delivered(self, _metadata: Any, records: int, deadletter: bool) -> None:
        with self.lock:
            if deadletter:
                self.summary.deadletter_sent += 1
            else:
                self.summary.sent += records
                self.summary.messages_sent += 1

    def failed(self, error: BaseException, records: int, deadletter: bool, what: str) -> None:
        with self.lock:
            if deadletter:
                self.summary.deadletter_failed += 1
            else:
                self.summary.failed += records
                self.summary.messages_failed += 1
            if len(self.summary.failures) < 20:
                self.summary.failures.append(f"{what}: {type(error).__name__}: {error}")
        logger.error("delivery failed for %s: %s", what, error)


def encode_message(item: SourceRecord, run_id: str) -> bytes:
    """The message value of a record: its envelope as compact UTF-8 JSON."""
    if item.payload_json is None:
        return encode_json(build_envelope(item.payload, item.source_file, item.source_location, run_id))
    # The same bytes as above, with the pre-serialized payload spliced in (see SourceRecord.payload_json).
    head = encode_json(build_envelope(None, item.source_file, item.source_location, run_id))
    return head[: -len(b"null}")] + item.payload_json.encode("utf-8") + b"}"


def run_producer(
    items: Iterable[SourceItem],
    producer: ProducerLike,
    topic: str,
    deadletter_topic: str,
    run_id: str,
    progress: Any | None = None,
) -> ProducerSummary:
    """Send every record of ``items`` to ``topic`` and every reject to ``deadletter_topic``.

    The producer is flushed and closed before returning, whatever happens, so the summary counts every
    delivery outcome. ``progress`` (a tqdm bar or None) is advanced by records read.
    """
    summary = ProducerSummary(topic=topic, run_id=run_id)
    counter = _DeliveryCounter(summary)
    started = time.monotonic()

    def send(target: str, key: str | None, value: bytes, records: int, deadletter: bool, what: str) -> None:
        try:
            future = producer.send(target, value=value, key=key.encode("utf-8") if key is not None else None)
        except Exception as error:  # noqa: BLE001 - any send error is a failed delivery, counted and reported
            counter.failed(error, records, deadletter, what)
            return
        future.add_callback(counter.delivered, records=records, deadletter=deadletter)
        future.add_errback(counter.failed, records=records, deadletter=deadletter, what=what)

    def send_reject(reason: str, source_file: str, location: str, raw: str, key: str | None = None) -> None:
        value = deadletter_value(STAGE_PRODUCE, reason, raw, source_file, location, topic=topic)
        send(deadletter_topic, key, encode_json(value), 1, True, f"{source_file} {location}")

    with RetryCounter() as retries:
        try:
            for item in items:
                summary.read += item.record_count
                if isinstance(item, SourceRecord):
                    value = encode_message(item, run_id)
                    if len(value) > MAXIMUM_MESSAGE_BYTES:
                        summary.rejected += item.record_count
                        reason = f"{REASON_OVERSIZED}: {len(value)} bytes > {MAXIMUM_MESSAGE_BYTES}"
                        send_reject(
                            reason, item.source_file, item.source_location, value.decode("utf-8"), item.key
                        )
                    else:
                        what = f"{item.source_file} {item.source_location}"
                        send(topic, item.key, value, item.record_count, False, what)
                elif isinstance(item, SourceReject):
                    summary.rejected += item.record_count
                    send_reject(item.reason, item.source_file, item.source_location, item.raw)
                elif isinstance(item, SourceSetAside):
                    summary.set_aside += item.record_count
                if progress is not None:
                    progress.update(item.record_count)
        except Exception as error:  # noqa: BLE001 - the source failed: report it with the summary, exit 1
            # The sources reject bad input record by record; reaching here is a bug or an I/O failure.
            # What was sent stays sent (flushed below) and the summary line still says how far it got.
            summary.aborted = f"{type(error).__name__}: {error}"[:500]
            logger.exception("reading the source failed after %d records", summary.read)
        finally:
            try:
                producer.flush()
            finally:
                producer.close()
                summary.retried_batches = retries.retried
                summary.seconds = time.monotonic() - started
    return summary


def iter_limited(items: Iterable[SourceItem], maximum_records: int | None) -> Iterator[SourceItem]:
    """Stop after the item that reaches ``maximum_records`` (None: no limit)."""
    seen = 0
    for item in items:
        if maximum_records is not None and seen >= maximum_records:
            return
        seen += item.record_count
        yield item
