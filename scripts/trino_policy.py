#!/usr/bin/env python3
"""Serve the location policy that Trino's OPA access control asks before every statement.

Purpose: whatever user a Trino client claims, no query may read or write outside the warehouse roots
(rules in hyperion/runtime/trino_policy.py). The local runtime starts this as the trino-policy service.

Inputs:  HYPERION_HDFS_URL and HYPERION_WAREHOUSE_S3_PREFIX (the warehouse roots).
Outputs: HTTP on --host:--port answering POST /v1/data/trino/allow with {"result": true|false};
         one log line per refused statement on stderr.

Run:  .venv/bin/python scripts/trino_policy.py --host 127.0.0.1 --port 8181   (make up starts it)
"""

from __future__ import annotations

import argparse
import logging
import sys

from hyperion.config import LOOPBACK_ADDRESS, PORTS, get_settings
from hyperion.logs import configure_logging
from hyperion.runtime.trino_policy import make_server

logger = logging.getLogger("trino_policy")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    # Only Trino calls this service, so it stays on loopback even when HYPERION_BIND_ADDRESS opens the
    # stack; inside Docker the Compose file passes the container's address.
    parser.add_argument("--host", default=LOOPBACK_ADDRESS)
    parser.add_argument("--port", type=int, default=PORTS["trino-policy"]["http"])
    arguments = parser.parse_args(argv)
    configure_logging()
    roots = get_settings().warehouse_locations
    server = make_server(arguments.host, arguments.port, roots)
    logger.info("deciding for Trino on %s:%d; warehouse roots %s", arguments.host, arguments.port, roots)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
