"""The one logging set-up of every entrypoint: diagnostics on stderr, one format.

Stdout is kept for each command's result (a summary line, JSON, CSV), so that it can be piped; everything
else goes to stderr. Client libraries that log every request at INFO (kafka-python, hdfs, py4j, botocore)
are held at WARNING unless ``verbose`` asks for everything.
"""

from __future__ import annotations

import logging
import sys

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# Libraries whose INFO lines are per request or per connection: noise at a pipeline's scale.
CHATTY_LOGGERS = ("kafka", "hdfs", "py4j", "botocore", "urllib3", "s3transfer")


def configure_logging(verbose: bool = False, quiet: bool = False) -> None:
    """Send INFO (DEBUG when ``verbose``, WARNING when ``quiet``) to stderr in the project's format.

    The first set-up wins: when the root logger already has a handler (an entrypoint called from another
    one, or pytest's log capture), the root logger is left as it is, so that no line is printed twice and
    a test's ``caplog`` still sees every record.
    """
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=level, format=LOG_FORMAT, stream=sys.stderr)
    for name in CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.WARNING)
