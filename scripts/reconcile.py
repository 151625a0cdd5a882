"""Reconcile the pipeline from source to page: counts at every hop, per topic, table and export.

Inputs: the latest run manifest of each topic (<landing-root>/raw/_runs/), the sources it names, the Kafka
topics (HYPERION_TOPIC_*), the landing under --landing-root, the processed tables and transform rejects
(hdfs://, file:// or a local path) and the local exports folder.
Outputs: a table on stdout (or --json); exit status 1 if any hop does not balance (in = out + rejected +
set aside), 0 otherwise. Diagnostics go to stderr.

Run:
    .venv/bin/python scripts/reconcile.py                      (make reconcile)
    .venv/bin/python scripts/reconcile.py --json --stages source-to-kafka kafka-to-raw
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hyperion.config import REPOSITORY_ROOT, get_settings
from hyperion.logs import configure_logging
from hyperion.reconcile.hops import STAGES, render_table
from hyperion.reconcile.pipeline import ReconcileOptions, reconcile


def main(argv: list[str] | None = None) -> int:
    settings = get_settings()
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--landing-root", default="/", help="HDFS landing root (default /)")
    parser.add_argument("--processed", default=f"{settings.hdfs_url}/processed", help="processed root")
    parser.add_argument(
        "--rejects", default=f"{settings.hdfs_url}/rejects/transform", help="transform rejects"
    )
    parser.add_argument("--exports", type=Path, default=REPOSITORY_ROOT / "exports", help="exports folder")
    parser.add_argument("--stages", nargs="+", choices=STAGES, default=list(STAGES), help="hops to count")
    parser.add_argument("--json", action="store_true", help="the report as JSON")
    arguments = parser.parse_args(argv)
    configure_logging()
    options = ReconcileOptions(
        landing_root=arguments.landing_root,
        processed=arguments.processed,
        transform_rejects=arguments.rejects,
        exports=arguments.exports,
        stages=tuple(arguments.stages),
    )
    report = reconcile(settings, options)
    print(report.to_json() if arguments.json else render_table(report))
    return 0 if report.balances else 1


if __name__ == "__main__":
    sys.exit(main())
