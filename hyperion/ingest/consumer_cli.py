"""The HDFS landing consumer's command line: its options, its Kafka client options, and its run.

``consumers/hdfs_consumer.py`` is a thin ``main`` around :func:`consumer_main`. Endpoints and topic names
come from ``hyperion.config`` (``HYPERION_*``); the options here only choose the group, the landing root
and the batching.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from typing import Any

from hyperion.config import Settings, get_settings
from hyperion.ingest.consumer import (
    ON_TERMINATE_ABANDON,
    ON_TERMINATE_FINISH,
    BatchPolicy,
    ConsumerConfig,
    LandingConsumer,
    rebalance_listener,
)
from hyperion.ingest.landing import RetryingStore, decode_message, hdfs_service_of_error, webhdfs_store
from hyperion.ingest.retrying import RetryPolicy
from hyperion.logs import configure_logging

logger = logging.getLogger(__name__)

DEFAULT_GROUP_ID = "hyperion-landing"
# Fetch limits bound what one poll can bring into memory, on top of the per-partition batch limits.
FETCH_MAXIMUM_BYTES = 16 * 1024 * 1024
PARTITION_FETCH_MAXIMUM_BYTES = 4 * 1024 * 1024
MAXIMUM_POLL_RECORDS = 500
DEFAULT_SESSION_TIMEOUT_MILLISECONDS = 10_000


def add_consumer_arguments(parser: argparse.ArgumentParser) -> None:
    """The consumer's options (the lead's Makefile and scripts/04_consume.py pass them through)."""
    parser.add_argument(
        "--topics",
        nargs="+",
        help="topics to land (default: the three raw topics and the dead-letter topic from the settings)",
    )
    parser.add_argument(
        "--group",
        default=DEFAULT_GROUP_ID,
        help=f"consumer group, one per pipeline (default {DEFAULT_GROUP_ID})",
    )
    parser.add_argument(
        "--landing-root",
        default="/",
        help="HDFS folder holding raw/ and rejects/ (default /; tests use their own)",
    )
    parser.add_argument("--until-caught-up", action="store_true", help="exit once the lag is zero")
    parser.add_argument("--batch-messages", type=int, default=BatchPolicy.maximum_messages)
    parser.add_argument("--batch-bytes", type=int, default=BatchPolicy.maximum_bytes)
    parser.add_argument("--batch-seconds", type=float, default=BatchPolicy.maximum_seconds)
    parser.add_argument(
        "--on-terminate",
        choices=(ON_TERMINATE_FINISH, ON_TERMINATE_ABANDON),
        default=ON_TERMINATE_FINISH,
        help="on SIGTERM/SIGINT, land the batches in flight (finish) or drop them uncommitted (abandon)",
    )
    parser.add_argument(
        "--landing-threads",
        type=int,
        default=ConsumerConfig.landing_threads,
        help="partitions landed at the same time (WebHDFS writes wait more than they compute)",
    )
    parser.add_argument(
        "--session-timeout-ms",
        type=int,
        default=DEFAULT_SESSION_TIMEOUT_MILLISECONDS,
        help="group session timeout: how long a crashed consumer holds its partitions (broker minimum 6000)",
    )
    parser.add_argument(
        "--report-seconds", type=float, default=5.0, help="interval of the lag/throughput log"
    )
    parser.add_argument("--verbose", action="store_true", help="debug logging")


def consumer_config_from_arguments(arguments: argparse.Namespace, settings: Settings) -> ConsumerConfig:
    """The :class:`ConsumerConfig` of parsed command-line options."""
    topics = tuple(arguments.topics or (*settings.raw_topics, settings.topic_deadletter))
    if arguments.batch_messages < 1 or arguments.batch_bytes < 1 or arguments.batch_seconds <= 0:
        raise ValueError("batch limits must be positive")
    return ConsumerConfig(
        group_id=arguments.group,
        topics=topics,
        deadletter_topic=settings.topic_deadletter,
        landing_root=arguments.landing_root,
        policy=BatchPolicy(arguments.batch_messages, arguments.batch_bytes, arguments.batch_seconds),
        until_caught_up=arguments.until_caught_up,
        on_terminate=arguments.on_terminate,
        report_interval_seconds=arguments.report_seconds,
        landing_threads=arguments.landing_threads,
    )


def kafka_consumer_options(
    config: ConsumerConfig, settings: Settings, session_timeout_milliseconds: int = 10_000
) -> dict[str, Any]:
    """Keyword arguments for ``kafka.KafkaConsumer``."""
    return {
        "session_timeout_ms": session_timeout_milliseconds,
        # Three heartbeats per session, as Kafka recommends.
        "heartbeat_interval_ms": session_timeout_milliseconds // 3,
        "bootstrap_servers": settings.kafka_bootstrap_servers.split(","),
        "group_id": config.group_id,
        "client_id": f"hyperion-landing-{config.group_id}",
        # Offsets are committed by hand, only after a batch's file is renamed into place.
        "enable_auto_commit": False,
        "auto_offset_reset": "earliest",
        "max_poll_records": MAXIMUM_POLL_RECORDS,
        "fetch_max_bytes": FETCH_MAXIMUM_BYTES,
        "max_partition_fetch_bytes": PARTITION_FETCH_MAXIMUM_BYTES,
        "allow_auto_create_topics": False,
        # Landing one batch (a few WebHDFS calls) takes well under this.
        "max_poll_interval_ms": 300_000,
    }


def consumer_main(arguments: argparse.Namespace) -> int:
    """Land the topics until stopped (or caught up); print the summary line; 1 when a service stayed away."""
    from kafka import KafkaConsumer

    configure_logging(arguments.verbose)
    settings = get_settings()
    config = consumer_config_from_arguments(arguments, settings)
    retry = RetryPolicy.from_settings(settings)
    store = RetryingStore(
        webhdfs_store(settings.webhdfs_url, settings.hdfs_user),
        retry,
        hdfs_service_of_error(settings.webhdfs_url),
    )
    consumer = KafkaConsumer(**kafka_consumer_options(config, settings, arguments.session_timeout_ms))
    kafka_url = f"kafka://{settings.kafka_bootstrap_servers.split(',')[0]}"
    landing = LandingConsumer(consumer, store, config, decode_message, retry=retry, kafka_url=kafka_url)
    stop = threading.Event()

    def request_stop(signal_number: int, _frame: object) -> None:
        # Only a flag: the poll loop finishes (or abandons) its batches at a safe point.
        logger.info("received %s: stopping after the current poll", signal.Signals(signal_number).name)
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    logger.info(
        "landing %s into %s as group %s", ", ".join(config.topics), config.landing_root, config.group_id
    )
    try:
        consumer.subscribe(list(config.topics), listener=rebalance_listener(landing))
        summary = landing.run(stop)
    finally:
        # No autocommit on close: only offsets of landed files are ever committed.
        consumer.close(autocommit=False)
    if summary.error:
        logger.error("%s", summary.error)
    print(summary.one_line())
    return 1 if summary.error else 0
