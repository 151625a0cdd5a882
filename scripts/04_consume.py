"""Step 4 of ingest: land everything produced so far in HDFS, then exit (consumer --until-caught-up).

Inputs: the raw topics and the dead-letter topic; options are passed through to
consumers/hdfs_consumer.py (for example --group, --landing-root, --batch-messages).
Outputs: /raw/<topic>/part-*.jsonl, /rejects/produce/<dead-letter topic>/, /rejects/consume/<topic>/; the
consumer's summary line on stdout.
Re-run safe: a second run finds no lag and lands nothing; a crashed run resumes exactly (docs/04-ingest.md).
The wrapper hands its process to the consumer (exec): same pid, so `kill -9` of it kills the consumer
and leaves no orphan member in the group.

Run:
    .venv/bin/python scripts/04_consume.py
    .venv/bin/python scripts/04_consume.py --group my-pipeline --landing-root /tests/my-run
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

CONSUMER = Path(__file__).resolve().parents[1] / "consumers" / "hdfs_consumer.py"


def main(argv: list[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if any(argument in ("-h", "--help") for argument in arguments):
        print(__doc__)
    sys.stdout.flush()
    # exec, not a child process: a child would outlive a killed wrapper and stay in the group (PPID 1).
    os.execv(sys.executable, [sys.executable, str(CONSUMER), "--until-caught-up", *arguments])
    return 1  # not reached: execv replaces this process or raises


if __name__ == "__main__":
    sys.exit(main())
