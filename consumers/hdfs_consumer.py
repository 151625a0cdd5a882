"""Land the raw Kafka topics in HDFS as JSON Lines, exactly once.

Purpose: consume raw-films, raw-characters, raw-boxoffice and raw-deadletter, batch per partition (by
messages, bytes and time), write each batch to a temporary file and rename it to
``/raw/<topic>/part-<partition>-<first offset>-<last offset>.jsonl``, then commit the offsets. A restart
after a crash lands exactly the same files (see docs/04-ingest.md). Undecodable messages land under
``/rejects/consume/<topic>/`` with partition, offset and reason.

Inputs: the Kafka topics (settings: HYPERION_KAFKA_BOOTSTRAP_SERVERS, HYPERION_TOPIC_*).
Outputs: HDFS files through WebHDFS (HYPERION_WEBHDFS_URL, HYPERION_HDFS_USER); a summary line on stdout.

Run:
    .venv/bin/python consumers/hdfs_consumer.py --until-caught-up
    .venv/bin/python consumers/hdfs_consumer.py --group my-pipeline --landing-root /tests/abc

SIGTERM or SIGINT lands the batches in flight and exits (``--on-terminate abandon`` drops them instead;
they stay uncommitted and land on the next run). WebHDFS calls and commits are retried (HYPERION_RETRY_*);
when a service stays away the run ends with one error naming it, the summary line and exit status 1.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from consumer_config import add_consumer_arguments, consumer_config_from_arguments, kafka_consumer_options

from hyperion.config import get_settings
from hyperion.ingest.consumer import LandingConsumer, rebalance_listener
from hyperion.ingest.landing import RetryingStore, decode_message, hdfs_service_of_error, webhdfs_store
from hyperion.ingest.retrying import RetryPolicy

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_consumer_arguments(parser)
    parser.add_argument("--verbose", action="store_true", help="debug logging")
    arguments = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if arguments.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("kafka").setLevel(logging.WARNING)
    logging.getLogger("hdfs").setLevel(logging.WARNING)

    from kafka import KafkaConsumer

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
        consumer.close(autocommit=False)
    if summary.error:
        logger.error("%s", summary.error)
    print(summary.one_line())
    return 1 if summary.error else 0


if __name__ == "__main__":
    sys.exit(main())
