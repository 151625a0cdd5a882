"""Versioned table locations and their publication: readers always see a complete table, old or new.

The guarantee, as rules (each a place where a crash was considered):

1. **A job never writes where a reader reads.** Each run of a job writes every table it owns to a new
   folder ``<processed>/<table>/<version>/``. No registered table points there yet, so a driver killed
   mid-write leaves only an unpublished folder (with Spark's ``_temporary``) behind.
2. **Complete means ``_SUCCESS``.** Spark's commit writes ``<version>/_SUCCESS`` last, after every data file
   is in place (on HDFS after the task outputs are renamed, on S3 after the uploads). A folder without it
   is never published, whatever else it holds.
3. **Publishing is one metastore call.** Each version is registered as its own Trino table
   (``hive.<schema>.<table>__v<version>``, partitions synced *before* anything points at it); readers query
   the view ``hive.<schema>.<table>``, and ``create or replace view`` switches it to the new version in one
   metastore ``alter_table``. A query resolves the view once, at planning, so it reads the old version or
   the new one, never a mix and never a gap. The same holds on HDFS and S3: nothing is renamed.
4. **The previous version survives one more publication.** Cleanup keeps the published version and the
   one the view pointed to just before (a query planned on it keeps its files); older versions lose their
   table and files. Incomplete folders older than the published version are dead runs and are removed;
   newer ones may still be running and are left alone.

Version names are a sortable UTC timestamp plus a random token (``20261127T153012123Z-1a2b3c4d``), so
the newest complete version is the greatest name with ``_SUCCESS``, on any file system, with no clock
shared between writers other than the calendar. This module is pure: the listing of folders and the
catalog state are given to it by the callers (``hyperion.transform.jobs`` through Spark's Hadoop
``FileSystem``, ``hyperion.transform.storage`` from the host, ``hyperion.transform.trino_sql``).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone

SUCCESS_MARKER = "_SUCCESS"
VERSION_PATTERN = re.compile(r"^\d{8}T\d{9}Z-[0-9a-f]{8}$")
# Separates a table's name from its version in the versioned tables' names (table names hold single "_").
VERSION_TABLE_INFIX = "__v"
_VERSIONED_TABLE = re.compile(r"^(?P<table>[a-z_]*[a-z])__v(?P<suffix>\d{8}t\d{9}z_[0-9a-f]{8})$")


def new_version(now: datetime | None = None, token: str | None = None) -> str:
    """A new version name: UTC time to the millisecond, then 8 random hex digits (sortable, unique)."""
    # timezone.utc, not datetime.UTC: the jobs also run on EMR's Python 3.9.
    moment = (now or datetime.now(timezone.utc)).astimezone(timezone.utc)  # noqa: UP017
    token = token if token is not None else secrets.token_hex(4)
    version = f"{moment:%Y%m%dT%H%M%S}{moment.microsecond // 1000:03d}Z-{token}"
    if not VERSION_PATTERN.match(version):
        raise ValueError(f"not a version name: {version!r} (token must be 8 lowercase hex digits)")
    return version


def is_version(name: str) -> bool:
    """Whether a folder name is a version (anything else under a table's folder is ignored)."""
    return bool(VERSION_PATTERN.match(name))


def versioned_table_name(table: str, version: str) -> str:
    """The Trino table of one version: ``films__v20261127t153012123z_1a2b3c4d`` (identifier-safe)."""
    if not is_version(version):
        raise ValueError(f"not a version name: {version!r}")
    return f"{table}{VERSION_TABLE_INFIX}{version.lower().replace('-', '_')}"


def parse_versioned_table_name(name: str) -> tuple[str, str] | None:
    """``(table, version)`` of a versioned table's name, or None for any other name."""
    match = _VERSIONED_TABLE.match(name)
    if match is None:
        return None
    suffix = match["suffix"]
    return match["table"], f"{suffix[:8]}T{suffix[9:18]}Z-{suffix[-8:]}"


def published_version(view_definition: str, table: str) -> str | None:
    """The version a view's SQL reads (``... from hive.s.<table>__v<suffix>``), or None if none."""
    for name in re.findall(r"[\w]+__v\w+", view_definition.lower()):
        parsed = parse_versioned_table_name(name)
        if parsed and parsed[0] == table:
            return parsed[1]
    return None


@dataclass(frozen=True, order=True)
class VersionFolder:
    """One ``<table>/<version>/`` folder as listed: its name and whether it holds ``_SUCCESS``."""

    name: str
    complete: bool


def version_folders(entries: Iterable[tuple[str, bool]]) -> list[VersionFolder]:
    """The version folders among listed ``(name, has _SUCCESS)`` entries, oldest first."""
    return sorted(VersionFolder(name, complete) for name, complete in entries if is_version(name))


def newest_complete(folders: Iterable[VersionFolder]) -> str | None:
    """The newest complete version, or None when no folder is complete."""
    complete = [folder.name for folder in folders if folder.complete and is_version(folder.name)]
    return max(complete) if complete else None


@dataclass(frozen=True)
class Cleanup:
    """What to remove for one table after publishing ``current``."""

    tables: list[str] = field(default_factory=list)  # versions whose Trino table is dropped
    folders: list[str] = field(default_factory=list)  # versions whose folder is deleted


def select_cleanup(
    folders: Sequence[VersionFolder],
    registered: Iterable[str],
    current: str,
    published: str | None,
) -> Cleanup:
    """Which versions to drop once ``current`` is published, the view having read ``published`` before.

    ``registered`` are the versions that have a Trino table. Kept: ``current``, the previous version
    (``published`` if it differs, else the newest registered one older than ``current``, so re-running a
    registration never drops it), and every folder newer than ``current`` (a run that may still be
    writing). Everything else goes: superseded versions, and incomplete ones older than ``current``
    (runs that died).
    """
    registered = set(registered)
    if published and published != current:
        previous: str | None = published
    else:
        previous = max((version for version in registered if version < current), default=None)
    keep = {current, *([previous] if previous else [])}
    tables = sorted(version for version in registered if version not in keep)
    folders_to_delete = sorted(
        folder.name for folder in folders if folder.name not in keep and folder.name < current
    )
    return Cleanup(tables=tables, folders=folders_to_delete)


@dataclass(frozen=True)
class CatalogState:
    """What a Trino schema holds: each relation's type (``BASE TABLE`` or ``VIEW``), each view's SQL."""

    relations: Mapping[str, str] = field(default_factory=dict)
    view_definitions: Mapping[str, str] = field(default_factory=dict)

    def registered_versions(self, table: str) -> list[str]:
        """The versions of ``table`` that have a versioned table in the schema."""
        versions = []
        for name in self.relations:
            parsed = parse_versioned_table_name(name)
            if parsed and parsed[0] == table:
                versions.append(parsed[1])
        return sorted(versions)

    def published(self, table: str) -> str | None:
        """The version the view ``table`` reads now, if it is a view over a version."""
        definition = self.view_definitions.get(table)
        return published_version(definition, table) if definition else None
