"""Publish the processed tables in Trino and run every question in queries/, writing the results as Markdown.

Purpose: the query step of the pipeline. Registers each table's newest complete version (generated DDL:
a table per version, a view hive.<schema>.<table> switched to it in one metastore call, superseded
versions dropped), then runs each queries/*.sql file through the ``trino`` Python client into
<output-directory>/<name>.md (question, SQL, result). Any error: exit 1 with the failing step named.

Inputs:  the versions under --processed-root (default <HYPERION_HDFS_URL>/processed, listed through
         WebHDFS, S3 or the local file system), Trino at HYPERION_TRINO_URL.
Outputs: views and versioned tables in hive.<--schema> (default hyperion); docs/query_results/<name>.md;
         one summary line. --print-ddl prints the registration SQL on stdout instead (for the Trino CLI).

Run:
    .venv/bin/python scripts/06_queries.py                                   (make queries)
    .venv/bin/python scripts/06_queries.py --print-ddl > /tmp/ddl.sql        (then trino --file /tmp/ddl.sql)
    .venv/bin/python scripts/06_queries.py --processed-root s3://bucket/processed --schema hyperion_emr
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from hyperion.config import REPOSITORY_ROOT, get_settings
from hyperion.logs import configure_logging
from hyperion.transform import trino_sql
from hyperion.transform.query_run import answer_questions, print_registration_sql


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--processed-root", default=f"{settings.hdfs_url}/processed", help="tables root")
    parser.add_argument("--schema", default=settings.trino_schema, help="Trino schema in the hive catalog")
    parser.add_argument("--queries-directory", type=Path, default=trino_sql.QUERIES_DIRECTORY)
    parser.add_argument("--output-directory", type=Path, default=REPOSITORY_ROOT / "docs" / "query_results")
    parser.add_argument("--skip-create", action="store_true", help="do not publish the tables first")
    parser.add_argument("--print-ddl", action="store_true", help="print the registration SQL and exit")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    configure_logging()
    settings = get_settings()
    if arguments.print_ddl:
        return print_registration_sql(settings, arguments.processed_root, arguments.schema)
    return answer_questions(
        settings,
        arguments.processed_root,
        arguments.schema,
        arguments.queries_directory,
        arguments.output_directory,
        publish=not arguments.skip_create,
    )


if __name__ == "__main__":
    sys.exit(main())
