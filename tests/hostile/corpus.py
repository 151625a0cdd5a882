"""A hostile source folder, written on demand, and what must become of every record in it.

``write_legacy_corpus(folder, outside)`` writes files in the legacy layout that attack the importer and the
producers' source readers: deep nesting, huge strings and integers, NaN, duplicate keys, broken encodings,
truncated or empty files, wrong types, control characters, symlink loops, links out of the folder, a FIFO,
a directory named ``*.json``, an unreadable file, a file above the size cap... Each file comes with its
:class:`Expected` outcomes: per record, accepted, set aside or rejected, with the JSON path and reason.

``outside`` is a folder beside the corpus holding a secret file; links point at it, and no byte of it may
ever appear in a report or a dead-letter record (``SECRET``).

Nothing here is random; the corpus is the same on every run. Files are small except ``big.json`` (a sparse
file above the size cap: refused by its size, so it costs no disk or memory).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SECRET = "TOP-SECRET-c0ffee-must-never-leak"
ACCEPTED = "accepted"
SET_ASIDE = "set-aside"
REJECTED = "rejected"
DEPTH_LIMIT = 64
DEEP_LEVELS = 10_000
HUGE_STRING_CHARACTERS = 100_000
BIG_FILE_BYTES = 52 * 1024 * 1024


@dataclass(frozen=True)
class Expected:
    """One record's fate: its file, JSON path, outcome and reason (None for accepted records)."""

    source_file: str
    json_path: str
    outcome: str
    reason: str | None = None


def _film(characters: list[object], film: str = "Hostile Test Film (2001)") -> dict[str, object]:
    return {"film": film, "characters": characters}


def _character(name: str) -> dict[str, str]:
    return {"name": name, "role": "protagonist", "voice_actor": "Some Actor"}


def _deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")


def _json(value: object) -> str:
    return json.dumps(value)


def write_legacy_corpus(folder: Path, outside: Path) -> list[Expected]:
    """Write the corpus into ``folder`` (and the secret into ``outside``); return every expected record."""
    folder.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    (outside / "secret.json").write_text(_json(_film([_character(SECRET)], film=SECRET)), encoding="utf-8")
    expected: list[Expected] = []

    def case(
        name: str, content: str | bytes | Callable[[Path], None], *outcomes: tuple[str, str, str | None]
    ):
        path = folder / name
        if callable(content):
            path.parent.mkdir(parents=True, exist_ok=True)
            content(path)
        else:
            _write(path, content)
        expected.extend(Expected(name, json_path, outcome, reason) for json_path, outcome, reason in outcomes)

    good = _json(_film([_character("Good One"), _character("Good Two")]))
    case("good.json", good, ("$.characters[0]", ACCEPTED, None), ("$.characters[1]", ACCEPTED, None))
    # 10,000 levels: once a RecursionError that ended the whole run.
    case("deep_nesting.json", _deep(DEEP_LEVELS), ("$" + "[0]" * DEPTH_LIMIT, REJECTED, "nesting-too-deep"))
    deep_record = _json(_film([_character("Shallow"), {**_character("Deep"), "notes": "DEEP"}]))
    case(
        "deep_in_one_record.json",
        deep_record.replace('"DEEP"', _deep(DEEP_LEVELS)),
        ("$.characters[0]", ACCEPTED, None),
        ("$.characters[1].notes" + "[0]" * (DEPTH_LIMIT - 3), REJECTED, "nesting-too-deep"),
    )
    case(
        "huge_name.json",
        _json(_film([_character("x" * HUGE_STRING_CHARACTERS), _character("Normal")])),
        ("$.characters[0].name", REJECTED, "string-too-long"),
        ("$.characters[1]", ACCEPTED, None),
    )
    # 2^70 does not fit 64 bits: the parser itself stops, so the whole file is rejected.
    case(
        "integer_2_pow_70.json",
        _json(_film([{**_character("Rich"), "gross_cents": 2**70}])),
        ("$", REJECTED, "integer-out-of-range"),
    )
    case(
        "integer_2_pow_60.json",
        _json(_film([{**_character("Richer"), "gross_cents": 2**60}, _character("Poor")])),
        ("$.characters[0].gross_cents", REJECTED, "integer-out-of-range"),
        ("$.characters[1]", ACCEPTED, None),
    )
    case(
        "nan.json",
        '{"film": "N", "characters": [{"name": "A", "height": NaN}]}',
        ("$", REJECTED, "invalid-json"),
    )
    case(
        "infinity.json",
        '{"film": "I", "characters": [{"name": "A", "x": -Infinity}]}',
        ("$", REJECTED, "invalid-json"),
    )
    case(
        "duplicate_key_in_record.json",
        '{"film": "D", "characters": [{"name": "Mickey", "name": "Minnie"}, {"name": "Goofy"}]}',
        ("$.characters[0].name", REJECTED, "duplicate-key"),
        ("$.characters[1]", ACCEPTED, None),
    )
    case(
        "duplicate_top_level_key.json",
        '{"film": "First Film", "film": "Second Film", "characters": [{"name": "Pluto"}]}',
        ("$.film", REJECTED, "duplicate-key"),
    )
    # Zip-bomb-like: one small object repeating one key 200,000 times.
    repeated = ", ".join(['"k": 1'] * 200_000)
    case(
        "repeated_keys.json",
        '{"film": "R", "characters": [{"name": "Bomb", ' + repeated + "}]}",
        ("$.characters[0].k", REJECTED, "duplicate-key"),
    )
    case(
        "invalid_utf8.json",
        b'{"film": "Bad \xff\xfe bytes", "characters": []}',
        ("$", REJECTED, "invalid-encoding"),
    )
    case(
        "bom_utf8.json",
        b"\xef\xbb\xbf" + _json(_film([_character("Bom Character")])).encode(),
        ("$.characters[0]", ACCEPTED, None),
    )
    case(
        "utf16.json", _json(_film([_character("Wide")])).encode("utf-16"), ("$", REJECTED, "invalid-encoding")
    )
    case(
        "utf16_no_bom.json",
        _json(_film([_character("Wide")])).encode("utf-16-le"),
        ("$", REJECTED, "invalid-encoding"),
    )
    case("empty.json", "", ("$", REJECTED, "invalid-json"))
    case("whitespace_only.json", "  \n\t ", ("$", REJECTED, "invalid-json"))
    case("truncated.json", good[: len(good) // 2], ("$", REJECTED, "invalid-json"))
    case("trailing_garbage.json", good + " {}", ("$", REJECTED, "invalid-json"))
    case("top_level_scalar.json", "42", ("$", REJECTED, "unknown-layout"))
    case("top_level_string.json", '"just a string"', ("$", REJECTED, "unknown-layout"))
    case(
        "wrong_types.json",
        _json(_film([1, "two", None, {"name": 5}, [], {"name": ""}])),
        *((f"$.characters[{index}]", REJECTED, "malformed-character-entry") for index in range(6)),
    )
    case(
        "control_character_escaped.json",
        _json(_film([_character("Mic\u0000key"), _character("Clean")])),
        ("$.characters[0].name", REJECTED, "control-character"),
        ("$.characters[1]", ACCEPTED, None),
    )
    case(
        "control_character_raw.json",
        '{"film": "C", "characters": [{"name": "Bell\x07"}]}',
        ("$", REJECTED, "invalid-json"),
    )
    # A key longer than the string cap on a category: outside every record, so the whole file goes.
    case(
        "huge_category_key.json",
        _json({"films": ["K (2001)"], "categories": {"k" * 20_000: {"characters": [_character("In")]}}}),
        ("$.categories['" + "k" * 40 + "...']", REJECTED, "string-too-long"),
    )
    case(
        "folder_named.json/inner.json",
        _json(_film([_character("Inside A Folder")])),
        ("$.characters[0]", ACCEPTED, None),
    )
    case(
        "/".join(["nested"] * 60) + "/deep_folder.json",
        _json(_film([_character("Far Down")])),
        ("$.characters[0]", ACCEPTED, None),
    )
    case("zz_loop.json", lambda path: os.symlink(path.name, path), ("$", REJECTED, "symlink-loop"))
    case("zz_loop_folder", lambda path: os.symlink(".", path), ("$", REJECTED, "symlink-loop"))
    case(
        "zz_dangling.json",
        lambda path: os.symlink("no-such-file.json", path),
        ("$", REJECTED, "dangling-symlink"),
    )
    case(
        "zz_outside.json",
        lambda path: os.symlink(outside / "secret.json", path),
        ("$", REJECTED, "symlink-outside-folder"),
    )
    case(
        "zz_outside_folder", lambda path: os.symlink(outside, path), ("$", REJECTED, "symlink-outside-folder")
    )
    case(
        "zz_relative_escape.json",
        lambda path: os.symlink(os.path.relpath(outside / "secret.json", path.parent), path),
        ("$", REJECTED, "symlink-outside-folder"),
    )
    # A link to a file inside the folder is followed, but the same file is never read twice.
    case(
        "zz_same_as_good.json", lambda path: os.symlink("good.json", path), ("$", SET_ASIDE, "duplicate-file")
    )
    case("zz_fifo.json", lambda path: os.mkfifo(path), ("$", REJECTED, "not-a-regular-file"))
    case("zz_big.json", _truncate_to(BIG_FILE_BYTES), ("$", REJECTED, "file-too-large"))
    case(
        b"zz_bad_name_\xff.json".decode("utf-8", "surrogateescape"),
        _json(_film([_character("Odd Name")])),
        ("$.characters[0]", ACCEPTED, None),
    )
    return expected


def _truncate_to(size: int) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        with path.open("wb") as handle:
            handle.truncate(size)

    return write


def add_unreadable_file(folder: Path) -> Expected:
    """A file without read permission. Root reads it anyway (permissions do not bind root), so the
    expected outcome follows what this process can actually do."""
    path = folder / "zz_unreadable.json"
    path.write_text(_json(_film([_character("Locked")])), encoding="utf-8")
    path.chmod(0)
    if os.access(path, os.R_OK):
        return Expected(path.name, "$.characters[0]", ACCEPTED, None)
    return Expected(path.name, "$", REJECTED, "unreadable-file")


def display_name(name: str) -> str:
    """The name a report shows for a corpus file (undecodable bytes as ``\\xNN``)."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
