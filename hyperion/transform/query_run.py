"""The query step's run: publish the processed tables in Trino, then answer every question file.

``scripts/06_queries.py`` is a thin ``main`` around these two functions. Any error stops the run with
exit status 1 and the failing step named in one log line (the step fails loudly, never half-silently).
"""

from __future__ import annotations

import logging
import sys
import time
from pathlib import Path

import trino

from hyperion.config import Settings
from hyperion.transform import trino_sql
from hyperion.transform.storage import version_store

logger = logging.getLogger("queries")


def print_registration_sql(settings: Settings, processed_root: str, schema: str) -> int:
    """Print the DDL that publishes each table's newest complete version (for the Trino CLI)."""
    store = version_store(processed_root, settings.webhdfs_url, settings.hdfs_user)
    try:
        ddl = trino_sql.current_registration_sql(store, processed_root, schema)
    except trino_sql.RegistrationError as error:
        logger.error("%s", error)
        return 1
    sys.stdout.write("".join(f"{statement};\n\n" for statement in ddl))
    return 0


def answer_questions(
    settings: Settings,
    processed_root: str,
    schema: str,
    queries_directory: Path,
    output_directory: Path,
    publish: bool = True,
) -> int:
    """Publish the tables (unless ``publish`` is off), run each question file, write ``<name>.md``."""
    store = version_store(processed_root, settings.webhdfs_url, settings.hdfs_user)
    connection = trino.dbapi.connect(
        host=settings.trino_host, port=settings.trino_port, user=settings.trino_user, catalog="hive"
    )
    started = time.perf_counter()
    output_directory.mkdir(parents=True, exist_ok=True)
    current, paths = "the registration", []
    try:
        if publish:
            plan = trino_sql.register_tables(connection, store, processed_root, schema)
            logger.info("published in hive.%s: %s", schema, plan.published)
        paths = trino_sql.question_files(queries_directory)
        for path in paths:
            current = path.name
            query_file = trino_sql.read_query_file(path, processed_root, schema)
            results = trino_sql.run_statements(connection, query_file.statements())
            if len(results) != 1:
                raise ValueError(f"{path.name}: expected one statement, found {len(results)}")
            output = output_directory / f"{query_file.name}.md"
            output.write_text(trino_sql.render_markdown(query_file, results[0], source=processed_root))
            logger.info(
                "%s: %d rows in %.2f s -> %s", path.name, len(results[0].rows), results[0].seconds, output
            )
    except Exception as error:
        # One line naming the file that failed: the run's caller (make, the e2e) shows it as the cause.
        logger.error("%s failed: %s", current, error)
        return 1
    finally:
        connection.close()
    logger.info("queries: %d files in %.1f s", len(paths), time.perf_counter() - started)
    return 0
