"""The shared command line of the three producers (films, characters, box office).

Each ``producers/*_producer.py`` is a thin ``main`` that calls :func:`producer_main` with its kind. This
module wires sources, the Kafka producer and the summary; the logic lives in sources and producer.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from hyperion.config import Settings, get_settings
from hyperion.ingest.producer import (
    COMPRESSION_TYPES,
    DEFAULT_COMPRESSION,
    ProducerSummary,
    iter_limited,
    new_run_id,
    producer_options,
    run_producer,
)
from hyperion.ingest.runs import KIND_PRODUCE, RunManifest, write_manifest_logged
from hyperion.logs import configure_logging
from hyperion.sources.adapters import (
    SourceItem,
    iter_boxoffice_file,
    iter_bundled_characters,
    iter_bundled_films,
    iter_generated_boxoffice,
    iter_legacy_characters,
    iter_legacy_films,
)
from hyperion.sources.boxoffice import theatrical_films
from hyperion.sources.catalog import CATALOG_FILE_NAME, load_catalog
from hyperion.sources.record_rules import load_record_validators

logger = logging.getLogger(__name__)

KINDS = ("films", "characters", "boxoffice")
SOURCE_BUNDLED = "bundled"
SOURCE_LEGACY = "legacy"


def build_parser(kind: str, description: str) -> argparse.ArgumentParser:
    """The options of one producer."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    if kind == "boxoffice":
        parser.add_argument("--path", type=Path, help="data directory whose catalog anchors the generator")
        parser.add_argument(
            "--input", type=Path, help="send the rows of this JSON Lines file instead of generating"
        )
        parser.add_argument("--seed", default="42", help="generator seed (default 42)")
        parser.add_argument("--scale", type=int, default=1, help="theaters per state and day (default 1)")
        parser.add_argument("--films", nargs="+", help="only these film_ids")
        parser.add_argument("--max-rows", type=int, help="stop after this many rows")
    else:
        parser.add_argument(
            "--source",
            choices=(SOURCE_BUNDLED, SOURCE_LEGACY),
            default=SOURCE_BUNDLED,
            help="bundled data/ (default) or a legacy-layout directory given by --path",
        )
        parser.add_argument(
            "--path", type=Path, help="the data or legacy directory (default: the bundled data/)"
        )
        parser.add_argument("--max-records", type=int, help="stop after this many records")
    parser.add_argument("--compression", choices=COMPRESSION_TYPES, default=DEFAULT_COMPRESSION)
    parser.add_argument(
        "--landing-root", default="/", help="HDFS root whose raw/_runs/ records this run (default /)"
    )
    parser.add_argument("--no-run-manifest", action="store_true", help="do not record the run in HDFS")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--verbose", action="store_true", help="debug logging")
    return parser


def source_items(
    kind: str, arguments: argparse.Namespace, settings: Settings
) -> tuple[Iterator[SourceItem], int | None]:
    """The items a producer sends, and their expected record count when known (for the progress bar)."""
    data_directory = Path(settings.data_directory)
    validators = load_record_validators(data_directory)
    if kind == "boxoffice":
        if arguments.input is not None:
            return iter_boxoffice_file(arguments.input, arguments.max_rows), arguments.max_rows
        catalog_directory = arguments.path or data_directory
        catalog = {"films": load_catalog(catalog_directory / CATALOG_FILE_NAME)}
        films = theatrical_films(catalog, arguments.films)
        items = iter_generated_boxoffice(films, arguments.seed, arguments.scale, arguments.max_rows)
        return items, arguments.max_rows
    if arguments.source == SOURCE_LEGACY:
        if arguments.path is None:
            raise SystemExit("--source legacy needs --path DIR")
        iterate = iter_legacy_films if kind == "films" else iter_legacy_characters
        items = iterate(arguments.path, validators)
    else:
        iterate = iter_bundled_films if kind == "films" else iter_bundled_characters
        items = iterate(arguments.path or data_directory, validators)
    return iter_limited(items, arguments.max_records), arguments.max_records


def produce(kind: str, arguments: argparse.Namespace, settings: Settings) -> ProducerSummary:
    """Run one producer with parsed options; return its summary."""
    from kafka import KafkaProducer
    from tqdm import tqdm

    topic = getattr(settings, f"topic_{kind}")
    items, total = source_items(kind, arguments, settings)
    run_id = new_run_id()
    logger.info("producing %s to %s (run %s)", kind, topic, run_id)
    producer = KafkaProducer(**producer_options(settings, arguments.compression))
    started_at_ms = int(time.time() * 1000)
    with tqdm(
        total=total, unit=" records", desc=topic, disable=arguments.no_progress or None, file=sys.stderr
    ) as progress:
        summary = run_producer(items, producer, topic, settings.topic_deadletter, run_id, progress)
    if not arguments.no_run_manifest:
        record_run(kind, arguments, settings, summary, started_at_ms)
    return summary


# What reconcile needs to read the same source records again; the other options do not change them.
SOURCE_PARAMETERS = ("source", "path", "input", "seed", "scale", "films", "max_rows", "max_records")


def run_parameters(kind: str, arguments: argparse.Namespace, settings: Settings) -> dict[str, object]:
    """The source parameters of a run, paths made absolute (see :func:`source_items`)."""
    parameters: dict[str, object] = {"data_directory": str(Path(settings.data_directory).resolve())}
    for name in SOURCE_PARAMETERS:
        value = getattr(arguments, name, None)
        parameters[name] = str(value.resolve()) if isinstance(value, Path) else value
    return parameters


def record_run(
    kind: str, arguments: argparse.Namespace, settings: Settings, summary: ProducerSummary, started_at_ms: int
) -> None:
    """Write the run manifest (hyperion.ingest.runs) of a finished run to HDFS."""
    from hdfs import InsecureClient

    manifest = RunManifest(
        run_id=summary.run_id,
        kind=KIND_PRODUCE,
        producer=kind,
        topic=summary.topic,
        deadletter_topic=settings.topic_deadletter,
        parameters=run_parameters(kind, arguments, settings),
        started_at_ms=started_at_ms,
        finished_at_ms=int(time.time() * 1000),
        summary={
            "read": summary.read,
            "sent": summary.sent,
            "failed": summary.failed,
            "rejected": summary.rejected,
            "set_aside": summary.set_aside,
            "messages": summary.messages_sent,
            "deadletter": summary.deadletter_sent,
        },
    )
    client = InsecureClient(settings.webhdfs_url, user=settings.hdfs_user)
    write_manifest_logged(client, arguments.landing_root, manifest)


def producer_main(kind: str, description: str, argv: list[str] | None = None) -> int:
    """The ``main`` of a producer: 0 when every delivery succeeded and the counts reconcile."""
    arguments = build_parser(kind, description).parse_args(argv)
    configure_logging(arguments.verbose)
    logging.getLogger("kafka").setLevel(logging.ERROR)
    summary = produce(kind, arguments, get_settings())
    print(summary.one_line())
    for failure in summary.failures:
        logger.error("failed: %s", failure)
    if summary.aborted:
        logger.error("the source could not be read to the end: %s", summary.aborted)
        return 1
    if summary.delivery_failed:
        logger.error("%d records failed delivery", summary.failed + summary.deadletter_failed)
        return 1
    if not summary.reconciles:
        logger.error("read != sent + failed + rejected + set aside")
        return 1
    return 0
