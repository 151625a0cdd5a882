"""Step 2 of ingest: create the HDFS folders the pipeline writes to.

Inputs: the NameNode's WebHDFS endpoint (HYPERION_WEBHDFS_URL, HYPERION_HDFS_USER); topic names from the
settings.
Outputs: <root>/raw/<topic> for the three raw topics, <root>/rejects/{produce,consume,transform} and
<root>/processed; one line per folder on stdout.
Re-run safe: existing folders are kept (MKDIRS is idempotent).

Run:
    .venv/bin/python scripts/02_init_hdfs.py
    .venv/bin/python scripts/02_init_hdfs.py --root /tests/my-run
"""

from __future__ import annotations

import argparse
import sys

from hdfs import InsecureClient

from hyperion.config import get_settings
from hyperion.ingest.landing import RAW_DIRECTORY, REJECTS_DIRECTORY, join_path
from hyperion.logs import configure_logging


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", default="/", help="HDFS folder holding the layout (default /)")
    arguments = parser.parse_args(argv)
    configure_logging(quiet=True)
    settings = get_settings()
    client = InsecureClient(settings.webhdfs_url, user=settings.hdfs_user)
    folders = [join_path(arguments.root, RAW_DIRECTORY, topic) for topic in settings.raw_topics]
    folders += [
        join_path(arguments.root, REJECTS_DIRECTORY, stage) for stage in ("produce", "consume", "transform")
    ]
    folders.append(join_path(arguments.root, "processed"))
    for folder in folders:
        client.makedirs(folder)
        print(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
