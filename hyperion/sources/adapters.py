"""Sources of the producers: keyed records, or rejects with a reason and a source location.

Every source is an iterator of :data:`SourceItem`. Reading never stops at a bad record: a file that is not
JSON, a record that fails the schema or the box-office row rules becomes a :class:`SourceReject` and the
iteration goes on. ``record_count`` is what the item weighs in the run's reconciliation (``read = sent +
failed + rejected + set aside``): one per film or character, one per box-office row.

* bundled (``data/``): the catalog and the character files, checked against the bundled JSON Schemas;
* legacy (a legacy-layout directory): :func:`hyperion.sources.legacy.importer.iter_legacy_records`,
  unchanged;
* box office: the seeded generator (:mod:`hyperion.sources.boxoffice`), or a JSON Lines file of raw rows,
  grouped into one message per film-day.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faker import Faker

from hyperion.sources.boxoffice import TheatricalFilm, iter_film_state_days
from hyperion.sources.catalog import CATALOG_FILE_NAME, character_file_paths, display_path, json_path
from hyperion.sources.files import (
    ParsedDocument,
    SourceFileError,
    SourceLimits,
    default_limits,
    parse_json_bytes,
    read_source_json,
    safe_text,
)
from hyperion.sources.legacy.importer import (
    LegacyAppearance,
    LegacyFilm,
    RejectedRecord,
    SetAsideRecord,
    iter_legacy_records,
)
from hyperion.sources.record_rules import (
    SLUG_PATTERN,
    STATE_CODES,
    RecordValidators,
    boxoffice_row_problems,
    record_problems,
)

# Rows of one film-day beyond this go into a further message with the same key, so that a message stays
# far below the 1 MiB request size whatever --scale is (a row is about 50 bytes of JSON).
MAXIMUM_ROWS_PER_MESSAGE = 5000

REASON_INVALID_JSON = "invalid-json"
REASON_SCHEMA = "schema-violation"
REASON_UNEXPECTED_SHAPE = "unexpected-shape"
REASON_ROW_RULES = "boxoffice-row-rules"
REASON_OVERSIZED = "oversized"


@dataclass(frozen=True)
class SourceRecord:
    """A valid record to send: its key, its payload and where it was read.

    ``payload_json``, when set, is the payload already serialized as compact JSON (the box-office
    generator builds it from strings: no dict per row on the hot path); ``payload`` is then None.
    """

    key: str
    payload: Any
    source_file: str
    source_location: str
    record_count: int = 1
    payload_json: str | None = None

    def payload_object(self) -> Any:
        """The payload as a Python object, whichever way it is held."""
        return json.loads(self.payload_json) if self.payload_json is not None else self.payload


@dataclass(frozen=True)
class SourceReject:
    """A record that failed validation; it goes to the dead-letter topic with ``reason``."""

    reason: str
    source_file: str
    source_location: str
    raw: str
    record_count: int = 1


@dataclass(frozen=True)
class SourceSetAside:
    """A valid legacy record that is not a film character (a game, a TV series...): counted, not sent."""

    reason: str
    source_file: str
    source_location: str
    record_count: int = 1


SourceItem = SourceRecord | SourceReject | SourceSetAside


def _raw_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _read_document(data_directory: Path, path: Path, limits: SourceLimits) -> ParsedDocument | SourceReject:
    """A bundled-layout file, read through hyperion.sources.files (inside the folder, within the caps).

    A file that cannot be used is one reject whose raw text is the reason only: the file's own bytes are
    never copied into a dead-letter record (it may be huge, or a link to a file that is not ours).
    """
    source_file = safe_text(display_path(path, data_directory))
    try:
        return read_source_json(data_directory, path, limits)
    except SourceFileError as error:
        reason = f"{error.reason}: {error.detail}"
        return SourceReject(reason, source_file, error.json_path, f"{source_file}: {reason}")


def _problem_reject(
    parsed: ParsedDocument, record_path: tuple[str | int, ...], source_file: str
) -> SourceReject | None:
    """A reject for the record at ``record_path`` when it holds a value refused by the caps."""
    problems = parsed.problems_under(record_path)
    if not problems:
        return None
    first = problems[0]
    raw = f"{source_file} {first.json_path}: {first.detail}"
    return SourceReject(f"{first.reason}: {first.detail}", source_file, first.json_path, raw)


def _outside_problem(parsed: ParsedDocument, list_name: str, source_file: str) -> SourceReject | None:
    """A reject for the whole file when a refused value lies outside its record list."""
    for problem in parsed.problems:
        if problem.path[:1] != (list_name,) or len(problem.path) < 2:
            reason = f"{problem.reason}: {problem.detail}"
            return SourceReject(
                reason, source_file, problem.json_path, f"{source_file} {problem.json_path}: {reason}"
            )
    return None


def _validated(
    record: Any, key_field: str, validator: Any, source_file: str, location: str, payload: Any
) -> SourceItem:
    problems = record_problems(record, validator)
    if problems:
        return SourceReject(
            f"{REASON_SCHEMA}: {'; '.join(problems)}", source_file, location, _raw_text(record)
        )
    return SourceRecord(record[key_field], payload, source_file, location)


def iter_bundled_films(
    data_directory: Path, validators: RecordValidators, limits: SourceLimits | None = None
) -> Iterator[SourceItem]:
    """The catalog's films, each checked against the film schema; a broken catalog is one reject."""
    path = data_directory / CATALOG_FILE_NAME
    source_file = safe_text(display_path(path, data_directory))
    parsed = _read_document(data_directory, path, limits or default_limits())
    if isinstance(parsed, SourceReject):
        yield parsed
        return
    document = parsed.document
    if (outside := _outside_problem(parsed, "films", source_file)) is not None:
        yield outside
        return
    if not isinstance(document, dict) or not isinstance(document.get("films"), list):
        yield SourceReject(
            f"{REASON_UNEXPECTED_SHAPE}: expected an object with a 'films' array",
            source_file,
            "$",
            _raw_text(document),
        )
        return
    for index, film in enumerate(document["films"]):
        location = json_path(["films", index])
        refused = _problem_reject(parsed, ("films", index), source_file)
        yield refused or _validated(film, "film_id", validators.film, source_file, location, film)


def iter_bundled_characters(
    data_directory: Path, validators: RecordValidators, limits: SourceLimits | None = None
) -> Iterator[SourceItem]:
    """One appearance per character entry of every character file, with the file's ``film_id`` added."""
    limits = limits or default_limits()
    for path in character_file_paths(data_directory):
        source_file = safe_text(display_path(path, data_directory))
        parsed = _read_document(data_directory, path, limits)
        if isinstance(parsed, SourceReject):
            yield parsed
            continue
        document = parsed.document
        if (outside := _outside_problem(parsed, "characters", source_file)) is not None:
            yield outside
            continue
        film_id = document.get("film_id") if isinstance(document, dict) else None
        characters = document.get("characters") if isinstance(document, dict) else None
        if not (isinstance(film_id, str) and SLUG_PATTERN.match(film_id) and isinstance(characters, list)):
            yield SourceReject(
                f"{REASON_UNEXPECTED_SHAPE}: expected an object with a slug film_id and a characters array",
                source_file,
                "$",
                _raw_text(document),
            )
            continue
        for index, character in enumerate(characters):
            location = json_path(["characters", index])
            if (refused := _problem_reject(parsed, ("characters", index), source_file)) is not None:
                yield refused
                continue
            payload = {"film_id": film_id, **character} if isinstance(character, dict) else character
            yield _validated(character, "character_id", validators.character, source_file, location, payload)


def iter_legacy_films(
    path: Path, validators: RecordValidators, limits: SourceLimits | None = None
) -> Iterator[SourceItem]:
    """The films a legacy directory names, in the catalog shape (unknown fields null).

    Files the importer rejects are reported by the characters producer only, so that one bad file
    is one dead-letter message, not two.
    """
    for record in iter_legacy_records(path, limits):
        if isinstance(record, LegacyFilm):
            payload = record.catalog_record()
            location = record.source
            yield _validated(
                payload, "film_id", validators.legacy_film, location.source_file, location.json_path, payload
            )


def iter_legacy_characters(
    path: Path, validators: RecordValidators, limits: SourceLimits | None = None
) -> Iterator[SourceItem]:
    """One appearance per character and film of a legacy directory; set-aside and rejected records too."""
    for record in iter_legacy_records(path, limits):
        if isinstance(record, LegacyAppearance):
            character = record.character_record()
            payload = {"film_id": record.film_id, **character, "attribution": record.attribution}
            location = record.source
            yield _validated(
                character,
                "character_id",
                validators.character,
                location.source_file,
                location.json_path,
                payload,
            )
        elif isinstance(record, SetAsideRecord):
            yield SourceSetAside(record.reason, record.source.source_file, record.source.json_path)
        elif isinstance(record, RejectedRecord):
            yield SourceReject(
                f"{record.reason}: {record.message}",
                record.source.source_file,
                record.source.json_path,
                record.message,
            )


def _generated_film_day_problems(film_id: str, date: str, rows: list[tuple[str, int, int]]) -> list[str]:
    """The box-office row rules for a generated film-day: key fields once, then a fast per-row check."""
    state, theater_id, cents = rows[0]
    first = {"film_id": film_id, "date": date, "state": state, "theater_id": theater_id, "gross_cents": cents}
    problems = boxoffice_row_problems(first)
    for state, theater_id, cents in rows:
        if (
            state not in STATE_CODES
            or type(theater_id) is not int
            or theater_id < 0
            or type(cents) is not int
            or cents < 0
        ):
            row = {
                "film_id": film_id,
                "date": date,
                "state": state,
                "theater_id": theater_id,
                "gross_cents": cents,
            }
            problems.extend(boxoffice_row_problems(row))
    return problems


def _film_day_json(film_id: str, date: str, rows: list[tuple[str, int, int]]) -> str:
    """Compact JSON of a film-day payload, byte for byte what ``encode_json`` makes of the same dict.

    Only called on rows that passed the row rules: a state code, an ISO date and integers need no escaping.
    """
    rendered_rows = ",".join(
        f'{{"state":"{state}","theater_id":{theater_id},"gross_cents":{cents}}}'
        for state, theater_id, cents in rows
    )
    return f'{{"film_id":{json.dumps(film_id)},"date":"{date}","rows":[{rendered_rows}]}}'


def iter_generated_boxoffice(
    films: Iterable[TheatricalFilm], seed: int | str, scale: int = 1, max_rows: int | None = None
) -> Iterator[SourceItem]:
    """Film-day messages of the seeded generator: the rows of ``iter_boxoffice_rows`` (sources.boxoffice).

    The rows, their order and ``max_rows`` truncation are exactly those of the generator's row stream (the
    last message may hold part of a film-day), so a test can compare landed rows with the generator's.
    """
    source_file = f"hyperion.sources.boxoffice(seed={seed},scale={scale})"
    fake = Faker()
    row_index = 0

    def message(film_id: str, date: str, rows: list[tuple[str, int, int]]) -> SourceItem:
        location = f"rows[{row_index - len(rows)}:{row_index}]"
        problems = _generated_film_day_problems(film_id, date, rows)
        if problems:
            payload = {
                "film_id": film_id,
                "date": date,
                "rows": [{"state": s, "theater_id": t, "gross_cents": c} for s, t, c in rows],
            }
            reason = f"{REASON_ROW_RULES}: {'; '.join(problems)}"
            return SourceReject(reason, source_file, location, _raw_text(payload), len(rows))
        payload_json = _film_day_json(film_id, date, rows)
        return SourceRecord(film_id, None, source_file, location, len(rows), payload_json=payload_json)

    for film in films:
        current_date: str | None = None
        rows: list[tuple[str, int, int]] = []
        for date, state, theater_cents in iter_film_state_days(film, seed, scale, fake):
            if (date != current_date or len(rows) >= MAXIMUM_ROWS_PER_MESSAGE) and rows:
                yield message(film.film_id, current_date, rows)
                rows = []
            current_date = date
            for theater_id, cents in enumerate(theater_cents):
                if max_rows is not None and row_index >= max_rows:
                    if rows:
                        yield message(film.film_id, current_date, rows)
                    return
                rows.append((state, theater_id, cents))
                row_index += 1
        if rows:
            yield message(film.film_id, current_date, rows)


def _read_lines(handle: Any, limit: int) -> Iterator[tuple[bytes, bool]]:
    """Lines of a binary file, each at most ``limit`` bytes; (line, too_long). An over-long line is
    consumed in ``limit``-sized pieces and reported once, so one line never fills memory."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line, False
            continue
        while line and not line.endswith(b"\n"):
            line = handle.readline(limit + 1)
        yield b"", True


def iter_boxoffice_file(
    path: Path, max_rows: int | None = None, limits: SourceLimits | None = None
) -> Iterator[SourceItem]:
    """Film-day messages from a JSON Lines file of raw rows (``scripts/generate_boxoffice.py`` output).

    Consecutive valid rows of the same film and date form one message; a line that is not JSON, breaks a
    cap (line length, nesting, integers: hyperion.sources.files) or breaks the row rules is a reject located
    by its line number, and the rest of the file goes on. The file may be any size: it is read line by line.
    """
    limits = limits or default_limits()
    source_file = safe_text(str(path))
    group_key: tuple[str, str] | None = None
    rows: list[dict[str, Any]] = []
    first_line = last_line = 0

    def message() -> SourceRecord:
        location = f"lines {first_line}-{last_line}"
        film_id, date = group_key
        return SourceRecord(
            film_id, {"film_id": film_id, "date": date, "rows": rows}, source_file, location, len(rows)
        )

    with path.open("rb") as handle:
        lines = itertools.islice(_read_lines(handle, limits.max_line_bytes), max_rows)
        for line_number, (line, too_long) in enumerate(lines, start=1):
            location = f"line {line_number}"
            if too_long:
                reason = (
                    f"line-too-long: more than {limits.max_line_bytes} bytes (HYPERION_SOURCE_MAX_LINE_BYTES)"
                )
                yield SourceReject(reason, source_file, location, f"{source_file} {location}: {reason}")
                continue
            text = line.rstrip(b"\r\n")
            raw = text.decode("utf-8", "backslashreplace")
            try:
                parsed = parse_json_bytes(text, limits)
            except SourceFileError as error:
                yield SourceReject(f"{error.reason}: {error.detail}", source_file, location, raw)
                continue
            if parsed.problems:
                first = parsed.problems[0]
                reason = f"{first.reason}: {first.json_path}: {first.detail}"
                yield SourceReject(reason, source_file, location, raw)
                continue
            row = parsed.document
            problems = boxoffice_row_problems(row)
            if problems:
                yield SourceReject(f"{REASON_ROW_RULES}: {'; '.join(problems)}", source_file, location, raw)
                continue
            key = (row["film_id"], row["date"])
            if rows and (key != group_key or len(rows) >= MAXIMUM_ROWS_PER_MESSAGE):
                yield message()
                rows = []
            if not rows:
                group_key, first_line = key, line_number
            last_line = line_number
            rows.append(
                {"state": row["state"], "theater_id": row["theater_id"], "gross_cents": row["gross_cents"]}
            )
    if rows:
        yield message()
