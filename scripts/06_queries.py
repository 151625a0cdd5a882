"""Publish the processed tables in Trino and run every question in queries/, writing the results as Markdown.

Purpose: the query step of the pipeline. Registers each table's newest complete version (generated DDL:
a table per version, a view hive.<schema>.<table> switched to it in one metastore call, superseded
versions dropped), then runs each queries/*.sql file through the ``trino`` Python client. Each result goes
to <output-directory>/<name>.md with the file's question, its SQL and the result table. Any error stops
the run with a non-zero exit and the failing step named (fails loudly).

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
import logging
import sys
import time
from pathlib import Path

import trino

from hyperion.config import REPOSITORY_ROOT, get_settings
from hyperion.transform import trino_sql
from hyperion.transform.storage import version_store

logger = logging.getLogger("queries")


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
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = get_settings()
    store = version_store(arguments.processed_root, settings.webhdfs_url, settings.hdfs_user)
    if arguments.print_ddl:
        try:
            ddl = trino_sql.current_registration_sql(store, arguments.processed_root, arguments.schema)
        except trino_sql.RegistrationError as error:
            logger.error("%s", error)
            return 1
        sys.stdout.write("".join(f"{statement};\n\n" for statement in ddl))
        return 0
    connection = trino.dbapi.connect(
        host=settings.trino_host, port=settings.trino_port, user=settings.trino_user, catalog="hive"
    )
    started = time.perf_counter()
    arguments.output_directory.mkdir(parents=True, exist_ok=True)
    current, paths = "the registration", []
    try:
        if not arguments.skip_create:
            plan = trino_sql.register_tables(connection, store, arguments.processed_root, arguments.schema)
            logger.info("published in hive.%s: %s", arguments.schema, plan.published)
        paths = trino_sql.question_files(arguments.queries_directory)
        for path in paths:
            current = path.name
            query_file = trino_sql.read_query_file(path, arguments.processed_root, arguments.schema)
            results = trino_sql.run_statements(connection, query_file.statements())
            if len(results) != 1:
                raise ValueError(f"{path.name}: expected one statement, found {len(results)}")
            output = arguments.output_directory / f"{query_file.name}.md"
            output.write_text(
                trino_sql.render_markdown(query_file, results[0], source=arguments.processed_root)
            )
            logger.info(
                "%s: %d rows in %.2f s -> %s", path.name, len(results[0].rows), results[0].seconds, output
            )
    except Exception as error:
        logger.error("%s failed: %s", current, error)
        return 1
    finally:
        connection.close()
    logger.info("queries: %d files in %.1f s", len(paths), time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
