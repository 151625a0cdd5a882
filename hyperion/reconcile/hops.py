"""The pure half of reconciliation: hops, their balance, and the counting rules at each hop.

A *hop* is one step a topic's records or a table's rows take (source to Kafka, Kafka to the landing,
landing to a processed table, processed table to an export). It balances when

    in = out + rejected + set aside

and it reports no problem (an offset gap, a missing run, a missing table). Nothing here does I/O: the
functions take what :mod:`hyperion.reconcile.readers` read, so the rules are tested with hand-made counts.
"""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

STAGE_SOURCE = "source-to-kafka"
STAGE_LANDING = "kafka-to-raw"
STAGE_PROCESSED = "raw-to-processed"
STAGE_EXPORT = "processed-to-export"
STAGES = (STAGE_SOURCE, STAGE_LANDING, STAGE_PROCESSED, STAGE_EXPORT)

# The transforms reject a record whose film is unknown only after deduplication (one reject per natural
# key), unlike every other reason, which rejects a landed record before it (hyperion.transform.*).
UNRESOLVED_REASON_PREFIX = "unresolved film_id"


@dataclass(frozen=True)
class Hop:
    """The counts of one hop for one topic, table or export. ``unit`` says what is counted."""

    stage: str
    subject: str
    unit: str
    received: int
    passed: int
    rejected: int = 0
    set_aside: int = 0
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def difference(self) -> int:
        """``in - (out + rejected + set aside)``: positive when records went missing, negative if doubled."""
        return self.received - (self.passed + self.rejected + self.set_aside)

    @property
    def balances(self) -> bool:
        return self.difference == 0 and not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "difference": self.difference, "balances": self.balances}


@dataclass(frozen=True)
class Report:
    """Every hop of one reconciliation, in pipeline order."""

    hops: tuple[Hop, ...]
    context: dict[str, Any] = field(default_factory=dict)

    @property
    def balances(self) -> bool:
        return bool(self.hops) and all(hop.balances for hop in self.hops)

    def unbalanced(self) -> list[Hop]:
        return [hop for hop in self.hops if not hop.balances]

    def to_json(self) -> str:
        document = {
            "balances": self.balances,
            "context": self.context,
            "hops": [hop.to_dict() for hop in self.hops],
        }
        return json.dumps(document, indent=2, sort_keys=True)


def missing_hop(stage: str, subject: str, unit: str, problem: str) -> Hop:
    """A hop that could not be counted: it never balances, and says why."""
    return Hop(stage, subject, unit, 0, 0, problems=(problem,))


# --- source -> Kafka -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceTally:
    """What reading a source gives, counted as a producer counts (records, not messages)."""

    read: int = 0
    sendable: int = 0
    rejected: int = 0
    set_aside: int = 0


def source_hop(
    subject: str,
    source: SourceTally,
    sent_in_kafka: int,
    deadletter_in_kafka: int,
    reported: dict[str, int] | None = None,
) -> Hop:
    """Records read again from the run's source against what reached the topic and the dead-letter topic.

    ``set aside`` is what the source itself sets aside (never sent anywhere). The run's own summary
    (``reported``), when given, is compared in the notes: a different ``read`` means the source changed.
    """
    problems = []
    notes = []
    if source.rejected != deadletter_in_kafka:
        problems.append(
            f"the source has {source.rejected} rejects, the dead-letter topic {deadletter_in_kafka}"
        )
    if reported is not None:
        notes.append(
            "producer reported read={read} sent={sent} failed={failed} rejected={rejected} "
            "set_aside={set_aside}".format(**{name: reported.get(name, 0) for name in _REPORTED})
        )
        if reported.get("read") != source.read:
            problems.append(
                f"the source now holds {source.read} records, the run read {reported.get('read')}"
            )
    return Hop(
        STAGE_SOURCE,
        subject,
        "records",
        received=source.read,
        passed=sent_in_kafka,
        rejected=deadletter_in_kafka,
        set_aside=source.set_aside,
        problems=tuple(problems),
        notes=tuple(notes),
    )


_REPORTED = ("read", "sent", "failed", "rejected", "set_aside")


# --- Kafka -> landing --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MessageCount:
    """One Kafka message as counted by reconcile: its run, how many records it holds, whether it decodes."""

    partition: int
    offset: int
    run_id: str | None
    records: int
    decodable: bool


def message_count(partition: int, offset: int, value: bytes | None) -> MessageCount:
    """Count a message value the way the landing consumer does (hyperion.ingest.landing.decode_message).

    A box-office film-day holds ``len(rows)`` records, any other envelope one; a value that is not a UTF-8
    JSON object with ``schema_version`` 1 is undecodable and counts as one (rejected) record.
    """
    try:
        document = json.loads((value or b"").decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return MessageCount(partition, offset, None, 1, False)
    if not isinstance(document, dict) or document.get("schema_version") != 1:
        return MessageCount(partition, offset, None, 1, False)
    return MessageCount(partition, offset, document.get("run_id"), payload_records(document), True)


def payload_records(document: Any) -> int:
    """Records in an envelope or a landed line: the rows of a box-office film-day, else one."""
    payload = document.get("payload") if isinstance(document, dict) else None
    rows = payload.get("rows") if isinstance(payload, dict) else None
    return len(rows) if isinstance(rows, list) else 1


def records_of_run(messages: Iterable[MessageCount], run_id: str) -> int:
    return sum(message.records for message in messages if message.decodable and message.run_id == run_id)


def deadletter_records(value: dict[str, Any]) -> int:
    """Source records one dead-letter value stands for: the rows of a rejected film-day, else one."""
    try:
        original = json.loads(value.get("raw") or "")
    except ValueError:
        return 1
    rows = original.get("rows") if isinstance(original, dict) else None
    return len(rows) if isinstance(rows, list) and rows else 1


def landing_hop(
    subject: str,
    in_topic: Sequence[MessageCount],
    landed_records: int,
    landed_messages: int,
    consume_rejects: int,
    coverage_problems: Sequence[str] = (),
) -> Hop:
    """Records in the topic's log against records landed plus messages the consumer rejected."""
    messages = len(in_topic)
    notes = (f"messages: {messages} in the topic, {landed_messages} landed, {consume_rejects} rejected",)
    problems = list(coverage_problems)
    if messages != landed_messages + consume_rejects:
        problems.append(f"{messages - landed_messages - consume_rejects} messages not landed once")
    return Hop(
        STAGE_LANDING,
        subject,
        "records",
        received=sum(message.records for message in in_topic),
        passed=landed_records,
        rejected=consume_rejects,
        problems=tuple(problems),
        notes=notes,
    )


# --- landing -> processed ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LandedRecord:
    """One landed record: where it sits (partition, offset, row key for box office) and its natural key."""

    partition: int
    offset: int
    row_key: str | None
    natural_key: Hashable


@dataclass(frozen=True)
class TransformReject:
    """One line of ``/rejects/transform/<table>/``: the landed record it names and why."""

    partition: int | None
    offset: int | None
    natural_key: str | None
    reason: str

    @property
    def after_deduplication(self) -> bool:
        return self.reason.startswith(UNRESOLVED_REASON_PREFIX)


def join_key(parts: Iterable[Any]) -> str:
    """A key as Spark's ``concat_ws('|', ...)`` makes it: nulls skipped, the rest as strings."""
    return "|".join(str(part) for part in parts if part is not None)


def transform_hop(
    subject: str,
    landed: Iterable[LandedRecord],
    rejects: Sequence[TransformReject],
    rows_at_grain: int,
    unit: str = "records",
) -> Hop:
    """Landed records against the rows of a table at the landing grain, its rejects and superseded copies.

    The transforms reject a bad record first, then keep the latest landed record per natural key, then
    reject the keys whose film is unknown. So: records named by an early reject are rejected; of the rest,
    every copy of a key but one is *set aside* (superseded by a later copy); each surviving key is a row or
    a late reject. A row lost between the landing and the table, or one made twice, unbalances the hop.
    """
    early = {
        (reject.partition, reject.offset, reject.natural_key)
        for reject in rejects
        if not reject.after_deduplication
    }
    whole_messages = {
        (reject.partition, reject.offset) for reject in rejects if not reject.after_deduplication
    }
    received = kept = 0
    surviving: set[Hashable] = set()
    for record in landed:
        received += 1
        if record.row_key is None:
            if (record.partition, record.offset) in whole_messages:
                continue
        elif (record.partition, record.offset, record.row_key) in early:
            continue
        kept += 1
        surviving.add(record.natural_key)
    return Hop(
        STAGE_PROCESSED,
        subject,
        unit,
        received=received,
        passed=rows_at_grain,
        rejected=len(rejects),
        set_aside=kept - len(surviving),
    )


# --- processed -> export -----------------------------------------------------------------------------------


def export_hop(subject: str, processed: int, exported: int, unit: str, manifest_rows: int | None) -> Hop:
    """An export's rows against the processed measure it is built from (and its manifest entry)."""
    problems = []
    if manifest_rows is not None and manifest_rows != exported:
        problems.append(f"manifest.json says {manifest_rows} rows, the file holds {exported}")
    return Hop(STAGE_EXPORT, subject, unit, received=processed, passed=exported, problems=tuple(problems))


# --- rendering ---------------------------------------------------------------------------------------------

COLUMNS = ("stage", "subject", "unit", "in", "out", "rejected", "set_aside", "diff", "balances")


def render_table(report: Report) -> str:
    """A plain-text table of the hops, one line each, then their problems and notes, then the verdict."""
    rows = [
        (
            hop.stage,
            hop.subject,
            hop.unit,
            str(hop.received),
            str(hop.passed),
            str(hop.rejected),
            str(hop.set_aside),
            str(hop.difference),
            "yes" if hop.balances else "NO",
        )
        for hop in report.hops
    ]
    widths = [max(len(column), *(len(row[index]) for row in rows)) for index, column in enumerate(COLUMNS)]
    numeric = {3, 4, 5, 6, 7}

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(widths[index]) if index in numeric else cell.ljust(widths[index])
            for index, cell in enumerate(cells)
        ).rstrip()

    lines = [line(COLUMNS), line(["-" * width for width in widths])]
    lines += [line(row) for row in rows]
    details = [
        f"  {hop.stage} {hop.subject}: {'PROBLEM ' if kind == 'problem' else ''}{text}"
        for hop in report.hops
        for kind, texts in (("problem", hop.problems), ("note", hop.notes))
        for text in texts
    ]
    if details:
        lines += ["", *details]
    processed_rows = report.context.get("processed_rows") or {}
    if processed_rows:
        measures = [f"{name}={value}" for name, value in processed_rows.items()]
        lines += ["", "processed: " + " ".join(measures)]
    unbalanced = report.unbalanced()
    verdict = (
        f"balanced: all {len(report.hops)} hops"
        if report.balances
        else f"NOT balanced: {len(unbalanced)} of {len(report.hops)} hops"
    )
    return "\n".join([*lines, "", verdict])
