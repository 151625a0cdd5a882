"""Register the processed tables in Trino and run every question in queries/, writing the results as Markdown.

Purpose: the query step of the pipeline. Runs queries/00_create_tables.sql (external tables over the
processed Parquet folders, partitions synced), then each other queries/*.sql file, through the ``trino``
Python client. Each result goes to <output-directory>/<name>.md with the file's question, its SQL and
the result table. Any error stops the run with a non-zero exit and the failing file named (fails loudly).

Inputs:  the processed tables under --processed-root (default <HYPERION_HDFS_URL>/processed), Trino at
         HYPERION_TRINO_URL.
Outputs: tables in hive.<--schema> (default hyperion); docs/query_results/<name>.md; one summary line.

Run:
    .venv/bin/python scripts/06_queries.py                                   (make queries)
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
from hyperion.transform.trino_sql import (
    CREATE_TABLES_FILE,
    QUERIES_DIRECTORY,
    question_files,
    read_query_file,
    render_markdown,
    run_statements,
)

logger = logging.getLogger("queries")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    settings = get_settings()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--processed-root", default=f"{settings.hdfs_url}/processed", help="processed tables root"
    )
    parser.add_argument("--schema", default=settings.trino_schema, help="Trino schema in the hive catalog")
    parser.add_argument("--queries-directory", type=Path, default=QUERIES_DIRECTORY)
    parser.add_argument(
        "--output-directory",
        type=Path,
        default=REPOSITORY_ROOT / "docs" / "query_results",
        help="Markdown results",
    )
    parser.add_argument("--skip-create", action="store_true", help="do not (re)register the tables first")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    logging.basicConfig(
        level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = get_settings()
    connection = trino.dbapi.connect(
        host=settings.trino_host,
        port=settings.trino_port,
        user=settings.trino_user,
        catalog=settings.trino_catalog,
    )
    started = time.perf_counter()
    arguments.output_directory.mkdir(parents=True, exist_ok=True)
    current = CREATE_TABLES_FILE
    try:
        if not arguments.skip_create:
            setup = read_query_file(
                arguments.queries_directory / CREATE_TABLES_FILE, arguments.processed_root, arguments.schema
            )
            run_statements(connection, setup.statements())
            logger.info(
                "registered the tables in hive.%s over %s", arguments.schema, arguments.processed_root
            )
        paths = question_files(arguments.queries_directory)
        for path in paths:
            current = path.name
            query_file = read_query_file(path, arguments.processed_root, arguments.schema)
            results = run_statements(connection, query_file.statements())
            if len(results) != 1:
                raise ValueError(f"{path.name}: expected one statement, found {len(results)}")
            output = arguments.output_directory / f"{query_file.name}.md"
            output.write_text(render_markdown(query_file, results[0], source=arguments.processed_root))
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
