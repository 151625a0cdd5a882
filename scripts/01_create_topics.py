"""Step 1 of ingest: create the Kafka topics listed in conf/kafka/topics.json.

Inputs: conf/kafka/topics.json; the broker at HYPERION_KAFKA_BOOTSTRAP_SERVERS; topic names from the
settings (HYPERION_TOPIC_FILMS, _CHARACTERS, _BOXOFFICE, _DEADLETTER rename them).
Outputs: the topics; one line per topic on stdout (name, partitions, created or existing).
Re-run safe: existing topics are kept; a partition count that differs from the list is an error.

Run:
    .venv/bin/python scripts/01_create_topics.py
    .venv/bin/python scripts/01_create_topics.py --delete     # drop them again (asks nothing)
"""

from __future__ import annotations

import argparse
import logging
import sys

from hyperion.config import get_settings
from hyperion.ingest import topics
from hyperion.logs import configure_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--delete", action="store_true", help="delete the topics instead of creating them")
    arguments = parser.parse_args(argv)
    configure_logging()
    settings = get_settings()
    specs = topics.specs_for_settings(settings, topics.load_topic_specs())
    admin = topics.admin_client(settings)
    try:
        if arguments.delete:
            topics.delete_topics(admin, [spec.name for spec in specs])
            for spec in specs:
                print(f"{spec.name} deleted")
            return 0
        try:
            created = set(topics.create_topics(admin, specs))
        except ValueError as error:
            logging.getLogger(__name__).error("%s", error)
            return 1
        counts = topics.existing_partition_counts(admin, [spec.name for spec in specs])
        for spec in specs:
            state = "created" if spec.name in created else "existing"
            print(f"{spec.name} partitions={counts.get(spec.name)} {state}")
    finally:
        admin.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
