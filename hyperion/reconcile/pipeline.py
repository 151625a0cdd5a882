"""One reconciliation from source to page: every hop of every topic, table and export.

For each raw topic (films, characters, box office):

1. ``source-to-kafka``: the latest produce run's source, read again with the parameters its run manifest
   recorded (hyperion.ingest.runs), against the records of that ``run_id`` in the topic, the dead letters
   of that topic in the run's time window, and what the source sets aside. Re-drives get a hop each.
2. ``kafka-to-raw``: the records of the topic's retained log against the records landed in
   ``<root>/raw/<topic>/`` and the messages the consumer rejected (``<root>/rejects/consume/<topic>/``); the
   landed offset ranges must cover the log once. The dead-letter topic against
   ``<root>/rejects/produce/<topic>/``.
3. ``raw-to-processed``: landed records against the rows of the topic's table at the landing grain, the
   transform's rejects and the superseded copies (see :func:`hyperion.reconcile.hops.transform_hop`).

Then ``processed-to-export``: each export's rows against the processed measure it is built from.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from hyperion.config import Settings
from hyperion.ingest.landing import topic_directories
from hyperion.ingest.reconcile import offset_coverage_problems
from hyperion.ingest.runs import KIND_PRODUCE, KIND_REDRIVE, read_manifests
from hyperion.reconcile import readers
from hyperion.reconcile.hops import (
    STAGE_EXPORT,
    STAGE_LANDING,
    STAGE_PROCESSED,
    STAGE_SOURCE,
    STAGES,
    Hop,
    Report,
    SourceTally,
    export_hop,
    landing_hop,
    missing_hop,
    records_of_run,
    source_hop,
    transform_hop,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TopicFlow:
    """Where a raw topic's records go: its processed table, the rejects folder, and the landing grain."""

    role: str
    table: str
    keys: readers.NaturalKey
    grain_measure: str


TOPIC_FLOWS = (
    TopicFlow("films", "films", readers.film_keys, "films.rows"),
    TopicFlow(
        "characters", "character_appearances", readers.character_keys, "character_appearances.appearances"
    ),
    TopicFlow("boxoffice", "box_office_daily", readers.boxoffice_keys, "box_office_daily.theater_rows"),
)

# Each export and the processed measure its row count must equal (hyperion.transform.exports builds them);
# a unit test checks that every export of EXPORTS is listed here.
EXPORT_SOURCES = {
    "films_complete": "films.rows",
    "characters_complete": "character_appearances.appearances",
    "boxoffice_summary": "box_office_reconciliation.rows",
    "studio_stats": "studios.rows",
    "talent_stats": "talent.rows",
    "boxoffice_daily_by_film": "box_office_daily.film_days",
    "boxoffice_weekly_by_film": "box_office_weekly.rows",
    "boxoffice_by_state": "box_office_daily.film_states",
    "boxoffice_weekly_by_state": "box_office_daily.film_week_states",
}
# Exports whose gross_cents must add up to the daily table's, whatever their grain.
EXPORT_GROSS = ("boxoffice_daily_by_film", "boxoffice_by_state", "boxoffice_weekly_by_state")
# Days 1-7 of a run are its release week 1, as in box_office_weekly (hyperion.transform.exports).
DAYS_PER_RELEASE_WEEK = 7
ROW_COUNT_TABLES = (
    "studios",
    "franchises",
    "films",
    "characters",
    "talent",
    "box_office_weekly",
    "box_office_film_summary",
    "box_office_reconciliation",
)


@dataclass(frozen=True)
class ReconcileOptions:
    landing_root: str = "/"
    processed: str = ""
    transform_rejects: str = ""
    exports: Path = Path("exports")
    stages: tuple[str, ...] = STAGES


def reconcile(settings: Settings, options: ReconcileOptions) -> Report:
    """Count every hop of the configured topics, tables and exports (see the module docstring)."""

    def hdfs_client() -> Any:
        from hdfs import InsecureClient

        return InsecureClient(settings.webhdfs_url, user=settings.hdfs_user)

    client = hdfs_client()
    landing = readers.HdfsFiles(client)
    hops: list[Hop] = []
    deadletter_topic = settings.topic_deadletter
    deadletters = (
        readers.read_deadletters(settings, deadletter_topic) if STAGE_SOURCE in options.stages else []
    )
    processed_store, processed_root = readers.store_for(options.processed, hdfs_client)
    rejects_store, rejects_root = readers.store_for(options.transform_rejects, hdfs_client)
    measures: dict[str, int] = {}
    if STAGE_PROCESSED in options.stages or STAGE_EXPORT in options.stages:
        measures = processed_measures(processed_store, processed_root)
    for flow in TOPIC_FLOWS:
        topic = getattr(settings, f"topic_{flow.role}")
        logger.info("reconciling %s", topic)
        log = readers.read_topic_log(settings, topic)
        if STAGE_SOURCE in options.stages:
            hops.extend(source_hops(settings, client, options.landing_root, topic, log, deadletters))
        directories = topic_directories(options.landing_root, topic, deadletter_topic)
        tally = readers.LandingTally()
        landed = readers.iter_landed(landing, directories.data, flow.keys, tally, log.beginning_offsets)
        if STAGE_PROCESSED in options.stages:
            rejects = readers.read_transform_rejects(rejects_store, f"{rejects_root}/{flow.table}")
            grain = measures.get(flow.grain_measure)
            if grain is not None and rejects is not None:
                hops.append(transform_hop(flow.table, landed, rejects, grain))
            else:
                missing = "table" if grain is None else "rejects folder"
                problem = f"no {missing} for {flow.table}"
                hops.append(missing_hop(STAGE_PROCESSED, flow.table, "records", problem))
        if STAGE_LANDING in options.stages:
            # The transform hop above consumed ``landed`` and filled ``tally``; count it here otherwise.
            for _ in landed:
                pass
            consume_rejects, reject_names = readers.count_landed_lines(landing, directories.rejects)
            coverage = offset_coverage_problems(tally.file_names + reject_names, log.end_offsets)
            hop = landing_hop(topic, log.messages, tally.records, tally.messages, consume_rejects, coverage)
            if tally.older_than_log:
                note = f"{tally.older_than_log} landed records predate the log"
                hop = replace(hop, notes=(*hop.notes, note))
            hops.append(hop)
    if STAGE_LANDING in options.stages:
        hops.append(deadletter_landing_hop(settings, landing, options.landing_root))
    if STAGE_EXPORT in options.stages:
        hops.extend(export_hops(measures, options.exports))
    order = {stage: index for index, stage in enumerate(STAGES)}
    hops.sort(key=lambda hop: order[hop.stage])
    context = {
        "landing_root": options.landing_root,
        "processed": options.processed,
        "transform_rejects": options.transform_rejects,
        "exports": str(options.exports),
        "processed_rows": {name: value for name, value in sorted(measures.items())},
    }
    return Report(tuple(hops), context)


def source_hops(
    settings: Settings,
    client: Any,
    landing_root: str,
    topic: str,
    log: readers.TopicLog,
    deadletters: list[readers.DeadLetter],
) -> list[Hop]:
    """The latest produce run of ``topic`` read again, and every re-drive of it, against Kafka."""
    manifests = read_manifests(client, landing_root, topic)
    produced = [manifest for manifest in manifests if manifest.kind == KIND_PRODUCE]
    if not produced and not log.messages:
        return [Hop(STAGE_SOURCE, topic, "records", 0, 0, notes=("no run recorded, and the topic is empty",))]
    if not produced:
        return [
            missing_hop(STAGE_SOURCE, topic, "records", f"no run manifest under {landing_root} raw/_runs")
        ]
    latest = produced[-1]
    hops = [
        source_hop(
            f"{topic} run {latest.run_id[:8]}",
            readers.reread_source(latest, settings),
            records_of_run(log.messages, latest.run_id),
            readers.deadletters_of_run(deadletters, latest),
            dict(latest.summary),
        )
    ]
    for redrive in (manifest for manifest in manifests if manifest.kind == KIND_REDRIVE):
        summary = dict(redrive.summary)
        tally = SourceTally(summary.get("read", 0), summary.get("sent", 0), summary.get("rejected", 0), 0)
        hops.append(
            source_hop(
                f"{topic} redrive {redrive.run_id[:8]}",
                tally,
                records_of_run(log.messages, redrive.run_id),
                readers.deadletters_of_run(deadletters, redrive),
            )
        )
    return hops


def deadletter_landing_hop(settings: Settings, landing: readers.HdfsFiles, landing_root: str) -> Hop:
    """The dead-letter topic's messages against the lines landed under ``rejects/produce``."""
    topic = settings.topic_deadletter
    log = readers.read_topic_log(settings, topic)
    directories = topic_directories(landing_root, topic, topic)
    lines, names = readers.count_landed_lines(landing, directories.data)
    coverage = offset_coverage_problems(names, log.end_offsets)
    return Hop(STAGE_LANDING, topic, "messages", len(log.messages), lines, problems=tuple(coverage))


def processed_measures(store: readers.FileStore, root: str) -> dict[str, int]:
    """Row counts of every table, and the measures the hops compare (absent when a table is missing)."""
    measures: dict[str, int] = {}
    for table in ROW_COUNT_TABLES:
        rows = readers.count_parquet_rows(store, f"{root}/{table}")
        if rows is not None:
            measures[f"{table}.rows"] = rows
    appearances = readers.read_parquet_folder(
        store, f"{root}/character_appearances", ["character_id", "film_id"]
    )
    if appearances is not None:
        measures["character_appearances.rows"] = appearances.num_rows
        measures["character_appearances.appearances"] = len(
            set(zip(*_columns(appearances, "character_id", "film_id"), strict=True))
        )
    daily = readers.read_parquet_folder(
        store,
        f"{root}/box_office_daily",
        ["film_id", "box_office_date", "day_number", "state", "gross_cents", "theater_count"],
    )
    if daily is not None:
        film_ids, dates, days, states, gross, theaters = _columns(
            daily, "film_id", "box_office_date", "day_number", "state", "gross_cents", "theater_count"
        )
        measures["box_office_daily.rows"] = daily.num_rows
        measures["box_office_daily.theater_rows"] = sum(value or 0 for value in theaters)
        measures["box_office_daily.gross_cents"] = sum(value or 0 for value in gross)
        measures["box_office_daily.film_days"] = len(set(zip(film_ids, dates, strict=True)))
        measures["box_office_daily.film_states"] = len(set(zip(film_ids, states, strict=True)))
        weeks = [(day - 1) // DAYS_PER_RELEASE_WEEK + 1 for day in days]
        measures["box_office_daily.film_week_states"] = len(set(zip(film_ids, weeks, states, strict=True)))
    return measures


def _columns(table: Any, *names: str) -> list[list[Any]]:
    return [table.column(name).to_pylist() for name in names]


def export_hops(measures: dict[str, int], exports: Path) -> list[Hop]:
    """Each export's rows (and box-office gross) against the processed measure it is built from."""
    import pyarrow.parquet as parquet

    manifest_path = exports / "manifest.json"
    manifest = json.loads(manifest_path.read_text())["files"] if manifest_path.exists() else {}
    hops = []
    for name, measure in EXPORT_SOURCES.items():
        path = exports / f"{name}.parquet"
        if not path.exists():
            hops.append(missing_hop(STAGE_EXPORT, name, "rows", f"no export {path}"))
            continue
        if measure not in measures:
            hops.append(missing_hop(STAGE_EXPORT, name, "rows", f"no processed measure {measure}"))
            continue
        rows = parquet.read_metadata(path).num_rows
        manifest_rows = manifest.get(name, {}).get("rows")
        hops.append(export_hop(name, measures[measure], rows, "rows", manifest_rows))
        if name in EXPORT_GROSS and "box_office_daily.gross_cents" in measures:
            gross = parquet.read_table(path, columns=["gross_cents"]).column("gross_cents").to_pylist()
            total = sum(value or 0 for value in gross)
            hops.append(
                export_hop(name, measures["box_office_daily.gross_cents"], total, "gross_cents", None)
            )
    return hops
