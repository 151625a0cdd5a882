"""Landed file names, message decoding and the atomic write-then-rename into HDFS.

Layout under a landing root (``/`` in production, ``/tests/<uuid>`` in tests)::

    <root>/raw/<topic>/part-<partition:05d>-<first_offset:012d>-<last_offset:012d>.jsonl
    <root>/rejects/produce/<dead-letter topic>/part-….jsonl     (the dead-letter topic, landed as is)
    <root>/rejects/consume/<topic>/part-….jsonl                 (messages the consumer could not decode)
    <directory>/_tmp/part-….jsonl.<uuid>.tmp                     (files being written)

Names starting with ``_`` are hidden from Spark and Hadoop input listings, so a reader never sees a
half-written file. WebHDFS RENAME does not overwrite an existing target, so replacing a file (a replay
after a crash) deletes the target first, then renames.
"""

from __future__ import annotations

import itertools
import json
import logging
import posixpath
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from hyperion.ingest.envelope import SCHEMA_VERSION, STAGE_CONSUME, STAGE_PRODUCE, deadletter_value

logger = logging.getLogger(__name__)

RAW_DIRECTORY = "raw"
REJECTS_DIRECTORY = "rejects"
TEMPORARY_DIRECTORY = "_tmp"
LANDED_FILE_PATTERN = re.compile(r"^part-(\d{5})-(\d{12})-(\d{12})\.jsonl$")


def landed_file_name(partition: int, first_offset: int, last_offset: int) -> str:
    """The deterministic name of the file holding offsets ``first_offset..last_offset`` (inclusive)."""
    return f"part-{partition:05d}-{first_offset:012d}-{last_offset:012d}.jsonl"


def parse_landed_file_name(name: str) -> tuple[int, int, int] | None:
    """``(partition, first_offset, last_offset)`` of a landed file name, or None for any other name."""
    match = LANDED_FILE_PATTERN.match(name)
    if match is None:
        return None
    partition, first_offset, last_offset = (int(group) for group in match.groups())
    return partition, first_offset, last_offset


def join_path(root: str, *parts: str) -> str:
    """An absolute HDFS path under ``root``."""
    return posixpath.join("/", root.strip("/"), *parts) if root.strip("/") else posixpath.join("/", *parts)


@dataclass(frozen=True)
class TopicDirectories:
    """Where one topic's records land and where the consumer's rejects of that topic land."""

    data: str
    rejects: str


def topic_directories(root: str, topic: str, deadletter_topic: str) -> TopicDirectories:
    """The landing directories of ``topic`` (the dead-letter topic lands under ``rejects/produce``)."""
    if topic == deadletter_topic:
        data = join_path(root, REJECTS_DIRECTORY, STAGE_PRODUCE, topic)
    else:
        data = join_path(root, RAW_DIRECTORY, topic)
    return TopicDirectories(data=data, rejects=join_path(root, REJECTS_DIRECTORY, STAGE_CONSUME, topic))


@dataclass(frozen=True)
class DecodedMessage:
    """A message ready to land: its JSON line (no newline) and the records it holds."""

    line: str
    records: int


@dataclass(frozen=True)
class UndecodableMessage:
    """A message that cannot land: its dead-letter line (no newline) and the reason."""

    line: str
    reason: str


def decode_message(
    value: bytes | None, topic: str, partition: int, offset: int
) -> DecodedMessage | UndecodableMessage:
    """One message value as its landed line: the envelope plus ``kafka_partition`` and ``kafka_offset``.

    The envelope is kept as received: the two fields are spliced in before the closing brace when the
    value is one line, which is also far cheaper than serializing the object again. Anything that is not
    a UTF-8 JSON object with ``schema_version`` 1 is undecodable and becomes a dead-letter line.
    """
    text = ""
    try:
        if value is None:
            raise ValueError("empty message value")
        text = value.decode("utf-8")
        document = json.loads(text)
        if not isinstance(document, dict):
            raise ValueError(f"expected a JSON object, got {type(document).__name__}")
        if document.get("schema_version") != SCHEMA_VERSION:
            raise ValueError(
                f"schema_version must be {SCHEMA_VERSION}, got {document.get('schema_version')!r}"
            )
    except (UnicodeDecodeError, ValueError) as error:
        raw = text or (value or b"").decode("utf-8", errors="replace")
        reason = f"undecodable: {error}"
        rejected = deadletter_value(
            STAGE_CONSUME, reason, raw, topic=topic, partition=partition, offset=offset
        )
        return UndecodableMessage(json.dumps(rejected, ensure_ascii=False), reason)
    payload = document.get("payload")
    rows = payload.get("rows") if isinstance(payload, dict) else None
    records = len(rows) if isinstance(rows, list) else 1
    stripped = text.rstrip()
    if "\n" in stripped or "kafka_partition" in document or "kafka_offset" in document:
        document.pop("kafka_partition", None)
        document.pop("kafka_offset", None)
        line = json.dumps(
            {**document, "kafka_partition": partition, "kafka_offset": offset}, ensure_ascii=False
        )
    else:
        line = f'{stripped[:-1]},"kafka_partition":{partition},"kafka_offset":{offset}}}'
    return DecodedMessage(line, records)


class LandingStore(Protocol):
    """The file operations landing needs (WebHDFS in production, an in-memory fake in unit tests)."""

    def list_names(self, directory: str) -> list[str]: ...

    def write(self, path: str, chunks: Iterable[bytes]) -> None: ...

    def exists(self, path: str) -> bool: ...

    def delete(self, path: str) -> None: ...

    def rename(self, source: str, target: str) -> None: ...


class WebHdfsStore:
    """:class:`LandingStore` over an ``hdfs.InsecureClient`` (WebHDFS)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def list_names(self, directory: str) -> list[str]:
        if self.client.status(directory, strict=False) is None:
            return []
        return self.client.list(directory)

    def write(self, path: str, chunks: Iterable[bytes]) -> None:
        # A generator is streamed (chunked transfer), so the file never exists as one big bytes object.
        self.client.write(path, data=iter(chunks), overwrite=True)

    def exists(self, path: str) -> bool:
        return self.client.status(path, strict=False) is not None

    def delete(self, path: str) -> None:
        self.client.delete(path, recursive=False)

    def rename(self, source: str, target: str) -> None:
        # hdfs raises HdfsError when WebHDFS answers false (for example when the target exists).
        self.client.rename(source, target)


def webhdfs_store(webhdfs_url: str, user: str) -> WebHdfsStore:
    """A :class:`WebHdfsStore` for the configured NameNode."""
    from hdfs import InsecureClient

    return WebHdfsStore(InsecureClient(webhdfs_url, user=user))


def encode_lines(lines: Iterable[str], lines_per_chunk: int = 1000) -> Iterator[bytes]:
    """UTF-8 JSON Lines in chunks of ``lines_per_chunk`` lines: a few MiB at most in memory at once."""
    iterator = iter(lines)
    while chunk := list(itertools.islice(iterator, lines_per_chunk)):
        yield ("\n".join(chunk) + "\n").encode("utf-8")


def land_file(store: LandingStore, directory: str, name: str, lines: Iterable[str]) -> str:
    """Write ``lines`` to ``directory/name`` atomically; an existing file of that name is replaced.

    The data goes to a unique temporary name first and is renamed into place, so the final name only ever
    holds a complete file. Returns the final path.
    """
    target = posixpath.join(directory, name)
    temporary = posixpath.join(directory, TEMPORARY_DIRECTORY, f"{name}.{uuid.uuid4().hex}.tmp")
    store.write(temporary, encode_lines(lines))
    if store.exists(target):
        # A replay of a batch that landed before a crash but was never committed: same name, same content.
        logger.info("replacing %s (replayed batch)", target)
        store.delete(target)
    store.rename(temporary, target)
    return target


def remove_temporary_files(store: LandingStore, directory: str, partition: int) -> int:
    """Delete the leftover temporary files of ``partition`` (from a crash mid-write); return how many."""
    temporary_directory = posixpath.join(directory, TEMPORARY_DIRECTORY)
    prefix = f"part-{partition:05d}-"
    removed = 0
    for name in store.list_names(temporary_directory):
        if name.startswith(prefix):
            store.delete(posixpath.join(temporary_directory, name))
            removed += 1
    return removed


def landed_ranges(store: LandingStore, directories: Iterable[str], partition: int) -> dict[int, int]:
    """``{first_offset: last_offset}`` of every landed file of ``partition`` in ``directories``."""
    ranges: dict[int, int] = {}
    for directory in directories:
        for name in store.list_names(directory):
            parsed = parse_landed_file_name(name)
            if parsed is not None and parsed[0] == partition:
                ranges[parsed[1]] = max(parsed[2], ranges.get(parsed[1], parsed[2]))
    return ranges
