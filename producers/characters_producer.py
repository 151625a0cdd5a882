"""Produce character appearances (one message per character and film, key character_id) to raw-characters.

Inputs: the bundled data/ (default) or a legacy-layout directory (--source legacy --path DIR).
Records failing validation go to raw-deadletter with their reason and source location; the run goes on.
Outputs: Kafka messages (idempotent producer, acks=all); a progress bar on stderr; the summary line
(read, sent, failed, rejected, seconds, records per second) on stdout. Exit status 1 if any delivery failed.

Run:
    .venv/bin/python producers/characters_producer.py
    .venv/bin/python producers/characters_producer.py --source legacy --path ../shared/legacy-source-data
"""

from __future__ import annotations

import sys

from hyperion.ingest.producer_cli import producer_main


def main(argv: list[str] | None = None) -> int:
    return producer_main("characters", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
