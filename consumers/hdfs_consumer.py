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
import sys

from hyperion.ingest.consumer_cli import add_consumer_arguments, consumer_main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    add_consumer_arguments(parser)
    return consumer_main(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
