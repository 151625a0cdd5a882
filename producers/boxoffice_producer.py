"""Produce box office (one message per film-day holding its state rows, key film_id) to raw-boxoffice.

Inputs: the seeded generator (hyperion.sources.boxoffice) anchored on data/complete_movie_list.json, or a JSON
Lines file of raw rows (--input, as written by scripts/generate_boxoffice.py).
Records failing validation go to raw-deadletter with their reason and source location; the run goes on.
Outputs: Kafka messages (idempotent producer, acks=all); a progress bar on stderr; the summary line
(read, sent, failed, rejected, seconds, records per second) on stdout. Exit status 1 if any delivery failed.

Run:
    .venv/bin/python producers/boxoffice_producer.py --seed 42 --scale 1
    .venv/bin/python producers/boxoffice_producer.py --scale 2 --max-rows 1000000
"""

from __future__ import annotations

import sys

from hyperion.ingest.producer_cli import producer_main


def main(argv: list[str] | None = None) -> int:
    return producer_main("boxoffice", __doc__, argv)


if __name__ == "__main__":
    sys.exit(main())
