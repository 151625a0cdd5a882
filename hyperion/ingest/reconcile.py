"""Read landed files back and compare what landed with what was produced.

Used by the integration tests, the benchmark and anyone checking a landing by hand: the key multiset of
the landed records, and the offset coverage of each partition (no overlap, no gap).
"""

from __future__ import annotations

import json
import posixpath
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from hyperion.ingest.landing import parse_landed_file_name

BoxOfficeKey = tuple[str, str, str, int]


def landed_file_names(client: Any, directory: str) -> list[str]:
    """Names of the landed files in ``directory`` (temporary files and other names excluded), sorted."""
    if client.status(directory, strict=False) is None:
        return []
    return sorted(name for name in client.list(directory) if parse_landed_file_name(name) is not None)


def iter_landed_objects(client: Any, directory: str) -> Iterator[dict[str, Any]]:
    """Every line of every landed file of ``directory``, parsed."""
    for name in landed_file_names(client, directory):
        with client.read(posixpath.join(directory, name), encoding="utf-8") as reader:
            for line in reader.read().splitlines():
                if line:
                    yield json.loads(line)


def boxoffice_keys(envelopes: Iterable[dict[str, Any]]) -> Counter[BoxOfficeKey]:
    """Multiset of box-office natural keys ``(film_id, date, state, theater_id)`` over landed envelopes."""
    keys: Counter[BoxOfficeKey] = Counter()
    for envelope in envelopes:
        payload = envelope["payload"]
        for row in payload["rows"]:
            keys[(payload["film_id"], payload["date"], row["state"], row["theater_id"])] += 1
    return keys


def record_keys(envelopes: Iterable[dict[str, Any]], key_fields: tuple[str, ...]) -> Counter[tuple[Any, ...]]:
    """Multiset of ``key_fields`` of the payloads (for example ``("film_id", "character_id")``)."""
    return Counter(tuple(envelope["payload"].get(name) for name in key_fields) for envelope in envelopes)


def offset_coverage_problems(names: Iterable[str], end_offsets: dict[int, int] | None = None) -> list[str]:
    """Overlaps and gaps between the offset ranges of landed file names, per partition.

    With ``end_offsets`` ({partition: end offset}), each partition must be covered from 0 to its end.
    Files of a rejects directory and of the data directory together must cover the log, so pass both.
    """
    ranges: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for name in names:
        parsed = parse_landed_file_name(name)
        if parsed is not None:
            ranges[parsed[0]].append((parsed[1], parsed[2]))
    problems = []
    partitions = set(ranges) | set(end_offsets or {})
    for partition in sorted(partitions):
        expected_next = 0
        for first, last in sorted(set(ranges[partition])):
            if first < expected_next:
                problems.append(f"partition {partition}: {first}-{last} overlaps an earlier file")
            elif first > expected_next:
                problems.append(f"partition {partition}: offsets {expected_next}-{first - 1} missing")
            expected_next = max(expected_next, last + 1)
        if end_offsets is not None and expected_next != end_offsets.get(partition, 0):
            problems.append(
                f"partition {partition}: covered to {expected_next}, log ends at {end_offsets[partition]}"
            )
    return problems
