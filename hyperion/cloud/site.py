"""The site sync plan: what to upload to the bucket, with which headers, and what to delete.

Nothing here talks to AWS: the functions turn a built site folder and a bucket listing into a plan.
``hyperion.cloud.aws`` carries the plan out with boto3; ``deploy/sync_site.py`` wires the two.

Rules encoded here (and why):

* Explicit content types. DuckDB-WASM's worker never rejects when the ``.wasm`` arrives with a
  wrong type: the site's start-up would hang silently, so nothing is left to guessing.
* The build stores brotli and gzip variants next to the wasm, the data and the scripts
  (``name.br``, ``name.gz``; see ``frontend/vite.config.ts``). A variant is uploaded under its own
  key with the Content-Type of the file it encodes and ``Content-Encoding: br``/``gzip``, and the
  CloudFront Function (``deploy/spa_rewrite.js``) picks the one the viewer accepts; the rewritten
  key is the cache key. A file with variants is uploaded plain, for clients that accept neither.
* A ``.wasm`` without variants (and other compressible files over 10 MB) is uploaded
  gzip-compressed with a ``Content-Encoding`` header, because CloudFront does not compress files
  over 10 MB. Compression is deterministic (gzip header mtime 0) so a re-run produces identical
  bytes and identical ETags: that is what makes a second sync upload nothing.
* Content-hashed names get a one-year immutable cache: Vite's ``assets/`` and the data files the
  build script names ``data/<name>.<16 hex>.<ext>``. Everything else (``index.html``,
  ``data/site.json`` that names the hashed data files, the Parquet downloads, favicon) gets
  ``no-cache`` so that browsers revalidate them (cheap 304s thanks to ETags).
* Assets go up first, then the other files, then ``data/site.json`` and ``index.html`` last, so
  that a visitor never gets a page or a manifest naming files that are not there yet. Stale files
  are deleted only after ``index.html`` (the old ``index.html`` may still reference them until then).

What the sync may delete (the bucket can hold other things than the site):

1. Only keys under the site's prefix that the site's ownership record (``SITE_OWNERSHIP_KEY``
   under the prefix) lists, and that the new build no longer has. Any other object is kept and
   reported as foreign, whatever its name.
2. Before the first upload the record is rewritten to list the old owned keys plus every key of
   the new build. A crash after any upload therefore leaves each uploaded object owned (a later
   run cleans it up), and no foreign object ever becomes owned.
3. After the deletions the record lists exactly the build's keys.
4. A bucket that holds the EMR proof run's data (``hyperion.cloud.EMR_PROOF_PREFIX``, or a run's
   ``EMR_PROOF_MARKER`` under any prefix) is refused before anything is written.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hyperion.cloud import EMR_PROOF_MARKER, EMR_PROOF_PREFIX

IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
REVALIDATE_CACHE_CONTROL = "no-cache"
HASHED_ASSETS_PREFIX = "assets/"
ENTRY_DOCUMENT = "index.html"
SITE_DATA_MANIFEST = "data/site.json"
# data/<name>.<first 16 hex of its sha256>.<ext>, written by scripts/07_build_site.py.
HASHED_DATA_PATTERN = re.compile(r"^data/[^/]+\.[0-9a-f]{16}\.[a-z]+$")
# Suffix of a pre-compressed variant -> its Content-Encoding.
VARIANT_ENCODINGS = {".br": "br", ".gz": "gzip"}

# CloudFront compresses on the fly only objects between 1,000 bytes and 10,000,000 bytes.
CLOUDFRONT_COMPRESSION_LIMIT_BYTES = 10_000_000

CONTENT_TYPES: dict[str, str] = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".css": "text/css",
    ".wasm": "application/wasm",
    ".json": "application/json",
    ".map": "application/json",
    ".parquet": "application/octet-stream",
    ".duckdb": "application/octet-stream",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".woff2": "font/woff2",
    ".woff": "font/woff",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"

# Types worth compressing when CloudFront will not do it for us (over its 10 MB limit).
COMPRESSIBLE_CONTENT_TYPES = frozenset(
    {
        "text/html; charset=utf-8",
        "text/javascript",
        "text/css",
        "application/json",
        "image/svg+xml",
        "text/plain; charset=utf-8",
        "text/csv; charset=utf-8",
        "application/xml",
    }
)


class UnknownContentTypeError(ValueError):
    """A file has an extension with no explicit content type."""


def content_type_for(key: str) -> str:
    """Return the explicit Content-Type for an object key, from its extension.

    Raises UnknownContentTypeError for an extension not in CONTENT_TYPES, so that a new kind of
    file is a loud failure rather than a silent ``application/octet-stream``.
    """
    key = variant_source(key) or key
    suffix = PurePosixPath(key).suffix.lower()
    if suffix not in CONTENT_TYPES:
        raise UnknownContentTypeError(
            f"no content type for {key!r}: add {suffix or '(none)'!r} to CONTENT_TYPES"
        )
    return CONTENT_TYPES[suffix]


def variant_source(key: str) -> str | None:
    """The key a pre-compressed variant encodes (``x.wasm`` for ``x.wasm.br``), else None."""
    path = PurePosixPath(key)
    if path.suffix.lower() in VARIANT_ENCODINGS and PurePosixPath(path.stem).suffix.lower() in CONTENT_TYPES:
        return key[: -len(path.suffix)]
    return None


def cache_control_for(key: str) -> str:
    """Return the Cache-Control header: immutable for content-hashed names, no-cache for the rest."""
    key = variant_source(key) or key
    if key.startswith(HASHED_ASSETS_PREFIX) or HASHED_DATA_PATTERN.match(key):
        return IMMUTABLE_CACHE_CONTROL
    return REVALIDATE_CACHE_CONTROL


def should_precompress(key: str, size_bytes: int) -> bool:
    """Whether to upload the file gzip-compressed with ``Content-Encoding: gzip``.

    Always for ``.wasm`` (CloudFront historically did not compress wasm, and DuckDB's are over
    30 MB); otherwise only for compressible text types over CloudFront's 10 MB limit. Parquet is
    already compressed inside, so it is never recompressed.
    """
    if key.lower().endswith(".wasm"):
        return True
    content_type = CONTENT_TYPES.get(PurePosixPath(key).suffix.lower(), DEFAULT_CONTENT_TYPE)
    return size_bytes > CLOUDFRONT_COMPRESSION_LIMIT_BYTES and content_type in COMPRESSIBLE_CONTENT_TYPES


def deterministic_gzip(data: bytes) -> bytes:
    """Gzip at level 9 with a zero header timestamp and no file name (like ``gzip -9 -n``).

    The same input always gives the same bytes, hence the same MD5/ETag on S3.
    """
    return gzip.compress(data, compresslevel=9, mtime=0)


@dataclass(frozen=True)
class UploadItem:
    """One object to put in the bucket: its key, body source and headers."""

    key: str
    source_path: Path
    content_type: str
    cache_control: str
    content_encoding: str | None
    body_md5: str
    body_size: int

    def headers(self) -> dict[str, str]:
        """The S3 PutObject header arguments (boto3 names) for this item."""
        headers = {"ContentType": self.content_type, "CacheControl": self.cache_control}
        if self.content_encoding:
            headers["ContentEncoding"] = self.content_encoding
        return headers


def upload_body(item: UploadItem) -> bytes:
    """Read the bytes to upload for an item (compressed when the item says so)."""
    data = item.source_path.read_bytes()
    if item.content_encoding == "gzip" and not variant_source(item.key):
        return deterministic_gzip(data)
    return data


def upload_order(key: str) -> tuple[int, str]:
    """Sort key: hashed assets, then other files, then ``data/site.json``, then ``index.html`` last."""
    source = variant_source(key) or key
    if source.startswith(HASHED_ASSETS_PREFIX):
        rank = 0
    elif source == ENTRY_DOCUMENT:
        rank = 3
    elif source == SITE_DATA_MANIFEST:
        rank = 2
    else:
        rank = 1
    return (rank, key)


def build_upload_items(site_dir: Path) -> list[UploadItem]:
    """Describe every file of a built site as an UploadItem, in upload order.

    Keys are POSIX paths relative to ``site_dir``. Hidden files (a leading dot in any path part)
    are skipped: they are editor or OS droppings, never part of a Vite build.
    """
    items = []
    for path in sorted(site_dir.rglob("*")):
        relative = path.relative_to(site_dir)
        if not path.is_file() or any(part.startswith(".") for part in relative.parts):
            continue
        key = relative.as_posix()
        size = path.stat().st_size
        body = path.read_bytes()
        has_variants = any(path.with_name(path.name + suffix).is_file() for suffix in VARIANT_ENCODINGS)
        if variant_source(key):
            # Already compressed by the build: uploaded as is, labelled with its encoding.
            content_encoding: str | None = VARIANT_ENCODINGS[PurePosixPath(key).suffix.lower()]
        elif not has_variants and should_precompress(key, size):
            content_encoding = "gzip"
            body = deterministic_gzip(body)
        else:
            content_encoding = None
        items.append(
            UploadItem(
                key=key,
                source_path=path,
                content_type=content_type_for(key),
                cache_control=cache_control_for(key),
                content_encoding=content_encoding,
                body_md5=hashlib.md5(body, usedforsecurity=False).hexdigest(),
                body_size=len(body),
            )
        )
    return sorted(items, key=lambda item: upload_order(item.key))


@dataclass(frozen=True)
class RemoteObject:
    """What a HEAD request tells about an object already in the bucket."""

    key: str
    etag: str
    content_type: str | None
    cache_control: str | None
    content_encoding: str | None


@dataclass(frozen=True)
class SyncPlan:
    """The uploads (in order) and deletions that bring the site's part of the bucket in line.

    ``ownership_before_upload`` and ``ownership_after_delete`` are the site-relative keys that the
    ownership record lists while the sync runs and once it is done (rules 2 and 3).
    """

    uploads: list[UploadItem]
    deletions: list[str]
    unchanged: list[str]
    foreign: list[str]
    ownership_before_upload: list[str]
    ownership_after_delete: list[str]

    def summary(self) -> str:
        """One line of counts for the log."""
        return (
            f"{len(self.uploads)} uploaded, {len(self.unchanged)} unchanged, "
            f"{len(self.deletions)} deleted, {len(self.foreign)} foreign kept"
        )


SITE_OWNERSHIP_KEY = ".hyperion-site-objects.json"
OWNERSHIP_FORMAT = 1


class OwnershipRecordError(ValueError):
    """The ownership record in the bucket cannot be read: the sync stops rather than guess."""


class BucketHoldsEmrProofError(RuntimeError):
    """The bucket holds the EMR proof run's data: the site is not deployed there."""


def render_ownership(keys: list[str]) -> bytes:
    """The ownership record's body: the sorted site-relative keys the site put in the bucket."""
    return json.dumps({"format": OWNERSHIP_FORMAT, "keys": sorted(set(keys))}, indent=1).encode("utf-8")


def parse_ownership(body: bytes | None, location: str) -> frozenset[str]:
    """The keys an ownership record lists (none when there is no record yet)."""
    if body is None:
        return frozenset()
    try:
        record = json.loads(body)
        keys = record["keys"]
        if record.get("format") != OWNERSHIP_FORMAT or not all(isinstance(key, str) for key in keys):
            raise ValueError(f"format {record.get('format')!r}, keys must be strings")
    except (ValueError, KeyError, TypeError) as error:
        raise OwnershipRecordError(f"{location}: not a site ownership record ({error})") from error
    return frozenset(keys)


def emr_proof_keys(keys: list[str]) -> list[str]:
    """The keys that belong to an EMR proof run (rule 4), sorted."""
    return sorted(
        key
        for key in keys
        if key.startswith(EMR_PROOF_PREFIX) or key == EMR_PROOF_MARKER or key.endswith("/" + EMR_PROOF_MARKER)
    )


def refuse_emr_proof_bucket(bucket: str, keys: list[str]) -> None:
    """Raise BucketHoldsEmrProofError when the bucket's keys include an EMR proof run's."""
    found = emr_proof_keys(keys)
    if found:
        raise BucketHoldsEmrProofError(
            f"s3://{bucket} holds EMR proof data ({len(found)} objects, e.g. {found[0]}): "
            "deploy the site to its own bucket"
        )


def is_up_to_date(item: UploadItem, remote: RemoteObject) -> bool:
    """True when the remote object has the same bytes and the same headers.

    Relies on the ETag being the MD5 of the body, which holds for single-part uploads in a
    bucket with SSE-S3 (the default) — the sync uploads with single PutObject calls for this.
    """
    return (
        remote.etag.strip('"') == item.body_md5
        and remote.content_type == item.content_type
        and remote.cache_control == item.cache_control
        and (remote.content_encoding or None) == item.content_encoding
    )


def plan_sync(
    items: list[UploadItem],
    remote: dict[str, RemoteObject],
    prefix: str = "",
    owned: frozenset[str] = frozenset(),
) -> SyncPlan:
    """Compare the local items with the remote objects under ``prefix``.

    ``remote`` maps full object keys (prefix included) to RemoteObject; keys outside the prefix
    are ignored. ``owned`` holds the site-relative keys of the ownership record. Items keep their
    upload order; deletions are the owned remote keys with no local file, sorted (rule 1).
    """
    uploads = []
    unchanged = []
    local_keys = set()
    for item in items:
        full_key = prefix + item.key
        local_keys.add(full_key)
        existing = remote.get(full_key)
        if existing is not None and is_up_to_date(item, existing):
            unchanged.append(full_key)
        else:
            uploads.append(item)
    ownership_key = prefix + SITE_OWNERSHIP_KEY
    deletions = []
    foreign = []
    for key in sorted(remote):
        if not key.startswith(prefix) or key in local_keys or key == ownership_key:
            continue
        (deletions if key[len(prefix) :] in owned else foreign).append(key)
    build_keys = sorted(item.key for item in items)
    return SyncPlan(
        uploads=uploads,
        deletions=deletions,
        unchanged=unchanged,
        foreign=foreign,
        ownership_before_upload=sorted(set(build_keys) | owned),
        ownership_after_delete=build_keys,
    )


def plan_lines(plan: SyncPlan, prefix: str) -> list[str]:
    """The plan as tab-separated lines: ``upload <key> <type> <cache> [gzip]``, ``delete <key>``,
    and ``keep <key> not the site's`` for foreign objects under the prefix."""
    lines = []
    for item in plan.uploads:
        encoding = f"\t{item.content_encoding}" if item.content_encoding else ""
        lines.append(f"upload\t{prefix}{item.key}\t{item.content_type}\t{item.cache_control}{encoding}")
    lines += [f"delete\t{key}" for key in plan.deletions]
    lines += [f"keep\t{key}\tnot the site's" for key in plan.foreign]
    return lines


def normalize_prefix(prefix: str) -> str:
    """Turn a user-given key prefix into '' or 'some/path/' (no leading slash)."""
    cleaned = prefix.strip("/")
    return f"{cleaned}/" if cleaned else ""
