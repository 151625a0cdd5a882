"""The landing consumer: batch per partition, land atomically in HDFS, then commit the offsets.

Exactly-once landing rests on these rules (docs/04-ingest.md walks through every crash point and fault):

1. A batch lands as ``part-<partition>-<first>-<last>.jsonl`` by write-to-temporary-then-rename, and its
   offsets are committed (``last + 1``) only after the rename. Auto-commit is off.
2. Every assignment of a partition, including a rebalance that gives it back to the same member, starts
   from the committed offset (the log's beginning when none): the member seeks there, and records the
   poll of that assignment returned are dropped, as is any batch held from a previous ownership.
   kafka-python 3.0 keeps a re-assigned partition's fetch position (and its fetched records), so without
   the seek the records of a batch dropped on revoke would be skipped for good. So at most one batch per
   partition can have landed without its commit (the window between rename and commit).
3. Batch boundaries of a replay are the boundaries already landed: when a partition is assigned, the
   files whose first offset is at or after the committed offset are read back as a *plan*, and a batch
   starting at a planned first offset ends exactly at the planned last offset (never earlier by size,
   time or shutdown). The replay therefore writes the same name with the same content, replacing the
   file, and never lands an overlapping file with other boundaries.
4. On revoke (or loss) the batches in flight are abandoned, never landed: the listener runs on
   kafka-python's IO thread inside ``poll()``, where no blocking call (commit) is allowed, and landing
   happens only between polls, so a revoke never interrupts a landing. The next owner replays from the
   committed offset along the landed files (rules 2 and 3). A commit refused because the group moved on
   (``CommitFailedError``) re-initialises the member's partitions the same way.
5. A member that lands a file after losing its partition (a *zombie*: paused past the session timeout,
   or stuck longer than ``max.poll.interval.ms`` in a landing) cannot commit it: the broker refuses the
   commit of an old generation. Its file may overlap the new owner's files with other boundaries, but
   it holds the same offsets, so the same records (a Kafka log is immutable). When the zombie polls again
   it rejoins, which rebalances the whole group (eager protocol), so every partition is assigned again
   after the zombie's rename; each assignment resolves overlaps before planning
   (:func:`hyperion.ingest.landing.resolve_overlaps`: one chain of files is kept, redundant files are
   deleted), so no duplicate survives the rebalance. The WebHDFS retry budget stays far below
   ``max.poll.interval.ms`` so a landing slowed by retries does not make a zombie.
6. ``--until-caught-up`` ends only when the *group* has committed everything: lag is end offset minus
   committed offset over every partition of the topics, not this member's fetch positions. A member
   whose peers died therefore waits until the group has re-assigned and landed their partitions.
7. Transient faults (WebHDFS calls, commits) are retried with bounded backoff; when the attempts are used
   up the run stops with one message naming the service, its summary line and a non-zero exit. What was
   not committed is replayed by the next run (rules 2 and 3), so nothing is lost.

Memory is bounded by the batch limits (messages and bytes per partition) and the fetch limits.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from hyperion.ingest.landing import (
    DecodedMessage,
    LandingStore,
    TopicDirectories,
    land_file,
    landed_file_name,
    remove_temporary_files,
    resolve_overlaps,
    topic_directories,
)
from hyperion.ingest.retrying import RetryPolicy, ServiceUnavailableError, call_with_retries, service_of_url

logger = logging.getLogger(__name__)

ON_TERMINATE_FINISH = "finish"
ON_TERMINATE_ABANDON = "abandon"


@dataclass(frozen=True)
class BatchPolicy:
    """When a partition's batch is landed: whichever limit is reached first."""

    maximum_messages: int = 2000
    maximum_bytes: int = 4 * 1024 * 1024
    maximum_seconds: float = 10.0


@dataclass(frozen=True)
class ConsumerConfig:
    """What the landing consumer reads, where it lands and how it batches."""

    group_id: str
    topics: tuple[str, ...]
    deadletter_topic: str
    landing_root: str = "/"
    policy: BatchPolicy = field(default_factory=BatchPolicy)
    until_caught_up: bool = False
    on_terminate: str = ON_TERMINATE_FINISH
    poll_timeout_milliseconds: int = 500
    report_interval_seconds: float = 5.0
    # Partitions landed at the same time; 1 lands them one after the other on the polling thread.
    landing_threads: int = 6
    # --until-caught-up gives up when no partition is assigned within this time (a missing topic).
    assignment_timeout_seconds: float = 60.0


@dataclass
class ConsumerSummary:
    """Totals of one consumer run. A record is a film, a character or a box-office row."""

    messages: int = 0
    records: int = 0
    rejected: int = 0
    files: int = 0
    replaced_plans: int = 0
    lag: int | None = None
    seconds: float = 0.0
    stopped_by: str = "caught-up"
    rebalances: int = 0
    error: str | None = None

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds > 0 else 0.0

    def one_line(self) -> str:
        return (
            f"messages={self.messages} records={self.records} rejected={self.rejected} files={self.files} "
            f"replayed_batches={self.replaced_plans} rebalances={self.rebalances} lag={self.lag} "
            f"seconds={self.seconds:.2f} "
            f"records_per_second={self.records_per_second:.0f} stopped_by={self.stopped_by}"
        )


@dataclass
class PartitionBatch:
    """The messages of one partition waiting to land (lines without newlines)."""

    first_offset: int
    planned_last_offset: int | None
    started: float
    # An unplanned batch must end before the next planned file, which already holds the offsets after it.
    ceiling_offset: int | None = None
    last_offset: int = -1
    lines: list[str] = field(default_factory=list)
    rejects: list[str] = field(default_factory=list)
    messages: int = 0
    records: int = 0
    bytes: int = 0


@dataclass
class PartitionState:
    """A partition this consumer owns: where it lands, the replay plan and the batch in flight."""

    topic_partition: Any
    directories: TopicDirectories
    plan: dict[int, int]
    # The offset the next record must have: records before it were fetched for an earlier ownership.
    next_offset: int = 0
    batch: PartitionBatch | None = None


def _topic_partition(topic: str, partition: int) -> Any:
    from kafka import TopicPartition

    return TopicPartition(topic, partition)


def _offset_and_metadata(offset: int) -> Any:
    from kafka.structs import OffsetAndMetadata

    return OffsetAndMetadata(offset, "", -1)


def _is_ownership_lost(error: BaseException) -> bool:
    """The group moved on: the commit belongs to an old generation and must not be retried."""
    from kafka import errors

    return isinstance(
        error,
        errors.CommitFailedError
        | errors.RebalanceInProgressError
        | errors.IllegalGenerationError
        | errors.UnknownMemberIdError,
    )


def is_transient_kafka_error(error: BaseException) -> bool:
    """A commit that may succeed when tried again (broker restarting, coordinator moving, timeouts)."""
    from kafka import errors

    if _is_ownership_lost(error):
        return False
    unreachable = errors.KafkaTimeoutError | errors.KafkaConnectionError
    retriable = isinstance(error, errors.KafkaError) and bool(getattr(error, "retriable", False))
    return isinstance(error, unreachable) or retriable


class LandingConsumer:
    """Runs the poll, batch, land, commit loop over a ``kafka.KafkaConsumer``-like object."""

    def __init__(
        self,
        consumer: Any,
        store: LandingStore,
        config: ConsumerConfig,
        decode: Callable[[bytes | None, str, int, int], Any],
        clock: Callable[[], float] = time.monotonic,
        retry: RetryPolicy | None = None,
        kafka_url: str = "kafka://localhost:9092",
    ) -> None:
        self.consumer = consumer
        self.store = store
        self.config = config
        self.decode = decode
        self.clock = clock
        self.retry = retry or RetryPolicy()
        self.kafka_url = kafka_url
        self.states: dict[Any, PartitionState] = {}
        self.pending_assignment: set[Any] = set()
        self.summary = ConsumerSummary()
        self.ready: list[tuple[PartitionState, PartitionBatch]] = []
        self.landing_pool = (
            ThreadPoolExecutor(config.landing_threads, thread_name_prefix="landing")
            if config.landing_threads > 1
            else None
        )

    # Rebalance listener (kafka.ConsumerRebalanceListener interface) --------------------------------

    def on_partitions_revoked(self, revoked: Iterable[Any]) -> None:
        # Runs on kafka-python's IO thread while the polling thread waits in poll(), never during a
        # landing (rule 4). Uncommitted batches of a revoked partition are dropped: its next owner (maybe
        # this member again) replays them from the committed offset, following the same plan.
        self.summary.rebalances += 1
        for topic_partition in revoked:
            state = self.states.pop(topic_partition, None)
            if state is not None and state.batch is not None:
                logger.info(
                    "abandoning the batch of revoked %s at %d", topic_partition, state.batch.first_offset
                )
            self.pending_assignment.discard(topic_partition)

    def on_partitions_assigned(self, assigned: Iterable[Any]) -> None:
        # Initialised in the poll loop, right after this poll returns: the listener runs on the IO thread,
        # where kafka-python forbids blocking calls such as fetching committed offsets (rule 2).
        self.pending_assignment.update(assigned)

    def on_partitions_lost(self, lost: Iterable[Any]) -> None:
        # The member was evicted: nothing it holds may be committed; the same as a revoke for the files.
        self.on_partitions_revoked(lost)

    # Partition set-up -------------------------------------------------------------------------------

    def _start_offset(self, topic_partition: Any) -> int:
        committed = self.consumer.committed(topic_partition)
        if committed is not None:
            return committed
        return self.consumer.beginning_offsets([topic_partition])[topic_partition]

    def _initialise(self, topic_partition: Any) -> PartitionState:
        directories = topic_directories(
            self.config.landing_root, topic_partition.topic, self.config.deadletter_topic
        )
        partition = topic_partition.partition
        for directory in (directories.data, directories.rejects):
            removed = remove_temporary_files(self.store, directory, partition)
            if removed:
                logger.info("removed %d temporary files of %s in %s", removed, topic_partition, directory)
        start = self._start_offset(topic_partition)
        # Rule 2: the fetch position may still be where a previous ownership stopped reading.
        self.consumer.seek(topic_partition, start)
        ranges = self._resolved_ranges(directories, partition)
        plan = {first: last for first, last in ranges.items() if first >= start}
        overlapping = [(first, last) for first, last in ranges.items() if first < start <= last]
        if overlapping:
            logger.warning(
                "%s: committed offset %d falls inside landed files %s", topic_partition, start, overlapping
            )
        if plan:
            logger.info(
                "%s: replaying from %d along landed boundaries %s",
                topic_partition,
                start,
                sorted(plan.items()),
            )
        return PartitionState(topic_partition, directories, plan, next_offset=start)

    def _resolved_ranges(self, directories: TopicDirectories, partition: int) -> dict[int, int]:
        """Landed ranges of ``partition`` after deleting files made redundant by a zombie (rule 5)."""
        names: dict[tuple[int, int], list[str]] = {}
        for directory in (directories.data, directories.rejects):
            for first, last in _all_landed_ranges(self.store, directory, partition):
                names.setdefault((first, last), []).append(directory)
        kept, redundant = resolve_overlaps(names)
        for first, last in redundant:
            for directory in names[(first, last)]:
                path = f"{directory}/{landed_file_name(partition, first, last)}"
                logger.warning("deleting %s: its offsets are landed by other files (rule 5)", path)
                self.store.delete(path)
        return dict(kept)

    def _initialise_pending(self, fresh: set[Any]) -> None:
        # Only ``fresh``, the poll loop's snapshot of the pending set, is set up and leaves it: the listener
        # runs on the IO thread and may add a partition meanwhile (a new rebalance); clearing the whole set
        # would drop that one uninitialised, its records skipped for good and the group's lag stuck above
        # zero. The loop skips this poll's records of exactly these partitions, so both use one snapshot.
        assigned = self.consumer.assignment()
        for topic_partition in sorted(fresh, key=lambda tp: (tp.topic, tp.partition)):
            if topic_partition in assigned:
                self.states[topic_partition] = self._initialise(topic_partition)
        self.pending_assignment.difference_update(fresh)

    def _reinitialise_after_lost_commit(self, error: BaseException) -> None:
        """Rule 4: a refused commit leaves files uncommitted; start over from the committed offsets."""
        logger.warning(
            "commit refused (%s: %s): the group rebalanced; replaying from the committed offsets",
            type(error).__name__,
            error,
        )
        self.pending_assignment.update(self.states)
        self.states.clear()
        self.ready = []

    # Batching and landing -----------------------------------------------------------------------------

    def _add(self, state: PartitionState, message: Any) -> None:
        offset = message.offset
        if offset < state.next_offset:
            # Fetched for an earlier ownership or before the seek (rule 2): already in the batch or landed.
            return
        state.next_offset = offset + 1
        if state.batch is None:
            planned_last = state.plan.pop(offset, None)
            later_plans = [first for first in state.plan if first > offset]
            ceiling = min(later_plans) - 1 if planned_last is None and later_plans else None
            state.batch = PartitionBatch(offset, planned_last, self.clock(), ceiling)
        batch = state.batch
        decoded = self.decode(message.value, message.topic, message.partition, offset)
        if isinstance(decoded, DecodedMessage):
            batch.lines.append(decoded.line)
            batch.records += decoded.records
            batch.bytes += len(decoded.line) + 1
        else:
            batch.rejects.append(decoded.line)
            batch.bytes += len(decoded.line) + 1
            logger.warning("%s offset %d: %s", state.topic_partition, offset, decoded.reason)
        batch.messages += 1
        batch.last_offset = offset
        if self._is_full(batch):
            self.ready.append((state, batch))
            state.batch = None

    def _is_full(self, batch: PartitionBatch) -> bool:
        if batch.planned_last_offset is not None:
            return batch.last_offset >= batch.planned_last_offset
        if batch.ceiling_offset is not None and batch.last_offset >= batch.ceiling_offset:
            return True
        policy = self.config.policy
        return batch.messages >= policy.maximum_messages or batch.bytes >= policy.maximum_bytes

    def _write(self, state: PartitionState, batches: list[PartitionBatch]) -> None:
        """Land one partition's ready batches in offset order (runs on a landing thread)."""
        partition = state.topic_partition.partition
        for batch in batches:
            name = landed_file_name(partition, batch.first_offset, batch.last_offset)
            if batch.rejects:
                land_file(self.store, state.directories.rejects, name, batch.rejects)
            if batch.lines:
                land_file(self.store, state.directories.data, name, batch.lines)

    def _land_ready(self) -> None:
        """Land every ready batch, partitions in parallel (a WebHDFS write is mostly waiting), then commit.

        Each partition's files are renamed into place before its offsets are committed; partitions are
        independent, so landing them concurrently changes nothing in the exactly-once argument.
        """
        if not self.ready:
            return
        by_partition: dict[Any, tuple[PartitionState, list[PartitionBatch]]] = {}
        for state, batch in self.ready:
            by_partition.setdefault(state.topic_partition, (state, []))[1].append(batch)
        self.ready = []
        work = list(by_partition.values())
        if self.landing_pool is None or len(work) == 1:
            for state, batches in work:
                self._write(state, batches)
        else:
            futures = [self.landing_pool.submit(self._write, state, batches) for state, batches in work]
            for future in futures:
                future.result()
        # Committed only now: a crash before this line replays the batches into the same file names.
        offsets = {
            state.topic_partition: _offset_and_metadata(batches[-1].last_offset + 1)
            for state, batches in work
        }
        try:
            call_with_retries(
                lambda: self.consumer.commit(offsets),
                what="committing offsets",
                service=lambda _error: service_of_url(self.kafka_url),
                is_transient=is_transient_kafka_error,
                policy=self.retry,
            )
        except Exception as error:
            if not _is_ownership_lost(error):
                raise
            self._reinitialise_after_lost_commit(error)
            return
        for _, batches in work:
            for batch in batches:
                self.summary.messages += batch.messages
                self.summary.records += batch.records
                self.summary.rejected += len(batch.rejects)
                self.summary.files += int(bool(batch.lines)) + int(bool(batch.rejects))
                self.summary.replaced_plans += int(batch.planned_last_offset is not None)

    def _land_expired(self) -> None:
        now = self.clock()
        for state in list(self.states.values()):
            batch = state.batch
            expired = batch is not None and now - batch.started >= self.config.policy.maximum_seconds
            if expired and batch.planned_last_offset is None:
                self.ready.append((state, batch))
                state.batch = None
        self._land_ready()

    def _finish_or_abandon(self, finish: bool) -> None:
        for state in list(self.states.values()):
            batch = state.batch
            if batch is None:
                continue
            if finish and batch.planned_last_offset is None:
                self.ready.append((state, batch))
            else:
                # A replayed batch may only land whole (rule 3); otherwise it stays uncommitted for later.
                logger.info(
                    "abandoning uncommitted batch of %s from offset %d",
                    state.topic_partition,
                    batch.first_offset,
                )
            state.batch = None
        self._land_ready()

    # Lag ------------------------------------------------------------------------------------------------

    def lag(self) -> int | None:
        """Messages the *group* has not committed yet over every partition of the topics (rule 6).

        None while the topics have no partitions (a missing topic) or this member has partitions to
        initialise. The committed offset, not the fetch position: a fetched record is not landed.
        """
        if self.pending_assignment:
            return None
        partitions = [
            _topic_partition(topic, partition)
            for topic in self.config.topics
            for partition in sorted(self.consumer.partitions_for_topic(topic) or ())
        ]
        if not partitions:
            return None
        end_offsets = self.consumer.end_offsets(partitions)
        lag = 0
        for topic_partition in partitions:
            committed = self.consumer.committed(topic_partition)
            if committed is None:
                committed = self.consumer.beginning_offsets([topic_partition])[topic_partition]
            lag += max(0, end_offsets[topic_partition] - committed)
        return lag

    def _land_when_fetched_to_the_end(self) -> None:
        """With --until-caught-up, land the unplanned batches of partitions fetched to their end now.

        The group's lag counts only committed offsets (rule 6), so a batch waiting for its time limit
        would otherwise keep the lag above zero for up to ``maximum_seconds``.
        """
        waiting = [state for state in self.states.values() if state.batch is not None]
        if not waiting:
            return
        end_offsets = self.consumer.end_offsets([state.topic_partition for state in waiting])
        for state in waiting:
            batch = state.batch
            fetched_to_end = state.next_offset >= end_offsets[state.topic_partition]
            if batch is not None and batch.planned_last_offset is None and fetched_to_end:
                self.ready.append((state, batch))
                state.batch = None
        self._land_ready()

    def _holds_batches(self) -> bool:
        return bool(self.ready) or any(state.batch is not None for state in self.states.values())

    # The loop ---------------------------------------------------------------------------------------------

    def run(self, stop: threading.Event) -> ConsumerSummary:
        """Consume until ``stop`` is set or, with ``until_caught_up``, until the lag is zero."""
        started = self.clock()
        last_report = started
        records_at_last_report = 0
        try:
            while True:
                if stop.is_set():
                    finish = self.config.on_terminate == ON_TERMINATE_FINISH
                    self._finish_or_abandon(finish)
                    self.summary.stopped_by = "signal-finished" if finish else "signal-abandoned"
                    break
                polled = self.consumer.poll(timeout_ms=self.config.poll_timeout_milliseconds)
                fresh = set(self.pending_assignment)
                if fresh:
                    self._initialise_pending(fresh)
                for topic_partition, messages in polled.items():
                    state = self.states.get(topic_partition)
                    if state is None or topic_partition in fresh:
                        # Revoked during this poll (its new owner lands them), or assigned during it: then
                        # they come from the fetch position of before, and the seek fetches them again.
                        continue
                    for message in messages:
                        self._add(state, message)
                self._land_ready()
                self._land_expired()
                now = self.clock()
                report_due = now - last_report >= self.config.report_interval_seconds
                if self.config.until_caught_up and not polled or report_due:
                    if self.config.until_caught_up and not polled:
                        self._land_when_fetched_to_the_end()
                    lag = self.lag()
                    self.summary.lag = lag
                    if report_due:
                        rate = (self.summary.records - records_at_last_report) / (now - last_report)
                        logger.info(
                            "lag=%s landed_records=%d files=%d records_per_second=%.0f",
                            lag,
                            self.summary.records,
                            self.summary.files,
                            rate,
                        )
                        last_report, records_at_last_report = now, self.summary.records
                    if self.config.until_caught_up and not polled and lag == 0 and not self._holds_batches():
                        self._finish_or_abandon(finish=True)
                        self.summary.stopped_by = "caught-up"
                        break
                    if lag is None and now - started > self.config.assignment_timeout_seconds:
                        raise TimeoutError(
                            f"no partition of {', '.join(self.config.topics)} assigned within "
                            f"{self.config.assignment_timeout_seconds:.0f}s"
                        )
        except ServiceUnavailableError as error:
            # Rule 7: what was not committed lands on the next run; the caller exits non-zero.
            self.summary.stopped_by = "service-unavailable"
            self.summary.error = str(error)
        finally:
            self.summary.seconds = self.clock() - started
            if self.landing_pool is not None:
                self.landing_pool.shutdown(wait=True)
        return self.summary


def _all_landed_ranges(store: LandingStore, directory: str, partition: int) -> list[tuple[int, int]]:
    """Every ``(first, last)`` of ``partition`` in ``directory``, including several with the same first."""
    from hyperion.ingest.landing import parse_landed_file_name

    ranges = []
    for name in store.list_names(directory):
        parsed = parse_landed_file_name(name)
        if parsed is not None and parsed[0] == partition:
            ranges.append((parsed[1], parsed[2]))
    return ranges


def rebalance_listener(landing: LandingConsumer) -> Any:
    """A ``kafka.ConsumerRebalanceListener`` forwarding to ``landing`` (kafka-python checks the type)."""
    from kafka import ConsumerRebalanceListener

    class _Listener(ConsumerRebalanceListener):
        def on_partitions_revoked(self, revoked: Any) -> None:
            landing.on_partitions_revoked(revoked)

        def on_partitions_assigned(self, assigned: Any) -> None:
            landing.on_partitions_assigned(assigned)

        def on_partitions_lost(self, lost: Any) -> None:
            landing.on_partitions_lost(lost)

    return _Listener()
