"""Re-drive dead letters once fixed: back through the producer path, idempotently.

The flow (``scripts/redrive_deadletter.py``, documented in docs/reconcile.md):

1. ``export``: the dead letters (from the dead-letter topic, or the landed ``rejects/`` files), filtered by
   ``--select``, become an editable JSON Lines file, one object per dead letter::

       {"topic": "raw-films", "source_file": "...", "source_location": "$.films[3]", "reason": "...",
        "payload": <the rejected record, parsed from its raw text, or null when it is not JSON>, "raw": "..."}

2. the user fixes ``payload`` (a film record, a character appearance with its ``film_id``, or box-office
   rows: one row or a film-day ``{"film_id", "date", "rows": [...]}``);
3. ``send``: every line is validated by the producers' own rules (the bundled JSON Schemas, the box-office
   row rules), and :func:`hyperion.ingest.producer.run_producer` sends it in the producers' envelope, with
   its original ``source_file`` and ``source_location``. A line still invalid goes to the dead-letter topic
   again, with its reason.

Idempotence. The envelopes of a re-drive carry a deterministic ``run_id``: a UUID5 of the topic and the
file's canonical content (its lines re-serialized with sorted keys, so only a change of content makes a
new re-drive). Before sending, the topic is read for envelopes of that ``run_id``; every record already
there (same ``source_file`` and ``source_location``) is skipped, so a re-drive run twice, or re-run after
a crash midway, puts each fixed record in the topic exactly once, and the landing (exactly once per
offset) lands it once. A finished re-drive also leaves a run manifest (kind ``redrive``); a second run
of the same content finds it and sends nothing at all, dead letters included.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hyperion.sources.adapters import SourceItem, SourceRecord, SourceReject
from hyperion.sources.record_rules import (
    SLUG_PATTERN,
    RecordValidators,
    boxoffice_row_problems,
    record_problems,
)

# A fixed namespace, so that the same content always gives the same re-drive id, on any machine.
REDRIVE_NAMESPACE = uuid.UUID("5f1d0e36-6f1b-4c53-9a3e-2d3b8f0a7c11")
REASON_REDRIVE_SHAPE = "redrive-shape"
CATALOG_SUFFIX = "complete_movie_list.json"
ROW_FIELDS = ("state", "theater_id", "gross_cents")


@dataclass(frozen=True)
class Selection:
    """``field=value`` (equal) or ``field~=text`` (contains) on a dead-letter value's fields."""

    field: str
    value: str
    contains: bool

    @classmethod
    def parse(cls, text: str) -> Selection:
        if "~=" in text:
            name, value = text.split("~=", 1)
            return cls(name, value, True)
        if "=" in text:
            name, value = text.split("=", 1)
            return cls(name, value, False)
        raise ValueError(f"--select {text!r}: expected field=value or field~=text")

    def matches(self, value: Mapping[str, Any]) -> bool:
        actual = value.get(self.field)
        text = "" if actual is None else str(actual)
        return self.value in text if self.contains else text == self.value


def selected(
    values: Iterable[Mapping[str, Any]], selections: Iterable[Selection]
) -> Iterator[Mapping[str, Any]]:
    selections = list(selections)
    return (value for value in values if all(selection.matches(value) for selection in selections))


def editable_line(deadletter: Mapping[str, Any], original_topic: str | None = None) -> dict[str, Any]:
    """The editable form of one dead-letter value (see the module docstring)."""
    raw = deadletter.get("raw") or ""
    try:
        payload = json.loads(raw)
    except ValueError:
        payload = None
    return {
        "topic": original_topic or deadletter.get("topic"),
        "source_file": deadletter.get("source_file"),
        "source_location": deadletter.get("source_location"),
        "reason": deadletter.get("reason"),
        "payload": payload,
        "raw": raw,
    }


def canonical(line: Mapping[str, Any]) -> str:
    return json.dumps(line, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def redrive_id(topic: str, lines: Iterable[Mapping[str, Any]]) -> str:
    """The deterministic run id of re-driving ``lines`` to ``topic``."""
    digest = hashlib.sha256()
    digest.update(topic.encode("utf-8"))
    for line in lines:
        digest.update(b"\n" + canonical(line).encode("utf-8"))
    return str(uuid.uuid5(REDRIVE_NAMESPACE, digest.hexdigest()))


def parse_fixed_lines(text: str, source: str) -> list[dict[str, Any]]:
    """The lines of a fixed file; a line that is not a JSON object with a ``topic`` is an error naming it."""
    lines = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            document = json.loads(line)
        except ValueError as error:
            raise ValueError(f"{source} line {number}: not JSON ({error})") from error
        if not isinstance(document, dict) or not isinstance(document.get("topic"), str):
            raise ValueError(f"{source} line {number}: expected an object with a 'topic'")
        lines.append(document)
    return lines


def _reject(line: Mapping[str, Any], reason: str, records: int = 1) -> SourceReject:
    return SourceReject(
        reason,
        str(line.get("source_file")),
        str(line.get("source_location")),
        json.dumps(line.get("payload"), ensure_ascii=False, default=str),
        records,
    )


def film_items(line: Mapping[str, Any], validators: RecordValidators) -> Iterator[SourceItem]:
    """A fixed film, checked as its producer checks it: the catalog schema, or the legacy one off-catalog."""
    payload = line.get("payload")
    legacy = not str(line.get("source_file", "")).endswith(CATALOG_SUFFIX)
    problems = record_problems(payload, validators.legacy_film if legacy else validators.film)
    if problems:
        yield _reject(line, f"schema-violation: {'; '.join(problems)}")
        return
    yield SourceRecord(payload["film_id"], payload, str(line["source_file"]), str(line["source_location"]))


def character_items(line: Mapping[str, Any], validators: RecordValidators) -> Iterator[SourceItem]:
    """A fixed appearance: the character entry against its schema, plus a slug ``film_id``."""
    payload = line.get("payload")
    if not isinstance(payload, dict) or not SLUG_PATTERN.match(str(payload.get("film_id", ""))):
        yield _reject(line, f"{REASON_REDRIVE_SHAPE}: a character appearance needs a slug film_id")
        return
    entry = {name: value for name, value in payload.items() if name not in ("film_id", "attribution")}
    problems = record_problems(entry, validators.character)
    if problems:
        yield _reject(line, f"schema-violation: {'; '.join(problems)}")
        return
    yield SourceRecord(entry["character_id"], payload, str(line["source_file"]), str(line["source_location"]))


def boxoffice_items(line: Mapping[str, Any]) -> Iterator[SourceItem]:
    """Fixed box-office rows (one row, or a film-day with rows) as one film-day message, row rules applied."""
    payload = line.get("payload")
    if isinstance(payload, dict) and isinstance(payload.get("rows"), list):
        rows = [
            {"film_id": payload.get("film_id"), "date": payload.get("date"), **row}
            if isinstance(row, dict)
            else row
            for row in payload["rows"]
        ]
    else:
        rows = [payload]
    problems = [
        f"rows[{index}]{problem[1:]}"
        for index, row in enumerate(rows)
        for problem in boxoffice_row_problems(row)
    ]
    if (
        len(
            {
                (row["film_id"], row["date"])
                for row in rows
                if isinstance(row, dict) and "film_id" in row and "date" in row
            }
        )
        > 1
    ):
        problems.append(f"{REASON_REDRIVE_SHAPE}: one line holds one film-day")
    if problems or not rows:
        yield _reject(line, f"boxoffice-row-rules: {'; '.join(problems) or 'no rows'}", max(len(rows), 1))
        return
    film_id, date = rows[0]["film_id"], rows[0]["date"]
    film_day = {
        "film_id": film_id,
        "date": date,
        "rows": [{name: row[name] for name in ROW_FIELDS} for row in rows],
    }
    yield SourceRecord(film_id, film_day, str(line["source_file"]), str(line["source_location"]), len(rows))


def redrive_items(
    role: str, lines: Iterable[Mapping[str, Any]], validators: RecordValidators
) -> Iterator[SourceItem]:
    """The source items of fixed lines for the producer of ``role`` (films, characters or boxoffice)."""
    for line in lines:
        if role == "films":
            yield from film_items(line, validators)
        elif role == "characters":
            yield from character_items(line, validators)
        elif role == "boxoffice":
            yield from boxoffice_items(line)
        else:
            raise ValueError(f"no producer for role {role!r}")


def without_already_sent(items: Iterable[SourceItem], sent: set[tuple[str, str]]) -> Iterator[SourceItem]:
    """``items`` minus the records whose (source_file, source_location) the topic holds for this re-drive."""
    for item in items:
        if isinstance(item, SourceRecord) and (item.source_file, item.source_location) in sent:
            continue
        yield item


def sent_locations(values: Iterable[bytes | None], run_id: str) -> tuple[set[tuple[str, str]], int]:
    """``(source_file, source_location)`` of the topic's envelopes of ``run_id``, and their record count."""
    locations: set[tuple[str, str]] = set()
    records = 0
    for value in values:
        try:
            document = json.loads((value or b"").decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            continue
        if isinstance(document, dict) and document.get("run_id") == run_id:
            locations.add((str(document.get("source_file")), str(document.get("source_location"))))
            payload = document.get("payload")
            rows = payload.get("rows") if isinstance(payload, dict) else None
            records += len(rows) if isinstance(rows, list) else 1
    return locations, records


def build_parser(description: str) -> argparse.ArgumentParser:
    """The options of ``scripts/redrive_deadletter.py``: ``export`` and ``send``."""
    parser = argparse.ArgumentParser(
        description=description, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="dead letters as editable JSON Lines on stdout")
    export.add_argument(
        "--select", action="append", type=Selection.parse, default=[], help="field=value, field~=text"
    )
    export.add_argument("--from-landing", metavar="ROOT", help="read <ROOT>/rejects/ in HDFS, not the topic")
    send = commands.add_parser("send", help="validate and send fixed lines, idempotently")
    send.add_argument("--from-file", type=Path, required=True, help="the fixed JSON Lines file")
    send.add_argument("--landing-root", default="/", help="HDFS root whose raw/_runs/ records the re-drive")
    return parser


# --- wiring: Kafka, HDFS and the producer runner (scripts/redrive_deadletter.py calls these) -------------


@dataclass(frozen=True)
class RedriveOutcome:
    """What one re-drive of one topic did."""

    topic: str
    run_id: str
    lines: int
    already_sent: int
    summary: Any | None
    refused: bool

    @property
    def failed(self) -> bool:
        return self.summary is not None and self.summary.delivery_failed

    def one_line(self) -> str:
        if self.refused:
            return (
                f"topic={self.topic} run_id={self.run_id} lines={self.lines} already re-driven: nothing sent"
            )
        return f"{self.summary.one_line()} lines={self.lines} already_sent={self.already_sent}"


def iter_deadletter_values(settings: Any, landing_root: str | None) -> Iterator[Mapping[str, Any]]:
    """Dead-letter values from the dead-letter topic, or (``landing_root``) from the landed rejects files."""
    if landing_root is None:
        from hyperion.ingest.topic_scan import iter_topic

        for record in iter_topic(settings, settings.topic_deadletter):
            try:
                value = json.loads(record.value.decode("utf-8"))
            except (AttributeError, UnicodeDecodeError, ValueError):
                continue
            if isinstance(value, dict):
                yield value
        return
    import posixpath

    from hdfs import InsecureClient

    from hyperion.ingest.landing import REJECTS_DIRECTORY, join_path, parse_landed_file_name

    client = InsecureClient(settings.webhdfs_url, user=settings.hdfs_user)
    rejects = join_path(landing_root, REJECTS_DIRECTORY)
    for directory, _, names in client.walk(rejects):
        for name in sorted(names):
            if parse_landed_file_name(name) is None:
                continue
            with client.read(posixpath.join(directory, name), encoding="utf-8") as reader:
                for text in reader.read().splitlines():
                    if text:
                        yield json.loads(text)


def send_fixed(
    settings: Any, lines: list[dict[str, Any]], landing_root: str, source: str, compression: str = "lz4"
) -> list[RedriveOutcome]:
    """Re-drive ``lines`` (grouped by topic) through the producer path; see the module docstring."""
    import time

    from hdfs import InsecureClient
    from kafka import KafkaProducer

    from hyperion.ingest.producer import producer_options, run_producer
    from hyperion.ingest.runs import KIND_REDRIVE, RunManifest, read_manifests, write_manifest_logged
    from hyperion.ingest.topic_scan import iter_topic
    from hyperion.sources.record_rules import load_record_validators

    roles = {getattr(settings, f"topic_{role}"): role for role in ("films", "characters", "boxoffice")}
    unknown = sorted({line["topic"] for line in lines} - set(roles))
    if unknown:
        raise ValueError(f"{source}: no producer for topics {', '.join(unknown)} (known: {', '.join(roles)})")
    validators = load_record_validators(Path(settings.data_directory))
    client = InsecureClient(settings.webhdfs_url, user=settings.hdfs_user)
    outcomes = []
    for topic, role in roles.items():
        # The same line twice is one record to re-drive, not two.
        topic_lines = list({canonical(line): line for line in lines if line["topic"] == topic}.values())
        if not topic_lines:
            continue
        run_id = redrive_id(topic, topic_lines)
        if any(manifest.run_id == run_id for manifest in read_manifests(client, landing_root, topic)):
            outcomes.append(RedriveOutcome(topic, run_id, len(topic_lines), 0, None, True))
            continue
        # A re-drive interrupted before its manifest was written may have sent part of its records.
        sent, sent_records = sent_locations((record.value for record in iter_topic(settings, topic)), run_id)
        items = without_already_sent(redrive_items(role, topic_lines, validators), sent)
        started_at_ms = int(time.time() * 1000)
        producer = KafkaProducer(**producer_options(settings, compression))
        summary = run_producer(items, producer, topic, settings.topic_deadletter, run_id)
        manifest = RunManifest(
            run_id=run_id,
            kind=KIND_REDRIVE,
            producer=role,
            topic=topic,
            deadletter_topic=settings.topic_deadletter,
            parameters={"from_file": source, "lines": len(topic_lines)},
            started_at_ms=started_at_ms,
            finished_at_ms=int(time.time() * 1000),
            summary={
                "read": summary.read + sent_records,
                "sent": summary.sent + sent_records,
                "failed": summary.failed,
                "rejected": summary.rejected,
                "set_aside": summary.set_aside,
                "already_sent": sent_records,
            },
        )
        if not summary.delivery_failed:
            # Only a complete re-drive is recorded: an incomplete one is re-run, and skips what it sent.
            write_manifest_logged(client, landing_root, manifest)
        outcomes.append(RedriveOutcome(topic, run_id, len(topic_lines), sent_records, summary, False))
    return outcomes
