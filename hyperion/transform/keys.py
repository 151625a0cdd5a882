"""Deterministic surrogate keys: the same natural key gives the same 64-bit key on every run and machine.

A key is the first 15 hexadecimal digits (60 bits) of the SHA-256 of the natural key's parts joined with
``|``, read as a positive integer. SHA-256 is defined byte for byte, so Python, Spark, Trino or DuckDB can
recompute a key independently (``int(hashlib.sha256(b"pixar").hexdigest()[:15], 16)``); 60 bits keep it
a positive ``BIGINT`` everywhere, and at our scale (millions of keys at most) a collision has a
probability of about 1e-6. A null part is hashed as the empty string, so parts should be non-null.
"""

from __future__ import annotations

import hashlib

from pyspark.sql import Column
from pyspark.sql import functions as F

KEY_SEPARATOR = "|"
KEY_HEX_DIGITS = 15


def surrogate_key(*parts: Column | str) -> Column:
    """A Spark column holding the deterministic ``BIGINT`` key of the natural key ``parts``."""
    columns = [
        F.coalesce(F.col(part) if isinstance(part, str) else part, F.lit("")).cast("string") for part in parts
    ]
    digest = F.sha2(F.concat_ws(KEY_SEPARATOR, *columns), 256)
    return F.conv(F.substring(digest, 1, KEY_HEX_DIGITS), 16, 10).cast("bigint")


def surrogate_key_value(*parts: object) -> int:
    """The same key computed in plain Python, for tests and for other engines to check against."""
    text = KEY_SEPARATOR.join("" if part is None else str(part) for part in parts)
    return int(hashlib.sha256(text.encode("utf-8")).hexdigest()[:KEY_HEX_DIGITS], 16)
