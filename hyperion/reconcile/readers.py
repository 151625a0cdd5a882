"""The I/O half of reconciliation: read each hop's figures from the sources, Kafka, HDFS and local files.

Every reader streams: a topic, a landing folder or a table is read once, file by file or message by
message, and only counts (and, for the transform hop, one hash per surviving natural key) stay in memory.
Folders are addressed by URL (``hdfs://…`` through WebHDFS, ``file://…`` or a plain local path), as the
Spark jobs address them.
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import os
import posixpath
from collections.abc import Callable, Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlparse

from hyperion.config import Settings
from hyperion.ingest.envelope import MAXIMUM_MESSAGE_BYTES
from hyperion.ingest.landing import parse_landed_file_name
from hyperion.ingest.producer import encode_message
from hyperion.ingest.runs import RunManifest
from hyperion.ingest.topic_scan import iter_topic, topic_offsets
from hyperion.reconcile.hops import (
    LandedRecord,
    MessageCount,
    SourceTally,
    TransformReject,
    deadletter_records,
    join_key,
    message_count,
    payload_records,
)
from hyperion.sources.adapters import SourceItem, SourceRecord, SourceReject, SourceSetAside

SUCCESS_MARKER = "_SUCCESS"


# --- sources ------------------------------------------------------------------------------------------------


def tally_items(items: Iterable[SourceItem], run_id: str) -> SourceTally:
    """Count source items as :func:`hyperion.ingest.producer.run_producer` does, oversized ones too."""
    read = sendable = rejected = set_aside = 0
    for item in items:
        read += item.record_count
        if isinstance(item, SourceRecord):
            if len(encode_message(item, run_id)) > MAXIMUM_MESSAGE_BYTES:
                rejected += item.record_count
            else:
                sendable += item.record_count
        elif isinstance(item, SourceReject):
            rejected += item.record_count
        elif isinstance(item, SourceSetAside):
            set_aside += item.record_count
    return SourceTally(read, sendable, rejected, set_aside)


def reread_source(manifest: RunManifest, settings: Settings) -> SourceTally:
    """Read the run's source again with its recorded parameters, through the producers' own adapters."""
    from hyperion.ingest.producer_cli import source_items

    parameters = dict(manifest.parameters)
    data_directory = parameters.pop("data_directory")
    for name in ("path", "input"):
        if parameters.get(name):
            parameters[name] = Path(parameters[name])
    arguments = argparse.Namespace(**parameters)
    run_settings = dataclasses.replace(settings, data_directory=data_directory)
    items, _ = source_items(manifest.producer, arguments, run_settings)
    return tally_items(items, manifest.run_id)


# --- Kafka --------------------------------------------------------------------------------------------------


@dataclass
class TopicLog:
    """What a topic's retained log holds, message by message (counted, not kept)."""

    messages: list[MessageCount] = field(default_factory=list)
    beginning_offsets: dict[int, int] = field(default_factory=dict)
    end_offsets: dict[int, int] = field(default_factory=dict)


def read_topic_log(settings: Settings, topic: str) -> TopicLog:
    log = TopicLog()
    log.beginning_offsets, log.end_offsets = topic_offsets(settings, topic)
    for record in iter_topic(settings, topic):
        log.messages.append(message_count(record.partition, record.offset, record.value))
    return log


@dataclass(frozen=True)
class DeadLetter:
    """A dead-letter value with its Kafka timestamp (milliseconds), as reconcile needs it."""

    timestamp_ms: int
    stage: str | None
    topic: str | None
    records: int


def read_deadletters(settings: Settings, topic: str) -> list[DeadLetter]:
    letters = []
    for record in iter_topic(settings, topic):
        try:
            value = json.loads(record.value.decode("utf-8"))
        except (AttributeError, UnicodeDecodeError, ValueError):
            continue
        if isinstance(value, dict):
            letters.append(
                DeadLetter(
                    record.timestamp, value.get("stage"), value.get("topic"), deadletter_records(value)
                )
            )
    return letters


def deadletters_of_run(letters: Iterable[DeadLetter], manifest: RunManifest) -> int:
    """Records the dead-letter topic holds for ``manifest``'s run: its topic, produce stage, time window."""
    return sum(
        letter.records
        for letter in letters
        if letter.topic == manifest.topic
        and letter.stage == "produce"
        and manifest.started_at_ms <= letter.timestamp_ms <= manifest.finished_at_ms
    )


# --- files: HDFS (WebHDFS) and local ------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    name: str
    is_directory: bool
    modified_ms: int


class FileStore(Protocol):
    def entries(self, directory: str) -> list[Entry] | None: ...

    def read_bytes(self, path: str) -> bytes: ...


class HdfsFiles:
    """:class:`FileStore` over an ``hdfs.InsecureClient``."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def entries(self, directory: str) -> list[Entry] | None:
        if self.client.status(directory, strict=False) is None:
            return None
        return [
            Entry(name, status["type"] == "DIRECTORY", int(status["modificationTime"]))
            for name, status in self.client.list(directory, status=True)
        ]

    def read_bytes(self, path: str) -> bytes:
        with self.client.read(path) as reader:
            return reader.read()


class LocalFiles:
    """:class:`FileStore` over the local file system."""

    def entries(self, directory: str) -> list[Entry] | None:
        if not os.path.isdir(directory):
            return None
        return [
            Entry(entry.name, entry.is_dir(), int(entry.stat().st_mtime * 1000))
            for entry in os.scandir(directory)
        ]

    def read_bytes(self, path: str) -> bytes:
        return Path(path).read_bytes()


def store_for(url: str, hdfs_client: Callable[[], Any]) -> tuple[FileStore, str]:
    """The store and path of a folder URL: ``hdfs://host:port/x`` (WebHDFS), ``file:///x`` or a local path."""
    parsed = urlparse(url)
    if parsed.scheme == "hdfs":
        return HdfsFiles(hdfs_client()), parsed.path or "/"
    if parsed.scheme == "file":
        return LocalFiles(), parsed.path
    if parsed.scheme == "":
        return LocalFiles(), url
    raise ValueError(f"{url}: only hdfs://, file:// and local paths can be reconciled")


def _hidden(name: str) -> bool:
    return name.startswith(("_", "."))


def current_folder(store: FileStore, folder: str) -> str | None:
    """The folder a reader should use: the newest complete version ``<folder>/<version>/`` (one holding a
    ``_SUCCESS`` marker, newest by the marker's time) when such versions exist, else ``folder`` itself.
    None when the folder does not exist."""
    entries = store.entries(folder)
    if entries is None:
        return None
    versions = []
    for entry in entries:
        if entry.is_directory and not _hidden(entry.name) and "=" not in entry.name:
            inside = store.entries(posixpath.join(folder, entry.name)) or []
            markers = [item for item in inside if item.name == SUCCESS_MARKER and not item.is_directory]
            if markers:
                versions.append((markers[0].modified_ms, entry.name))
    if versions:
        return posixpath.join(folder, max(versions)[1])
    return folder


def data_files(store: FileStore, folder: str) -> list[str]:
    """Every visible file under ``folder``, recursively (``_`` and ``.`` names are Spark's bookkeeping)."""
    files = []
    for entry in sorted(store.entries(folder) or [], key=lambda entry: entry.name):
        if _hidden(entry.name):
            continue
        path = posixpath.join(folder, entry.name)
        if entry.is_directory:
            files.extend(data_files(store, path))
        else:
            files.append(path)
    return files


# --- the landing --------------------------------------------------------------------------------------------

NaturalKey = Callable[[dict[str, Any]], Iterator[tuple[str | None, Hashable]]]


def film_keys(line: dict[str, Any]) -> Iterator[tuple[str | None, Hashable]]:
    payload = line.get("payload") or {}
    yield None, payload.get("film_id")


def character_keys(line: dict[str, Any]) -> Iterator[tuple[str | None, Hashable]]:
    payload = line.get("payload") or {}
    yield None, (payload.get("character_id"), payload.get("film_id"))


def boxoffice_keys(line: dict[str, Any]) -> Iterator[tuple[str | None, Hashable]]:
    """One key per row; the natural key is kept as a hash, so millions of rows stay a few tens of MB."""
    payload = line.get("payload") or {}
    film_id, date = payload.get("film_id"), payload.get("date")
    for row in payload.get("rows") or []:
        row = row if isinstance(row, dict) else {}
        key = (film_id, date, row.get("state"), row.get("theater_id"))
        yield join_key(key), hash(key)


@dataclass
class LandingTally:
    """Counts of one landed folder, filled while its records stream past."""

    records: int = 0
    messages: int = 0
    older_than_log: int = 0
    file_names: list[str] = field(default_factory=list)


def iter_landed(
    store: FileStore,
    folder: str,
    keys: NaturalKey,
    tally: LandingTally,
    beginning_offsets: dict[int, int] | None = None,
) -> Iterator[LandedRecord]:
    """Every landed record of ``folder`` (the consumer's ``part-…jsonl`` files), counting into ``tally``.

    Records at offsets the topic no longer retains are counted apart (``older_than_log``) and not compared
    with the log; they still go to the transform hop, which reads them.
    """
    for entry in sorted(store.entries(folder) or [], key=lambda entry: entry.name):
        parsed = parse_landed_file_name(entry.name)
        if entry.is_directory or parsed is None:
            continue
        tally.file_names.append(entry.name)
        partition = parsed[0]
        retained_from = (beginning_offsets or {}).get(partition, 0)
        for text in store.read_bytes(posixpath.join(folder, entry.name)).decode("utf-8").splitlines():
            if not text:
                continue
            line = json.loads(text)
            offset = line.get("kafka_offset", -1)
            records = payload_records(line)
            if offset < retained_from:
                tally.older_than_log += records
            else:
                tally.messages += 1
                tally.records += records
            for row_key, natural_key in keys(line):
                yield LandedRecord(partition, offset, row_key, natural_key)


def count_landed_lines(store: FileStore, folder: str) -> tuple[int, list[str]]:
    """``(lines, file names)`` of the landed files of a rejects folder."""
    lines = 0
    names = []
    for entry in store.entries(folder) or []:
        if entry.is_directory or parse_landed_file_name(entry.name) is None:
            continue
        names.append(entry.name)
        content = store.read_bytes(posixpath.join(folder, entry.name)).decode("utf-8")
        lines += sum(1 for text in content.splitlines() if text)
    return lines, names


# --- processed tables and exports ---------------------------------------------------------------------------


def read_transform_rejects(store: FileStore, folder: str) -> list[TransformReject] | None:
    """The JSON Lines rejects of one table (None when the folder does not exist)."""
    current = current_folder(store, folder)
    if current is None:
        return None
    rejects = []
    for path in data_files(store, current):
        for text in store.read_bytes(path).decode("utf-8").splitlines():
            if text:
                line = json.loads(text)
                rejects.append(
                    TransformReject(
                        line.get("kafka_partition"),
                        line.get("kafka_offset"),
                        line.get("natural_key"),
                        line.get("reason") or "",
                    )
                )
    return rejects


def read_parquet_folder(store: FileStore, folder: str, columns: list[str]) -> Any | None:
    """The ``columns`` of every Parquet file of a table folder (its newest complete version), or None."""
    import pyarrow as pa
    import pyarrow.parquet as parquet

    current = current_folder(store, folder)
    if current is None:
        return None
    tables = [
        parquet.read_table(io.BytesIO(store.read_bytes(path)), columns=columns)
        for path in data_files(store, current)
        if path.endswith(".parquet")
    ]
    if not tables:
        return None
    return pa.concat_tables(tables)


def count_parquet_rows(store: FileStore, folder: str) -> int | None:
    """Rows of a table folder (its newest complete version) from the Parquet footers, or None."""
    import pyarrow.parquet as parquet

    current = current_folder(store, folder)
    if current is None:
        return None
    paths = [path for path in data_files(store, current) if path.endswith(".parquet")]
    if not paths:
        return None
    return sum(parquet.ParquetFile(io.BytesIO(store.read_bytes(path))).metadata.num_rows for path in paths)
