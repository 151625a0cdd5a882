"""Run manifests: what a producer run (or a dead-letter re-drive) was asked to do, and what it reported.

A manifest is a small JSON document written by the producer command line at the end of every run, to
``<landing root>/raw/_runs/<topic>/<run_id>.json`` in HDFS (``_runs`` starts with ``_``, so Spark and Hadoop
listings skip it, and it sits outside every topic folder). It holds the run's parameters (source, path,
seed, scale, limits: enough to read the very same source records again), its time window and the
producer's own summary. ``scripts/reconcile.py`` reads the newest manifest of each topic to know what was
asked, then counts what reached each hop.

Writing the manifest never changes a producer's exit status: the records are already in Kafka, and a
failing write is logged as an error (reconcile then reports the topic as having no recorded run).
"""

from __future__ import annotations

import json
import logging
import posixpath
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from hyperion.ingest.landing import RAW_DIRECTORY, join_path

logger = logging.getLogger(__name__)

RUNS_DIRECTORY = "_runs"
MANIFEST_SCHEMA_VERSION = 1
KIND_PRODUCE = "produce"
KIND_REDRIVE = "redrive"


@dataclass(frozen=True)
class RunManifest:
    """One producer run or re-drive: parameters, time window (epoch milliseconds) and reported counts."""

    run_id: str
    kind: str
    producer: str
    topic: str
    deadletter_topic: str
    parameters: Mapping[str, Any]
    started_at_ms: int
    finished_at_ms: int
    summary: Mapping[str, int] = field(default_factory=dict)
    schema_version: int = MANIFEST_SCHEMA_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> RunManifest:
        document = json.loads(text)
        if document.get("schema_version") != MANIFEST_SCHEMA_VERSION:
            raise ValueError(f"run manifest schema_version {document.get('schema_version')!r} is not 1")
        return cls(**document)


def runs_directory(landing_root: str, topic: str) -> str:
    """``<root>/raw/_runs/<topic>``: where the manifests of ``topic``'s runs are kept."""
    return join_path(landing_root, RAW_DIRECTORY, RUNS_DIRECTORY, topic)


def manifest_path(landing_root: str, topic: str, run_id: str) -> str:
    return posixpath.join(runs_directory(landing_root, topic), f"{run_id}.json")


def write_manifest(client: Any, landing_root: str, manifest: RunManifest) -> str:
    """Write ``manifest`` through an ``hdfs`` client (replacing one of the same run); return its path."""
    path = manifest_path(landing_root, manifest.topic, manifest.run_id)
    client.write(path, data=manifest.to_json(), encoding="utf-8", overwrite=True)
    return path


def write_manifest_logged(client: Any, landing_root: str, manifest: RunManifest) -> str | None:
    """:func:`write_manifest`, logging instead of raising: the run itself already happened."""
    try:
        path = write_manifest(client, landing_root, manifest)
    except Exception as error:  # noqa: BLE001 - any HDFS failure is reported, never fatal to a finished run
        logger.error(
            "could not record run %s of %s in HDFS (%s: %s); reconcile will not know this run",
            manifest.run_id,
            manifest.topic,
            type(error).__name__,
            error,
        )
        return None
    logger.info("run manifest: %s", path)
    return path


def read_manifests(client: Any, landing_root: str, topic: str) -> list[RunManifest]:
    """Every manifest of ``topic``, oldest first (by finish time, then run id)."""
    directory = runs_directory(landing_root, topic)
    if client.status(directory, strict=False) is None:
        return []
    manifests = []
    for name in client.list(directory):
        if not name.endswith(".json"):
            continue
        with client.read(posixpath.join(directory, name), encoding="utf-8") as reader:
            manifests.append(RunManifest.from_json(reader.read()))
    return sorted(manifests, key=lambda manifest: (manifest.finished_at_ms, manifest.run_id))


def latest_manifest(manifests: list[RunManifest], kind: str = KIND_PRODUCE) -> RunManifest | None:
    """The newest manifest of ``kind`` among ``manifests`` (sorted oldest first), or None."""
    of_kind = [manifest for manifest in manifests if manifest.kind == kind]
    return of_kind[-1] if of_kind else None
