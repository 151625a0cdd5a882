"""Message envelopes and dead-letter values of the producers.

Every message value on the raw topics is a UTF-8 JSON envelope::

    {"schema_version": 1, "source_file": "data/characters/toy-story.json",
     "source_location": "$.characters[3]", "run_id": "<uuid4>", "payload": {...}}

A source record that fails validation is not sent to its topic; a dead-letter value describing it
(stage, reason, source location and the original text, truncated to 64 KiB) goes to ``raw-deadletter``.
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_VERSION = 1
# The original text kept in a dead-letter value: enough to diagnose, small enough for any topic.
MAXIMUM_RAW_CHARACTERS = 64 * 1024
# The largest message value the producers send; the broker accepts up to 4 MiB (message.max.bytes) and
# the producer's max_request_size is 1 MiB, so anything above this is rejected before it is sent.
MAXIMUM_MESSAGE_BYTES = 1_000_000

STAGE_PRODUCE = "produce"
STAGE_CONSUME = "consume"


def build_envelope(payload: Any, source_file: str, source_location: str, run_id: str) -> dict[str, Any]:
    """The envelope of one message (see the module docstring)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "source_file": source_file,
        "source_location": source_location,
        "run_id": run_id,
        "payload": payload,
    }


def encode_json(value: Any) -> bytes:
    """Compact UTF-8 JSON, one line (json.dumps escapes every newline inside strings).

    A lone surrogate (from an undecodable file name, say) cannot be UTF-8: it is written as ``\\udcff``
    rather than failing the whole run.
    """
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "backslashreplace")


def truncate_raw(text: str) -> str:
    """The original text as kept in a dead-letter value: at most 64 KiB characters."""
    return text if len(text) <= MAXIMUM_RAW_CHARACTERS else text[:MAXIMUM_RAW_CHARACTERS]


def deadletter_value(
    stage: str,
    reason: str,
    raw: str,
    source_file: str | None = None,
    source_location: str | None = None,
    topic: str | None = None,
    partition: int | None = None,
    offset: int | None = None,
) -> dict[str, Any]:
    """A dead-letter value in the ``raw-deadletter`` contract."""
    return {
        "schema_version": SCHEMA_VERSION,
        "stage": stage,
        "reason": reason,
        "source_file": source_file,
        "source_location": source_location,
        "topic": topic,
        "partition": partition,
        "offset": offset,
        "raw": truncate_raw(raw),
    }
