"""Read a topic's retained log once, from its start to the end offsets seen when the scan begins.

Used by reconciliation (counting what a topic holds) and by the dead-letter re-drive (finding what a
re-drive already sent). No consumer group: nothing is committed, and the landing consumers are unaffected.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hyperion.config import Settings

POLL_RECORDS = 2000


def _consumer(settings: Settings) -> Any:
    from kafka import KafkaConsumer

    return KafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers.split(","), enable_auto_commit=False, group_id=None
    )


def topic_offsets(settings: Settings, topic: str) -> tuple[dict[int, int], dict[int, int]]:
    """``(beginning offsets, end offsets)`` per partition of ``topic``; LookupError when it does not exist."""
    from kafka import TopicPartition

    consumer = _consumer(settings)
    try:
        partitions = consumer.partitions_for_topic(topic)
        if partitions is None:
            raise LookupError(f"topic {topic} does not exist")
        assigned = [TopicPartition(topic, partition) for partition in sorted(partitions)]
        beginning = consumer.beginning_offsets(assigned)
        end = consumer.end_offsets(assigned)
        return (
            {tp.partition: offset for tp, offset in beginning.items()},
            {tp.partition: offset for tp, offset in end.items()},
        )
    finally:
        consumer.close()


def iter_topic(settings: Settings, topic: str) -> Iterator[Any]:
    """Every ``ConsumerRecord`` of ``topic`` from the log's start to its end offsets at the call."""
    from kafka import TopicPartition

    consumer = _consumer(settings)
    try:
        partitions = consumer.partitions_for_topic(topic)
        if partitions is None:
            raise LookupError(f"topic {topic} does not exist")
        assigned = [TopicPartition(topic, partition) for partition in sorted(partitions)]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        end = consumer.end_offsets(assigned)
        remaining = {tp for tp in assigned if consumer.position(tp) < end[tp]}
        while remaining:
            polled = consumer.poll(timeout_ms=1000, max_records=POLL_RECORDS)
            for topic_partition, records in polled.items():
                for record in records:
                    if record.offset < end[topic_partition]:
                        yield record
            for topic_partition in list(remaining):
                if consumer.position(topic_partition) >= end[topic_partition]:
                    remaining.discard(topic_partition)
    finally:
        consumer.close()
