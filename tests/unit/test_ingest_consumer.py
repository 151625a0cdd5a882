"""The landing loop against a hand-written fake broker and an in-memory file store.

The crash tests stop the loop at every store operation and at the commit in turn, restart a fresh
consumer on the same broker state and files, and check that what landed is exactly the log: every
offset once, no overlapping files, the same bytes as a run without a crash.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import namedtuple

import pytest
from kafka import TopicPartition

from hyperion.ingest.consumer import BatchPolicy, ConsumerConfig, LandingConsumer
from hyperion.ingest.landing import decode_message, parse_landed_file_name
from hyperion.ingest.reconcile import offset_coverage_problems

Message = namedtuple("Message", "topic partition offset value")


class SimulatedCrashError(Exception):
    """Stands for kill -9: raised out of the loop at a chosen operation."""


class MemoryStore:
    """LandingStore in memory; ``crash_at`` makes the n-th mutating operation raise before it happens."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.operations = 0
        self.crash_at: int | None = None

    def _tick(self) -> None:
        self.operations += 1
        if self.crash_at is not None and self.operations == self.crash_at:
            raise SimulatedCrashError(f"crash at store operation {self.operations}")

    def list_names(self, directory: str) -> list[str]:
        prefix = directory.rstrip("/") + "/"
        return sorted(
            {
                path[len(prefix) :]
                for path in self.files
                if path.startswith(prefix) and "/" not in path[len(prefix) :]
            }
        )

    def write(self, path: str, chunks) -> None:
        self._tick()
        self.files[path] = b"".join(chunks)

    def exists(self, path: str) -> bool:
        return path in self.files

    def delete(self, path: str) -> None:
        self._tick()
        del self.files[path]

    def rename(self, source: str, target: str) -> None:
        self._tick()
        if target in self.files:
            raise OSError("rename target exists (WebHDFS semantics)")
        self.files[target] = self.files.pop(source)


class FakeBroker:
    """Logs and committed offsets that outlive a consumer, like a real broker."""

    def __init__(self, logs: dict[TopicPartition, list[bytes]]) -> None:
        self.logs = logs
        self.committed: dict[TopicPartition, int] = {}
        self.commits = 0
        self.crash_at_commit: int | None = None


class FakeConsumer:
    """The KafkaConsumer calls LandingConsumer makes; ``poll_size`` messages per partition and poll.

    Like kafka-python 3.0, a rebalance (``rebalance_at_polls``) that gives the partitions back to the same
    member runs the listener inside ``poll()``, keeps the fetch positions, and the same poll returns
    records from them.
    """

    def __init__(self, broker: FakeBroker, poll_size: int, rebalance_at_polls: tuple[int, ...] = ()) -> None:
        self.broker = broker
        self.poll_size = poll_size
        self.positions: dict[TopicPartition, int] = {}
        self.listener = None
        self.poll_count = 0
        self.rebalance_at_polls = rebalance_at_polls

    def assignment(self) -> set[TopicPartition]:
        return set(self.positions)

    def seek(self, tp: TopicPartition, offset: int) -> None:
        assert tp in self.positions, "seek of an unassigned partition"
        self.positions[tp] = offset

    def partitions_for_topic(self, topic: str) -> set[int]:
        return {tp.partition for tp in self.broker.logs if tp.topic == topic}

    def poll(self, timeout_ms: int) -> dict[TopicPartition, list[Message]]:
        self.poll_count += 1
        if not self.positions:
            self.positions = {tp: self.broker.committed.get(tp, 0) for tp in self.broker.logs}
            self.listener.on_partitions_assigned(list(self.broker.logs))
            return {}
        if self.poll_count in self.rebalance_at_polls:
            self.listener.on_partitions_revoked(list(self.positions))
            self.listener.on_partitions_assigned(list(self.positions))
        polled = {}
        for tp, log in self.broker.logs.items():
            start = self.positions[tp]
            values = log[start : start + self.poll_size]
            if values:
                polled[tp] = [
                    Message(tp.topic, tp.partition, start + index, value)
                    for index, value in enumerate(values)
                ]
                self.positions[tp] = start + len(values)
        return polled

    def committed(self, tp: TopicPartition) -> int | None:
        return self.broker.committed.get(tp)

    def beginning_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: 0 for tp in tps}

    def end_offsets(self, tps: list[TopicPartition]) -> dict[TopicPartition, int]:
        return {tp: len(self.broker.logs[tp]) for tp in tps}

    def position(self, tp: TopicPartition) -> int:
        return self.positions[tp]

    def commit(self, offsets: dict) -> None:
        self.broker.commits += 1
        if self.broker.crash_at_commit is not None and self.broker.commits == self.broker.crash_at_commit:
            raise SimulatedCrashError("crash before the commit reached the broker")
        for tp, offset_and_metadata in offsets.items():
            self.broker.committed[tp] = offset_and_metadata.offset


class StepClock:
    """A clock that advances one second per reading, so time-based flushes happen mid-run."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def make_logs() -> dict[TopicPartition, list[bytes]]:
    logs = {}
    for partition in range(2):
        values = []
        for offset in range(23):
            if partition == 1 and offset in (5, 17):
                values.append(b"\xff not json")
            else:
                envelope = {
                    "schema_version": 1,
                    "payload": {"film_id": f"film-{partition}-{offset}", "rows": [1, 2]},
                }
                values.append(json.dumps(envelope).encode())
        logs[TopicPartition("raw-boxoffice", partition)] = values
    return logs


def run_once(
    broker: FakeBroker,
    store: MemoryStore,
    policy: BatchPolicy,
    poll_size: int,
    clock: StepClock,
    landing_threads: int = 1,
    rebalance_at_polls: tuple[int, ...] = (),
) -> None:
    config = ConsumerConfig(
        group_id="test",
        topics=("raw-boxoffice",),
        deadletter_topic="raw-deadletter",
        landing_root="/land",
        policy=policy,
        until_caught_up=True,
        report_interval_seconds=1e9,
        landing_threads=landing_threads,
    )
    consumer = FakeConsumer(broker, poll_size, rebalance_at_polls)
    landing = LandingConsumer(consumer, store, config, decode_message, clock=clock)
    consumer.listener = landing
    landing.run(threading.Event())


def landed_offsets(store: MemoryStore) -> list[tuple[str, int, int]]:
    offsets = []
    for path, data in store.files.items():
        if "/_tmp/" in path:
            continue
        for line in data.decode().splitlines():
            document = json.loads(line)
            kind = "reject" if "/rejects/" in path else "data"
            partition = document.get("kafka_partition", document.get("partition"))
            offset = document.get("kafka_offset", document.get("offset"))
            offsets.append((kind, partition, offset))
    return sorted(offsets, key=lambda item: (item[1], item[2]))


def expected_offsets() -> list[tuple[str, int, int]]:
    expected = []
    for partition in range(2):
        for offset in range(23):
            bad = partition == 1 and offset in (5, 17)
            expected.append(("reject" if bad else "data", partition, offset))
    return expected


def landed_names(store: MemoryStore) -> list[str]:
    return [path.rsplit("/", 1)[1] for path in store.files if "/_tmp/" not in path]


POLICY = BatchPolicy(maximum_messages=5, maximum_bytes=10**9, maximum_seconds=7.0)
# A restart may batch differently (other timing, other options); the landed boundaries must still win.
RESTART_POLICY = BatchPolicy(maximum_messages=4, maximum_bytes=10**9, maximum_seconds=5.0)


def test_a_clean_run_lands_every_offset_once_and_rejects_undecodable_messages():
    broker, store = FakeBroker(make_logs()), MemoryStore()
    run_once(broker, store, POLICY, poll_size=3, clock=StepClock())

    assert landed_offsets(store) == expected_offsets()
    assert broker.committed == {tp: 23 for tp in broker.logs}
    data_names = [
        path.rsplit("/", 1)[1] for path in store.files if path.startswith("/land/raw/raw-boxoffice/")
    ]
    reject_names = [
        path.rsplit("/", 1)[1] for path in store.files if path.startswith("/land/rejects/consume/")
    ]
    assert offset_coverage_problems(data_names + reject_names, {0: 23, 1: 23}) == []
    reject_lines = [
        json.loads(line)
        for name in reject_names
        for line in store.files[f"/land/rejects/consume/raw-boxoffice/{name}"].decode().splitlines()
    ]
    assert {(line["partition"], line["offset"]) for line in reject_lines} == {(1, 5), (1, 17)}
    assert all(
        line["stage"] == "consume" and line["reason"].startswith("undecodable") for line in reject_lines
    )


def test_parallel_landing_gives_the_same_files_as_sequential_landing():
    sequential_broker, sequential = FakeBroker(make_logs()), MemoryStore()
    run_once(sequential_broker, sequential, POLICY, poll_size=3, clock=StepClock())
    parallel_broker, parallel = FakeBroker(make_logs()), MemoryStore()
    run_once(parallel_broker, parallel, POLICY, poll_size=3, clock=StepClock(), landing_threads=4)
    assert {path: data for path, data in parallel.files.items() if "/_tmp/" not in path} == {
        path: data for path, data in sequential.files.items() if "/_tmp/" not in path
    }
    assert parallel_broker.committed == sequential_broker.committed


def test_landed_lines_are_the_envelope_plus_partition_and_offset():
    broker, store = FakeBroker(make_logs()), MemoryStore()
    run_once(broker, store, POLICY, poll_size=3, clock=StepClock())
    first_file = sorted(
        path for path in store.files if path.startswith("/land/raw/raw-boxoffice/part-00000-")
    )[0]
    first_line = json.loads(store.files[first_file].decode().splitlines()[0])
    assert first_line == {
        "schema_version": 1,
        "payload": {"film_id": "film-0-0", "rows": [1, 2]},
        "kafka_partition": 0,
        "kafka_offset": 0,
    }


def clean_run_counts() -> tuple[int, int]:
    broker, store = FakeBroker(make_logs()), MemoryStore()
    run_once(broker, store, POLICY, poll_size=3, clock=StepClock())
    return store.operations, broker.commits


def test_a_crash_at_every_store_operation_and_commit_then_restart_lands_exactly_the_log():
    operations, commits = clean_run_counts()
    assert operations > 20 and commits >= 5
    crash_points = [("store", operation) for operation in range(1, operations + 1)]
    crash_points += [("commit", commit) for commit in range(1, commits + 1)]
    for where, when in crash_points:
        broker, store = FakeBroker(make_logs()), MemoryStore()
        if where == "store":
            store.crash_at = when
        else:
            broker.crash_at_commit = when
        with pytest.raises(SimulatedCrashError):
            run_once(broker, store, POLICY, poll_size=3, clock=StepClock())

        # The restart polls in other sizes and at other times, so its own batch boundaries would differ.
        store.crash_at = None
        broker.crash_at_commit = None
        run_once(broker, store, RESTART_POLICY, poll_size=4, clock=StepClock(start=0.5))

        assert landed_offsets(store) == expected_offsets(), (where, when)
        assert offset_coverage_problems(landed_names(store), {0: 23, 1: 23}) == [], (where, when)
        assert not [path for path in store.files if "/_tmp/" in path], (where, when)
        assert broker.committed == {tp: 23 for tp in broker.logs}, (where, when)


def test_repeated_crashes_still_land_exactly_the_log():
    broker, store = FakeBroker(make_logs()), MemoryStore()
    for attempt, poll_size in zip(itertools.count(), (2, 3, 5, 1, 4), strict=False):
        store.operations = 0
        store.crash_at = 3 + attempt
        try:
            policy = POLICY if attempt % 2 else RESTART_POLICY
            run_once(broker, store, policy, poll_size=poll_size, clock=StepClock(start=attempt / 3))
        except SimulatedCrashError:
            continue
    store.crash_at = None
    run_once(broker, store, RESTART_POLICY, poll_size=7, clock=StepClock())
    assert landed_offsets(store) == expected_offsets()
    assert offset_coverage_problems(landed_names(store), {0: 23, 1: 23}) == []


def test_a_replayed_batch_keeps_its_landed_boundaries():
    broker, store = FakeBroker(make_logs()), MemoryStore()
    # A crash at the first commit: the first batch's file is in place, its offsets are not committed.
    broker.crash_at_commit = 1
    with pytest.raises(SimulatedCrashError):
        run_once(broker, store, POLICY, poll_size=3, clock=StepClock())
    before = {path: data for path, data in store.files.items() if "/_tmp/" not in path}
    assert before and all(parse_landed_file_name(path.rsplit("/", 1)[1])[2] < 22 for path in before)

    broker.crash_at_commit = None
    bigger = BatchPolicy(maximum_messages=50, maximum_bytes=10**9, maximum_seconds=1e9)
    run_once(broker, store, bigger, poll_size=10, clock=StepClock())

    # With the bigger policy the replay would have batched 0..22 at once; it ends at the landed boundaries.
    for path, data in before.items():
        assert store.files[path] == data
    assert offset_coverage_problems(landed_names(store), {0: 23, 1: 23}) == []


class StoppingConsumer(FakeConsumer):
    """Sets the stop event after ``polls`` polls, as the SIGTERM handler would."""

    def __init__(self, broker: FakeBroker, poll_size: int, stop: threading.Event, polls: int) -> None:
        super().__init__(broker, poll_size)
        self.stop, self.polls = stop, polls

    def poll(self, timeout_ms: int) -> dict[TopicPartition, list[Message]]:
        self.polls -= 1
        if self.polls == 0:
            self.stop.set()
        return super().poll(timeout_ms)


@pytest.mark.parametrize("on_terminate", ["finish", "abandon"])
def test_a_stop_request_finishes_or_abandons_the_batch_in_flight(on_terminate: str):
    broker, store = FakeBroker(make_logs()), MemoryStore()
    stop = threading.Event()
    consumer = StoppingConsumer(broker, poll_size=3, stop=stop, polls=3)
    config = ConsumerConfig(
        group_id="test",
        topics=("raw-boxoffice",),
        deadletter_topic="raw-deadletter",
        landing_root="/land",
        policy=POLICY,
        on_terminate=on_terminate,
        landing_threads=1,
    )
    landing = LandingConsumer(consumer, store, config, decode_message, clock=StepClock())
    consumer.listener = landing
    summary = landing.run(stop)

    # Two polls of 3 messages per partition: a full batch of 5 landed, 1 message per partition in flight.
    in_flight_landed = on_terminate == "finish"
    assert summary.stopped_by == f"signal-{on_terminate}ed"
    assert broker.committed == {tp: 6 if in_flight_landed else 5 for tp in broker.logs}
    assert summary.messages == (12 if in_flight_landed else 10)

    run_once(broker, store, RESTART_POLICY, poll_size=4, clock=StepClock())
    assert landed_offsets(store) == expected_offsets()
    assert offset_coverage_problems(landed_names(store), {0: 23, 1: 23}) == []


def test_a_batch_never_grows_into_a_later_landed_file():
    # A replay crashed after deleting the first planned file and before renaming its replacement: the
    # committed offset is 0, offsets 0..2 have no file, and 3..5 are still in place.
    broker, store = FakeBroker(make_logs()), MemoryStore()
    reference_broker, reference = FakeBroker(make_logs()), MemoryStore()
    run_once(reference_broker, reference, BatchPolicy(3, 10**9, 1e9), poll_size=3, clock=StepClock())
    kept = "/land/raw/raw-boxoffice/part-00000-000000000003-000000000005.jsonl"
    store.files[kept] = reference.files[kept]

    run_once(broker, store, POLICY, poll_size=4, clock=StepClock())

    assert landed_offsets(store) == expected_offsets()
    assert offset_coverage_problems(landed_names(store), {0: 23, 1: 23}) == []
    assert store.files[kept] == reference.files[kept]


def test_a_partition_given_back_to_the_same_member_resumes_from_its_committed_offset():
    # Rebalances while batches are in flight (3 messages per poll, batches of 5): kafka-python keeps the
    # fetch position, so without a seek the abandoned batches' offsets would never land.
    broker, store = FakeBroker(make_logs()), MemoryStore()
    run_once(broker, store, POLICY, poll_size=3, clock=StepClock(), rebalance_at_polls=(3, 5, 6, 9))
    assert landed_offsets(store) == expected_offsets()
    assert offset_coverage_problems(landed_names(store), {0: 23, 1: 23}) == []
    assert broker.committed == {tp: 23 for tp in broker.logs}


class CommitRefusingConsumer(FakeConsumer):
    """The first commit is refused as after a rebalance (the group moved on); the files stay uncommitted."""

    def __init__(self, broker: FakeBroker, poll_size: int) -> None:
        super().__init__(broker, poll_size)
        self.refused = 0

    def commit(self, offsets: dict) -> None:
        from kafka.errors import CommitFailedError

        if not self.refused:
            self.refused += 1
            raise CommitFailedError()
        super().commit(offsets)


def test_a_refused_commit_replays_along_the_landed_files():
    broker, store = FakeBroker(make_logs()), MemoryStore()
    config = ConsumerConfig(
        group_id="test",
        topics=("raw-boxoffice",),
        deadletter_topic="raw-deadletter",
        landing_root="/land",
        policy=POLICY,
        until_caught_up=True,
        report_interval_seconds=1e9,
        landing_threads=1,
    )
    consumer = CommitRefusingConsumer(broker, poll_size=3)
    landing = LandingConsumer(consumer, store, config, decode_message, clock=StepClock())
    consumer.listener = landing
    summary = landing.run(threading.Event())
    assert consumer.refused == 1 and summary.replaced_plans >= 1
    assert landed_offsets(store) == expected_offsets()
    assert offset_coverage_problems(landed_names(store), {0: 23, 1: 23}) == []


def test_caught_up_waits_for_partitions_the_group_has_not_committed():
    # This member owns partition 0 only; partition 1 (a dead peer's) is uncommitted: lag counts it.
    broker, store = FakeBroker(make_logs()), MemoryStore()
    partition_0, partition_1 = sorted(broker.logs)
    broker.committed[partition_1] = 20
    consumer = FakeConsumer(broker, poll_size=3)
    consumer.positions = {partition_0: 23}
    config = ConsumerConfig("test", ("raw-boxoffice",), "raw-deadletter", landing_root="/land")
    landing = LandingConsumer(consumer, store, config, decode_message, clock=StepClock())
    landing.states[partition_0] = landing._initialise(partition_0)
    broker.committed[partition_0] = 23
    assert landing.lag() == 3
    broker.committed[partition_1] = 23
    assert landing.lag() == 0


class AssignedDuringSetUpConsumer(FakeConsumer):
    """Partition 1 is assigned (by the listener, on kafka-python's IO thread) while the poll loop is still
    setting up partition 0, as a second rebalance right after the first one does."""

    def poll(self, timeout_ms: int) -> dict[TopicPartition, list[Message]]:
        if not self.positions:
            self.poll_count += 1
            partition_0 = min(self.broker.logs)
            self.positions = {partition_0: self.broker.committed.get(partition_0, 0)}
            self.listener.on_partitions_assigned([partition_0])
            return {}
        return super().poll(timeout_ms)

    def committed(self, tp: TopicPartition) -> int | None:
        late = [other for other in self.broker.logs if other not in self.positions]
        if late:
            self.positions.update({other: self.broker.committed.get(other, 0) for other in late})
            self.listener.on_partitions_assigned(late)
        return super().committed(tp)


def test_a_partition_assigned_while_others_are_set_up_is_set_up_too():
    # Before the fix the poll loop cleared every pending partition after setting up its snapshot, so
    # partition 1 stayed without state: its records were skipped and the group's lag never reached zero.
    broker, store = FakeBroker(make_logs()), MemoryStore()
    config = ConsumerConfig(
        "test",
        ("raw-boxoffice",),
        "raw-deadletter",
        landing_root="/land",
        policy=POLICY,
        until_caught_up=True,
    )
    consumer = AssignedDuringSetUpConsumer(broker, poll_size=3)
    landing = LandingConsumer(consumer, store, config, decode_message, clock=StepClock())
    consumer.listener = landing
    stop = threading.Event()
    runner = threading.Thread(target=landing.run, args=(stop,), daemon=True)
    runner.start()
    runner.join(timeout=30)
    stop.set()
    runner.join(timeout=10)
    assert landing.summary.stopped_by == "caught-up"
    assert landed_offsets(store) == expected_offsets()
    assert broker.committed == {tp: 23 for tp in broker.logs}
