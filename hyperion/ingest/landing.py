"""Landed file names, message decoding and the atomic write-then-rename into HDFS.

Layout under a landing root (``/`` in production, ``/tests/<uuid>`` in tests)::

    <root>/raw/<topic>/part-<partition:05d>-<first_offset:012d>-<last_offset:012d>.jsonl
    <root>/rejects/produce/<dead-letter topic>/part-….jsonl     (the dead-letter topic, landed as is)
    <root>/rejects/consume/<topic>/part-….jsonl                 (messages the consumer could not decode)
    <directory>/_tmp/part-….jsonl.<uuid>.tmp                     (files being written)

Names starting with ``_`` are hidden from Spark and Hadoop input listings, so a reader never sees a
half-written file. WebHDFS RENAME does not overwrite an existing target, so replacing a file (a replay
after a crash) deletes the target first, then renames.

Every store call may be retried (:class:`RetryingStore`, for a DataNode or NameNode that is briefly away),
so each step is idempotent: the temporary name is unique and overwritten, and the rename first checks
whether an earlier attempt already moved the file into place.
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


# Seconds to connect and to wait for an answer: a DataNode that hangs fails the call, which is then retried.
WEBHDFS_TIMEOUT_SECONDS = (10, 120)


def webhdfs_store(webhdfs_url: str, user: str) -> WebHdfsStore:
    """A :class:`WebHdfsStore` for the configured NameNode."""
    from hdfs import InsecureClient

    return WebHdfsStore(InsecureClient(webhdfs_url, user=user, timeout=WEBHDFS_TIMEOUT_SECONDS))


def is_transient_hdfs_error(error: BaseException) -> bool:
    """Connection failures and HDFS errors while a DataNode is away (all store steps are idempotent)."""
    import requests
    from hdfs.util import HdfsError

    return isinstance(error, requests.exceptions.RequestException | HdfsError | ConnectionError)


def hdfs_service_of_error(webhdfs_url: str) -> Any:
    """Names the service of a WebHDFS error: the DataNode a write was redirected to, or the NameNode."""
    from hyperion.ingest.retrying import service_of_url

    def name(error: BaseException) -> str:
        request = getattr(error, "request", None)
        return service_of_url(request.url if request is not None and request.url else webhdfs_url)

    return name


class RetryingStore:
    """A :class:`LandingStore` whose every call is retried with bounded backoff (hyperion.ingest.retrying)."""

    def __init__(self, store: LandingStore, policy: Any, service: Any, is_transient: Any = None) -> None:
        self.store = store
        self.policy = policy
        self.service = service
        self.is_transient = is_transient or is_transient_hdfs_error

    def _call(self, what: str, operation: Any) -> Any:
        from hyperion.ingest.retrying import call_with_retries

        return call_with_retries(
            operation, what=what, service=self.service, is_transient=self.is_transient, policy=self.policy
        )

    def list_names(self, directory: str) -> list[str]:
        return self._call(f"listing {directory}", lambda: self.store.list_names(directory))

    def write(self, path: str, chunks: Iterable[bytes]) -> None:
        # ``chunks`` must be re-iterable (an EncodedLines): a retry writes the whole file again.
        self._call(f"writing {path}", lambda: self.store.write(path, chunks))

    def exists(self, path: str) -> bool:
        return self._call(f"checking {path}", lambda: self.store.exists(path))

    def delete(self, path: str) -> None:
        self._call(f"deleting {path}", lambda: self.store.delete(path))

    def rename(self, source: str, target: str) -> None:
        attempts = 0

        def rename_once() -> None:
            nonlocal attempts
            attempts += 1
            # An earlier attempt may have renamed on the server and lost only the answer.
            if attempts > 1 and not self.store.exists(source) and self.store.exists(target):
                return
            self.store.rename(source, target)

        self._call(f"renaming {source} to {target}", rename_once)


def encode_lines(lines: Iterable[str], lines_per_chunk: int = 1000) -> Iterator[bytes]:
    """UTF-8 JSON Lines in chunks of ``lines_per_chunk`` lines: a few MiB at most in memory at once."""
    iterator = iter(lines)
    while chunk := list(itertools.islice(iterator, lines_per_chunk)):
        yield ("\n".join(chunk) + "\n").encode("utf-8")


@dataclass(frozen=True)
class EncodedLines:
    """The chunks of :func:`encode_lines`, encoded afresh on each iteration, so a retried write can resend."""

    lines: list[str]

    def __iter__(self) -> Iterator[bytes]:
        return encode_lines(self.lines)


def land_file(store: LandingStore, directory: str, name: str, lines: Iterable[str]) -> str:
    """Write ``lines`` to ``directory/name`` atomically; an existing file of that name is replaced.

    The data goes to a unique temporary name first and is renamed into place, so the final name only ever
    holds a complete file. Returns the final path.
    """
    target = posixpath.join(directory, name)
    temporary = posixpath.join(directory, TEMPORARY_DIRECTORY, f"{name}.{uuid.uuid4().hex}.tmp")
    store.write(temporary, EncodedLines(list(lines)))
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


Ranges = list[tuple[int, int]]


def resolve_overlaps(ranges: Iterable[tuple[int, int]]) -> tuple[Ranges, Ranges]:
    """Split landed ranges ``(first, last)`` into one chain without overlaps, and the redundant rest.

    Overlapping files of one partition can only come from two owners landing the same offsets with other
    boundaries (a member that lost the partition while landing: see hyperion.ingest.consumer, rule 5). A
    Kafka log is immutable, so two files holding the same offsets hold the same records, and any chain of
    files that covers the same offsets is the same data. The chain kept starts at the lowest offset and
    reaches as far as possible with the fewest files; a file is redundant when it lies inside the kept
    chain's span. Files beyond a gap in the chain are kept as they are.
    """
    unique = sorted(set(ranges))
    if not unique:
        return [], []
    by_first: dict[int, list[int]] = {}
    for first, last in unique:
        by_first.setdefault(first, []).append(last)
    # reach[first]: (furthest last offset a chain starting at first covers, files in that chain).
    reach: dict[int, tuple[int, int]] = {}
    choice: dict[int, int] = {}
    for first in sorted(by_first, reverse=True):
        best: tuple[int, int] | None = None
        for last in by_first[first]:
            further = reach.get(last + 1)
            candidate = (further[0], further[1] + 1) if further else (last, 1)
            if best is None or (candidate[0], -candidate[1]) > (best[0], -best[1]):
                best, choice[first] = candidate, last
        reach[first] = best  # type: ignore[assignment]
    chain = []
    position = unique[0][0]
    while position in choice:
        chain.append((position, choice[position]))
        position = choice[position] + 1
    end = chain[-1][1]
    redundant = [item for item in unique if item not in chain and item[1] <= end]
    kept = chain + [item for item in unique if item not in chain and item[1] > end]
    return sorted(kept), redundant
