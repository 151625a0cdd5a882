"""Reading untrusted JSON source files: bounded, never recursive, never outside the source folder.

Every source directory a user points the importer or a producer at is hostile until read. The guarantees:

1. **Only regular files inside the folder are opened.** A symlink whose real path leaves the source folder
   is refused before anything is opened, so none of its bytes can reach a report or a dead-letter record.
   Symlink loops (``ELOOP``, or a linked folder that is an ancestor of itself) and dangling links are
   reported. FIFOs, devices and sockets are refused without being opened (opening a FIFO would block).
2. **Memory is bounded by the caps, not by the input.** A file above ``max_file_bytes`` is refused on its
   size, and the bytes actually read are counted too (a file may grow while it is read). Parsing streams
   the file through ijson's yajl2 C parser, 64 KiB at a time; only the document itself, at most
   ``max_file_bytes`` of JSON, is built.
3. **Nesting costs no stack.** yajl and the builder below are iterative, so 10,000 levels cannot raise
   ``RecursionError``; a value nested deeper than ``max_depth`` is replaced by None and reported, so no
   later walker (jsonschema, ``json.dumps``) ever sees a deep value either.
4. **Values that break a cap are reported, not kept.** An over-long string or key, an integer beyond
   ``max_integer``, a control character or a duplicate key becomes a :class:`ValueProblem` with its JSON
   path, and the value is replaced by None: the caller rejects the record that holds the path (or the
   whole file when no record does). Integers beyond 64 bits, NaN and Infinity, invalid UTF-8 and anything
   that is not strict JSON stop the parser: the file is rejected with yajl's reason.

The functions are pure apart from reading files; callers turn :class:`SourceFileError` and the problems
into their own rejected records (hyperion.sources.legacy.importer, hyperion.sources.adapters,
hyperion.sources.catalog).
"""

from __future__ import annotations

import errno
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hyperion.config import Settings

# Reasons, shared by every reader of source files (docs/legacy-import.md lists them).
REASON_FILE_TOO_LARGE = "file-too-large"
REASON_NOT_REGULAR_FILE = "not-a-regular-file"
REASON_OUTSIDE_FOLDER = "symlink-outside-folder"
REASON_SYMLINK_LOOP = "symlink-loop"
REASON_DANGLING_SYMLINK = "dangling-symlink"
REASON_UNREADABLE = "unreadable-file"
REASON_DUPLICATE_FILE = "duplicate-file"
REASON_INVALID_ENCODING = "invalid-encoding"
REASON_INVALID_JSON = "invalid-json"
REASON_TOO_DEEP = "nesting-too-deep"
REASON_STRING_TOO_LONG = "string-too-long"
REASON_INTEGER_OUT_OF_RANGE = "integer-out-of-range"
REASON_CONTROL_CHARACTER = "control-character"
REASON_DUPLICATE_KEY = "duplicate-key"
REASON_TOO_MANY_PROBLEMS = "too-many-refused-values"

# Past this many refused values a file is rejected whole: the list of problems must stay small too.
MAXIMUM_PROBLEMS_PER_FILE = 1000

_READ_CHUNK_BYTES = 64 * 1024
_UTF8_BOM = b"\xef\xbb\xbf"
# Tab, newline and carriage return are ordinary text; every other C0 control (NUL first) is refused.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_DISPLAYED_KEY_CHARACTERS = 40


@dataclass(frozen=True)
class SourceLimits:
    """The caps on one source file (set by ``HYPERION_SOURCE_*``, see hyperion.config)."""

    max_file_bytes: int = Settings.source_max_file_bytes
    max_line_bytes: int = Settings.source_max_line_bytes
    max_string_characters: int = Settings.source_max_string_characters
    max_integer: int = Settings.source_max_integer
    max_depth: int = Settings.source_max_depth

    @classmethod
    def from_settings(cls, settings: Settings) -> SourceLimits:
        return cls(
            max_file_bytes=settings.source_max_file_bytes,
            max_line_bytes=settings.source_max_line_bytes,
            max_string_characters=settings.source_max_string_characters,
            # Never beyond Parquet's bigint (and yajl's own 64-bit limit).
            max_integer=min(settings.source_max_integer, 2**63 - 1),
            max_depth=settings.source_max_depth,
        )


def default_limits() -> SourceLimits:
    """The limits of this process, from its environment."""
    return SourceLimits.from_settings(Settings.from_environment())


class SourceFileError(Exception):
    """A whole file that cannot be used: ``reason`` is one of the ``REASON_*`` codes, ``detail`` says why."""

    def __init__(self, reason: str, detail: str, json_path: str = "$") -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.json_path = json_path


@dataclass(frozen=True)
class ValueProblem:
    """One value that broke a cap, by its path (dictionary keys and list indexes from the root)."""

    path: tuple[str | int, ...]
    reason: str
    detail: str

    @property
    def json_path(self) -> str:
        return render_json_path(self.path)


@dataclass
class ParsedDocument:
    """A parsed document and the values that were refused in it (each replaced by None)."""

    document: Any
    problems: list[ValueProblem] = field(default_factory=list)

    def problems_under(self, path: tuple[str | int, ...]) -> list[ValueProblem]:
        """The problems at ``path`` or inside the value there."""
        return [problem for problem in self.problems if problem.path[: len(path)] == path]


def safe_text(text: str) -> str:
    """Text that encodes to UTF-8 whatever it holds: undecodable file-name bytes become ``\\xNN``."""
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def render_json_path(parts: tuple[str | int, ...] | list[str | int]) -> str:
    """``$.characters[3].name``; long or unusual keys are quoted and shortened so a path stays readable."""
    rendered = "$"
    for part in parts:
        if isinstance(part, int):
            rendered += f"[{part}]"
            continue
        shown = part if len(part) <= _DISPLAYED_KEY_CHARACTERS else part[:_DISPLAYED_KEY_CHARACTERS] + "..."
        if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", shown):
            rendered += f".{shown}"
        else:
            rendered += "[" + safe_text(repr(shown)) + "]"
    return rendered


# --------------------------------------------------------------------------------------------------
# Finding and opening files


def _is_inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _kind_of(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def resolve_inside(root: Path, path: Path) -> str:
    """The real path of ``path``, or ``SourceFileError`` when it loops, dangles or leaves ``root``.

    Nothing is opened: only ``stat`` and ``readlink`` are used, so a refused link leaks no byte.
    """
    root_real = os.path.realpath(root)
    try:
        os.stat(path)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise SourceFileError(REASON_SYMLINK_LOOP, "symlink loop (too many levels of links)") from None
        if os.path.islink(path):
            raise SourceFileError(REASON_DANGLING_SYMLINK, "symlink to nothing") from None
        raise SourceFileError(REASON_UNREADABLE, f"cannot stat: {error.strerror}") from None
    real = os.path.realpath(path)
    if not _is_inside(real, root_real):
        raise SourceFileError(REASON_OUTSIDE_FOLDER, "symlink leads outside the source folder: not read")
    return real


class _CappedReader:
    """A binary reader that refuses to hand out more than ``limit`` bytes (the file may be growing)."""

    def __init__(self, handle: Any, limit: int) -> None:
        self.handle = handle
        self.limit = limit
        self.count = 0
        self.first = True

    def read(self, size: int = _READ_CHUNK_BYTES) -> bytes:
        chunk = self.handle.read(size)
        self.count += len(chunk)
        if self.count > self.limit:
            raise SourceFileError(REASON_FILE_TOO_LARGE, f"more than {self.limit} bytes (grew while read)")
        # ijson first calls read(0) to learn whether the file gives bytes or text: wait for real bytes.
        if self.first and chunk:
            self.first = False
            chunk = _check_encoding(chunk)
        return chunk


def _check_encoding(head: bytes) -> bytes:
    """Strip a UTF-8 byte order mark (RFC 8259 lets a parser ignore it); refuse UTF-16 and UTF-32."""
    if head.startswith(_UTF8_BOM):
        return head[len(_UTF8_BOM) :]
    if head[:4] in (b"\x00\x00\xfe\xff", b"\xff\xfe\x00\x00"):
        raise SourceFileError(REASON_INVALID_ENCODING, "UTF-32 byte order mark: source files must be UTF-8")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise SourceFileError(REASON_INVALID_ENCODING, "UTF-16 byte order mark: source files must be UTF-8")
    if b"\x00" in head[:4]:
        raise SourceFileError(REASON_INVALID_ENCODING, "NUL bytes at the start: UTF-16/32 without a mark?")
    return head


def open_regular_file(real_path: str, limits: SourceLimits) -> Any:
    """Open a file for reading, refusing anything but a regular file within the size cap.

    ``O_NONBLOCK`` makes opening a FIFO return at once instead of waiting for a writer; the type is then
    checked on the open descriptor, so a file swapped after ``stat`` is caught too.
    """
    try:
        descriptor = os.open(real_path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        raise SourceFileError(REASON_UNREADABLE, f"cannot open: {error.strerror}") from None
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        raise SourceFileError(REASON_NOT_REGULAR_FILE, f"{_kind_of(status.st_mode)}: not read")
    if status.st_size > limits.max_file_bytes:
        os.close(descriptor)
        raise SourceFileError(
            REASON_FILE_TOO_LARGE,
            f"{status.st_size} bytes > {limits.max_file_bytes} (HYPERION_SOURCE_MAX_FILE_BYTES): not read",
        )
    os.set_blocking(descriptor, True)
    return os.fdopen(descriptor, "rb")


@dataclass(frozen=True)
class SourceEntry:
    """A ``*.json`` entry of a source folder: its display name, and its real path or why it is refused."""

    name: str
    real_path: str | None
    error: SourceFileError | None = None
    duplicate_of: str | None = None


def _classify(
    entry: os.DirEntry[str], name: str, root_real: str
) -> SourceEntry | tuple[str, os.stat_result] | None:
    """One folder entry: a refused or plain ``SourceEntry``, a (real path, status) to look at, or None."""
    is_json = entry.name.lower().endswith(".json")
    try:
        real = resolve_inside(Path(root_real), Path(entry.path)) if entry.is_symlink() else entry.path
    except SourceFileError as error:
        # Loops and links out of the folder are reported whatever their name: either could be a folder.
        if is_json or error.reason in (REASON_SYMLINK_LOOP, REASON_OUTSIDE_FOLDER):
            return SourceEntry(name, None, error)
        return None
    try:
        status = os.stat(real)
    except OSError as error:
        return (
            SourceEntry(name, None, SourceFileError(REASON_UNREADABLE, error.strerror)) if is_json else None
        )
    if stat.S_ISDIR(status.st_mode):
        return real, status
    if not is_json:
        return None
    if not stat.S_ISREG(status.st_mode):
        return SourceEntry(
            name, None, SourceFileError(REASON_NOT_REGULAR_FILE, f"{_kind_of(status.st_mode)}")
        )
    return real, status


def walk_json_files(root: Path) -> Iterator[SourceEntry]:
    """Every ``*.json`` entry below ``root`` in sorted path order, each once, each accounted for.

    Iterative (a stack of folder iterators: no recursion however deep the folders). Symlinked folders
    inside ``root`` are followed; one that leads outside, loops back to an ancestor or dangles is yielded
    as a refused entry whatever its name, as are ``*.json`` links that do the same and ``*.json`` entries
    that are not regular files (FIFOs, devices, sockets: never opened). A file or folder reached a second
    time through a link is yielded as a duplicate and not read again. The order is that of sorted
    ``Path`` objects (depth first, by name), as the importer has always read.
    """
    root_real = os.path.realpath(root)
    root_status = os.stat(root_real)
    root_identity = (root_status.st_dev, root_status.st_ino)
    seen_folders: dict[tuple[int, int], str] = {root_identity: "."}
    seen_files: dict[tuple[int, int], str] = {}

    def folder_frame(folder: str, prefix: str, ancestors: frozenset[tuple[int, int]]) -> Any:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            name = safe_text(prefix.rstrip("/") or ".")
            frame_error = SourceEntry(
                name, None, SourceFileError(REASON_UNREADABLE, f"folder: {error.strerror}")
            )
            return iter([(frame_error, prefix, ancestors)])
        return iter([(entry, prefix, ancestors) for entry in entries])

    stack = [folder_frame(root_real, "", frozenset({root_identity}))]
    while stack:
        item = next(stack[-1], None)
        if item is None:
            stack.pop()
            continue
        entry, prefix, ancestors = item
        if isinstance(entry, SourceEntry):
            yield entry
            continue
        name = safe_text(prefix + entry.name)
        outcome = _classify(entry, name, root_real)
        if outcome is None or isinstance(outcome, SourceEntry):
            if outcome is not None:
                yield outcome
            continue
        real, status = outcome
        identity = (status.st_dev, status.st_ino)
        if stat.S_ISDIR(status.st_mode):
            if identity in ancestors:
                yield SourceEntry(
                    name,
                    None,
                    SourceFileError(REASON_SYMLINK_LOOP, "folder link leads back to its own ancestor"),
                )
            elif identity in seen_folders:
                yield SourceEntry(name, None, duplicate_of=seen_folders[identity])
            else:
                seen_folders[identity] = name
                stack.append(folder_frame(real, name + "/", ancestors | {identity}))
        elif identity in seen_files:
            yield SourceEntry(name, None, duplicate_of=seen_files[identity])
        else:
            seen_files[identity] = name
            yield SourceEntry(name, real)


# --------------------------------------------------------------------------------------------------
# Parsing


def _yajl_reason(error: Exception) -> SourceFileError:
    """yajl's first line ("parse error: integer overflow"), without the file excerpt it appends."""
    message = error.args[0] if error.args else str(error)
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    first_line = str(message).strip().splitlines()[0] if str(message).strip() else "not JSON"
    if "integer overflow" in first_line:
        return SourceFileError(REASON_INTEGER_OUT_OF_RANGE, "integer beyond 64 bits")
    if "UTF8" in first_line:
        return SourceFileError(REASON_INVALID_ENCODING, f"not UTF-8: {first_line}")
    if "premature EOF" in first_line:
        return SourceFileError(REASON_INVALID_JSON, "truncated or empty: premature end of file")
    if "invalid char in json text" in first_line:
        # The usual cause: NaN or Infinity, which JSON does not have, or a stray character.
        first_line += " (NaN, Infinity and comments are not JSON)"
    return SourceFileError(REASON_INVALID_JSON, first_line)


class _Builder:
    """Builds the document from yajl events with an explicit stack, checking every value against the caps."""

    def __init__(self, limits: SourceLimits) -> None:
        self.limits = limits
        self.problems: list[ValueProblem] = []
        self.root: Any = None
        self.has_root = False
        # Open containers and the path to each.
        self.containers: list[Any] = []
        self.paths: list[tuple[str | int, ...]] = []
        # Per open object: each key seen, and whether its duplication was already reported.
        self.keys: list[dict[str, bool] | None] = []
        self.current_key: list[str | None] = []
        self.skipping = 0

    def _slot(self) -> tuple[str | int, ...]:
        """The path of the value about to be placed."""
        if not self.containers:
            return ()
        container = self.containers[-1]
        slot = len(container) if isinstance(container, list) else self.current_key[-1]
        return (*self.paths[-1], slot)

    def _problem(self, path: tuple[str | int, ...], reason: str, detail: str) -> None:
        if len(self.problems) >= MAXIMUM_PROBLEMS_PER_FILE:
            raise SourceFileError(
                REASON_TOO_MANY_PROBLEMS, f"more than {MAXIMUM_PROBLEMS_PER_FILE} values refused by the caps"
            )
        self.problems.append(ValueProblem(path, reason, detail))

    def _place(self, value: Any) -> None:
        if not self.containers:
            self.root, self.has_root = value, True
        elif isinstance(self.containers[-1], list):
            self.containers[-1].append(value)
        else:
            self.containers[-1][self.current_key[-1]] = value

    def _checked_string(self, text: str, path: tuple[str | int, ...], what: str) -> str | None:
        if len(text) > self.limits.max_string_characters:
            self._problem(
                path,
                REASON_STRING_TOO_LONG,
                f"{what} of {len(text)} characters > {self.limits.max_string_characters}",
            )
            return None
        if match := _CONTROL_CHARACTERS.search(text):
            self._problem(
                path, REASON_CONTROL_CHARACTER, f"{what} holds control character U+{ord(match[0]):04X}"
            )
            return None
        return text

    def event(self, kind: str, value: Any) -> None:
        if self.skipping:
            if kind in ("start_map", "start_array"):
                self.skipping += 1
            elif kind in ("end_map", "end_array"):
                self.skipping -= 1
                if not self.skipping:
                    self._place(None)
            return
        if kind == "map_key":
            path = (*self.paths[-1], value)
            key = self._checked_string(value, path, "key")
            seen = self.keys[-1]
            if key is None:
                key = f"\0refused-key-{len(self.problems)}"
            if seen is not None and key in seen:
                # Reported once per key, so a key repeated 200,000 times is one problem, not 200,000.
                if not seen[key]:
                    detail = f"key {render_json_path((value,))} appears more than once in one object"
                    self._problem(path, REASON_DUPLICATE_KEY, detail)
                    seen[key] = True
            elif seen is not None:
                seen[key] = False
            self.current_key[-1] = key
            return
        if kind in ("start_map", "start_array"):
            path = self._slot()
            if len(self.containers) >= self.limits.max_depth:
                self._problem(path, REASON_TOO_DEEP, f"nesting deeper than {self.limits.max_depth}")
                self.skipping = 1
                return
            container: Any = {} if kind == "start_map" else []
            self._place(container)
            self.containers.append(container)
            self.paths.append(path)
            self.keys.append({} if kind == "start_map" else None)
            self.current_key.append(None)
            return
        if kind in ("end_map", "end_array"):
            container = self.containers.pop()
            self.paths.pop()
            self.keys.pop()
            self.current_key.pop()
            if isinstance(container, dict):
                # Refused keys were stored under a placeholder; the value goes with them.
                for key in [key for key in container if key.startswith("\0refused-key-")]:
                    del container[key]
            return
        path = self._slot()
        if kind == "string":
            value = self._checked_string(value, path, "string")
        elif kind == "number" and type(value) is int and abs(value) > self.limits.max_integer:
            self._problem(
                path,
                REASON_INTEGER_OUT_OF_RANGE,
                f"integer {value} beyond +-{self.limits.max_integer} (HYPERION_SOURCE_MAX_INTEGER)",
            )
            value = None
        self._place(value)


def parse_json_stream(reader: Any, limits: SourceLimits) -> ParsedDocument:
    """Parse one JSON document from a binary reader; ``SourceFileError`` when it is not strict JSON."""
    import ijson  # imported here so that modules importing this one need ijson only when they parse

    builder = _Builder(limits)
    try:
        for kind, value in ijson.basic_parse(reader, buf_size=_READ_CHUNK_BYTES, use_float=True):
            builder.event(kind, value)
    except ijson.JSONError as error:
        raise _yajl_reason(error) from None
    if not builder.has_root:
        raise SourceFileError(REASON_INVALID_JSON, "empty file")
    return ParsedDocument(builder.root, builder.problems)


class _BytesReader:
    def __init__(self, data: bytes) -> None:
        self.data = _check_encoding(data)
        self.position = 0

    def read(self, size: int = _READ_CHUNK_BYTES) -> bytes:
        chunk = self.data[self.position : self.position + size]
        self.position += len(chunk)
        return chunk


def parse_json_bytes(data: bytes, limits: SourceLimits) -> ParsedDocument:
    """Parse one JSON document held in memory (a line of a JSON Lines file)."""
    return parse_json_stream(_BytesReader(data), limits)


def read_json_file(real_path: str, limits: SourceLimits) -> ParsedDocument:
    """Open (regular files within the size cap only) and parse one JSON file."""
    with open_regular_file(real_path, limits) as handle:
        return parse_json_stream(_CappedReader(handle, limits.max_file_bytes), limits)


def read_source_json(root: Path, path: Path, limits: SourceLimits) -> ParsedDocument:
    """Parse ``path`` after checking that its real path stays inside ``root`` (see resolve_inside)."""
    return read_json_file(resolve_inside(root, path), limits)
