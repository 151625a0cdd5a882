"""Command-line options and Kafka client options of the HDFS landing consumer.

Imported by ``consumers/hdfs_consumer.py``; kept apart so that the options can be read (and tested) on
their own. Endpoints and topic names come from ``hyperion.config`` (``HYPERION_*``); the options here
only choose the group, the landing root and the batching.
"""

from __future__ import annotations

import argparse
from typing import Any

from hyperion.config import Settings
from hyperion.ingest.consumer import (
    ON_TERMINATE_ABANDON,
    ON_TERMINATE_FINISH,
    BatchPolicy,
    ConsumerConfig,
)

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
