"""Benchmark ingest at 1M box-office records: producer, consumer landing, end to end, consumer memory,
and Kafka's own Java producer (org.apache.kafka.tools.ProducerPerformance) on the same broker.

A record is one box-office row; the producers send one message per film-day (--scale 2 gives 102 rows,
about 5.3 KB of JSON, per message), compressed with lz4. "Same record count and size" for the Java tool
therefore means the same messages: ProducerPerformance sends our message count, read from a payload file
holding our own serialized messages (so compression sees the same bytes), with the same acks=all,
idempotence, lz4, batch size and linger. A second Java run with --record-size at our mean message size
(random payload) is reported for reference. Our producer's ratio is message throughput against the
payload-file run (equal message counts and sizes, so it equals the byte-throughput ratio).

Runs, each on its own fresh topics (bench-<id>-raw-*, deleted afterwards) and HDFS root /tests/bench-<id>:
1. end to end: the consumer and the producer start together; the clock stops when the consumer group has
   committed every offset, i.e. when the last row has landed in HDFS;
2. consumer alone: a new group lands the same topic again (landing records/s, RSS sampled every 0.1 s);
   then 2x more rows are added to the topic and a third group lands all 3x: its peak RSS shows whether
   memory stays flat as the topic grows;
3. producer alone, on an empty topic (producer records/s);
4. the Java tool twice, as described above.

Inputs:  --rows (default 1000000), --scale (default 2), --seed (default 42); the running stack.
Outputs: a Markdown table on stdout; progress on stderr.

Run:
    .venv/bin/python bench/bench_ingest.py
"""

from __future__ import annotations

import argparse
import datetime
import logging
import os
import platform
import re
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import psutil
from hdfs import InsecureClient

from hyperion.config import REPOSITORY_ROOT, Settings, get_settings
from hyperion.ingest.producer import BATCH_SIZE_BYTES, LINGER_MILLISECONDS, encode_message, new_run_id
from hyperion.ingest.topics import (
    admin_client,
    create_topics,
    delete_topics,
    load_topic_specs,
    specs_for_settings,
)
from hyperion.logs import configure_logging
from hyperion.runtime.java import find_java
from hyperion.sources.adapters import iter_generated_boxoffice
from hyperion.sources.boxoffice import theatrical_films
from hyperion.sources.catalog import DEFAULT_DATA_DIR, load_catalog

logger = logging.getLogger("bench_ingest")

PRODUCER = REPOSITORY_ROOT / "producers" / "boxoffice_producer.py"
CONSUMER = REPOSITORY_ROOT / "consumers" / "hdfs_consumer.py"
JAVA_TOOL = "org.apache.kafka.tools.ProducerPerformance"


@dataclass
class Topics:
    settings: Settings
    environment: dict[str, str]
    names: list[str]


def fresh_topics(label: str) -> Topics:
    run = uuid.uuid4().hex[:8]
    overrides = {
        f"HYPERION_TOPIC_{role.upper()}": f"bench-{run}-{label}-raw-{role}"
        for role in ("films", "characters", "boxoffice", "deadletter")
    }
    environment = {**os.environ, **overrides}
    settings = Settings.from_environment(environment)
    specs = specs_for_settings(settings, load_topic_specs())
    specs = [spec for spec in specs if spec.role in ("boxoffice", "deadletter")]
    admin = admin_client(settings)
    create_topics(admin, specs)
    admin.close()
    return Topics(settings, environment, [spec.name for spec in specs])


@dataclass
class MemorySampler:
    """Samples a process's RSS every 0.1 s in a thread."""

    pid: int
    samples: list[tuple[float, int]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        process = psutil.Process(self.pid)
        started = time.monotonic()
        while not self.stop.is_set():
            try:
                rss = process.memory_info().rss
            except psutil.NoSuchProcess:
                return
            if rss > 0:  # an exited process that is not reaped yet reports 0
                self.samples.append((time.monotonic() - started, rss))
            time.sleep(0.1)

    def __enter__(self) -> MemorySampler:
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exception: object) -> None:
        self.stop.set()
        self.thread.join()

    @property
    def peak_mebibytes(self) -> float:
        return max(rss for _, rss in self.samples) / 2**20 if self.samples else 0.0

    def quartiles_mebibytes(self) -> list[float]:
        """RSS at 25, 50, 75 and 100 percent of the run's duration."""
        if not self.samples:
            return []
        end = self.samples[-1][0]
        picks = []
        for fraction in (0.25, 0.5, 0.75, 1.0):
            rss = [rss for moment, rss in self.samples if moment <= fraction * end][-1]
            picks.append(rss / 2**20)
        return picks


def summary_fields(stdout: str) -> dict[str, str]:
    line = [line for line in stdout.splitlines() if "=" in line][-1]
    return dict(item.split("=", 1) for item in line.split())


def producer_command(arguments: argparse.Namespace) -> list[str]:
    return [
        sys.executable,
        str(PRODUCER),
        "--no-progress",
        "--seed",
        arguments.seed,
        "--scale",
        str(arguments.scale),
        "--max-rows",
        str(arguments.rows),
    ]


def consumer_command(topics: Topics, group: str, root: str, *extra: str) -> list[str]:
    return [
        sys.executable,
        str(CONSUMER),
        "--group",
        group,
        "--landing-root",
        root,
        "--topics",
        topics.settings.topic_boxoffice,
        *extra,
    ]


def committed_everything(topics: Topics, group: str) -> bool:
    from kafka import KafkaConsumer, TopicPartition

    consumer = KafkaConsumer(
        bootstrap_servers=topics.settings.kafka_bootstrap_servers, group_id=group, enable_auto_commit=False
    )
    try:
        topic = topics.settings.topic_boxoffice
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
        ends = consumer.end_offsets(partitions)
        return all((consumer.committed(tp) or 0) >= ends[tp] for tp in partitions) and sum(ends.values()) > 0
    finally:
        consumer.close()


def end_to_end(arguments: argparse.Namespace, topics: Topics, root: str) -> dict[str, object]:
    group = f"bench-e2e-{uuid.uuid4().hex[:6]}"
    consumer = subprocess.Popen(
        consumer_command(topics, group, root, "--batch-seconds", "2"),
        env=topics.environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    with MemorySampler(consumer.pid) as memory:
        started = time.monotonic()
        produced = subprocess.run(
            producer_command(arguments), env=topics.environment, capture_output=True, text=True
        )
        if produced.returncode != 0:
            raise RuntimeError(produced.stderr[-2000:])
        while not committed_everything(topics, group):
            time.sleep(0.2)
        seconds = time.monotonic() - started
        consumer.terminate()
        consumer.communicate(timeout=60)
    fields = summary_fields(produced.stdout)
    return {"seconds": seconds, "producer": fields, "peak_mebibytes": memory.peak_mebibytes}


def consumer_alone(topics: Topics, root: str) -> dict[str, object]:
    group = f"bench-consumer-{uuid.uuid4().hex[:6]}"
    command = consumer_command(topics, group, root, "--until-caught-up")
    process = subprocess.Popen(
        command, env=topics.environment, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    with MemorySampler(process.pid) as memory:
        stdout, _ = process.communicate(timeout=600)
    if process.returncode != 0:
        raise RuntimeError("consumer failed")
    return {
        "summary": summary_fields(stdout),
        "peak": memory.peak_mebibytes,
        "quartiles": memory.quartiles_mebibytes(),
    }


def producer_alone(arguments: argparse.Namespace, topics: Topics) -> dict[str, str]:
    produced = subprocess.run(
        producer_command(arguments), env=topics.environment, capture_output=True, text=True
    )
    if produced.returncode != 0:
        raise RuntimeError(produced.stderr[-2000:])
    return summary_fields(produced.stdout)


def write_payload_file(arguments: argparse.Namespace, path: Path) -> tuple[int, float]:
    """Our own serialized messages, one per line; returns their count and mean size in bytes."""
    films = theatrical_films({"films": load_catalog(DEFAULT_DATA_DIR / "complete_movie_list.json")})
    run_id = new_run_id()
    count = total = 0
    with path.open("wb") as handle:
        for item in iter_generated_boxoffice(films, arguments.seed, arguments.scale, arguments.rows):
            value = encode_message(item, run_id)
            handle.write(value + b"\n")
            count += 1
            total += len(value)
    return count, total / count


def java_producer_performance(
    settings: Settings, topic: str, records: int, size_options: list[str]
) -> dict[str, float]:
    java = find_java(17)
    library = Path(settings.cache_directory) / "kafka-4.1.1" / "lib"
    command = [
        str(java.executable),
        "-Xmx1g",
        "-cp",
        f"{library}/*",
        JAVA_TOOL,
        "--topic",
        topic,
        "--num-records",
        str(records),
        *size_options,
        "--throughput",
        "-1",
        "--producer-props",
        f"bootstrap.servers={settings.kafka_bootstrap_servers}",
        "acks=all",
        "enable.idempotence=true",
        "compression.type=lz4",
        f"batch.size={BATCH_SIZE_BYTES}",
        f"linger.ms={LINGER_MILLISECONDS}",
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=600)
    if completed.returncode != 0:
        raise RuntimeError(completed.stderr[-2000:])
    final = completed.stdout.strip().splitlines()[-1]
    match = re.search(r"([\d.]+) records/sec \(([\d.]+) MB/sec\)", final)
    if match is None:
        raise RuntimeError(f"unexpected ProducerPerformance output: {final}")
    return {
        "messages_per_second": float(match.group(1)),
        "megabytes_per_second": float(match.group(2)),
        "line": final,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--scale", type=int, default=2)
    parser.add_argument("--seed", default="42")
    arguments = parser.parse_args(argv)
    configure_logging()
    logging.getLogger("kafka").setLevel(logging.ERROR)
    settings = get_settings()
    client = InsecureClient(settings.webhdfs_url, user=settings.hdfs_user)
    root = f"/tests/bench-{uuid.uuid4().hex[:8]}"
    created: list[Topics] = []
    try:
        logger.info("1/4 end to end (%d rows)", arguments.rows)
        first = fresh_topics("e2e")
        created.append(first)
        e2e = end_to_end(arguments, first, f"{root}/e2e")
        logger.info("2/4 consumer alone")
        alone = consumer_alone(first, f"{root}/consumer")
        logger.info("2b/4 consumer alone on three times the rows (memory flatness)")
        more = argparse.Namespace(
            **{**vars(arguments), "rows": 2 * arguments.rows, "seed": f"{arguments.seed}-more"}
        )
        producer_alone(more, first)
        alone_triple = consumer_alone(first, f"{root}/consumer-triple")
        logger.info("3/4 producer alone")
        second = fresh_topics("producer")
        created.append(second)
        producer = producer_alone(arguments, second)
        logger.info("4/4 Java ProducerPerformance")
        third = fresh_topics("java")
        created.append(third)
        with tempfile.TemporaryDirectory() as directory:
            payload = Path(directory) / "messages.txt"
            messages, mean_size = write_payload_file(arguments, payload)
            java_same = java_producer_performance(
                settings, third.settings.topic_boxoffice, messages, ["--payload-file", str(payload)]
            )
        java_random = java_producer_performance(
            settings, third.settings.topic_boxoffice, messages, ["--record-size", str(round(mean_size))]
        )
    finally:
        admin = admin_client(settings)
        for topics in created:
            delete_topics(admin, topics.names)
        admin.close()
        client.delete(root, recursive=True)

    producer_seconds = float(producer["seconds"])
    producer_messages_per_second = int(producer["messages"]) / producer_seconds
    ratio = producer_messages_per_second / java_same["messages_per_second"]
    consumer = alone["summary"]
    memory = psutil.virtual_memory().total / 2**30
    machine = (
        f"{platform.node()}, {os.cpu_count()} cores, {memory:.0f} GiB, Python {platform.python_version()}"
    )
    now = datetime.datetime.now(datetime.UTC)
    rows, e2e_seconds = arguments.rows, e2e["seconds"]
    lines = [
        f"Ingest benchmark, {now:%Y-%m-%d %H:%M} UTC, {machine}",
        f"Command: .venv/bin/python bench/bench_ingest.py --rows {rows} --scale {arguments.scale} "
        f"--seed {arguments.seed}",
        f"{rows} rows in {messages} film-day messages, mean {mean_size:.0f} bytes, lz4, acks=all, idempotent",
        "",
        "| measure | value |",
        "|---|---|",
        f"| producer alone | {float(producer['records_per_second']):,.0f} records/s "
        f"({producer_messages_per_second:,.0f} messages/s, {producer_seconds:.2f} s) |",
        f"| producer during end to end | {float(e2e['producer']['records_per_second']):,.0f} records/s |",
        f"| consumer landing alone | {float(consumer['records_per_second']):,.0f} records/s "
        f"({consumer['files']} files, {float(consumer['seconds']):.2f} s) |",
        f"| end to end (produce start to last commit) | {rows / e2e_seconds:,.0f} records/s "
        f"({e2e_seconds:.2f} s) |",
        f"| consumer peak RSS, alone / end to end | {alone['peak']:.0f} MiB / "
        f"{e2e['peak_mebibytes']:.0f} MiB |",
        "| consumer RSS at 25/50/75/100% of the run | "
        + " / ".join(f"{value:.0f}" for value in alone["quartiles"])
        + " MiB |",
        f"| consumer peak RSS landing {3 * rows:,} rows (same topic plus {2 * rows:,}) | "
        f"{alone_triple['peak']:.0f} MiB "
        f"({float(alone_triple['summary']['records_per_second']):,.0f} records/s) |",
        f"| Java ProducerPerformance, our messages (payload file) | {java_same['messages_per_second']:,.0f} "
        f"messages/s ({java_same['megabytes_per_second']:.1f} MB/s) |",
        f"| Java ProducerPerformance, --record-size {round(mean_size)} | "
        f"{java_random['messages_per_second']:,.0f} messages/s "
        f"({java_random['megabytes_per_second']:.1f} MB/s) |",
        f"| our producer / Java (same messages) | {ratio:.0%} |",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
