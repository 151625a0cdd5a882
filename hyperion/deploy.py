"""Pure logic for publishing the site to S3 behind CloudFront.

Nothing here talks to AWS: the functions turn a built site folder, a remote listing or a
distribution description into plans, configurations and records. The thin scripts under
``deploy/`` do the I/O (boto3 and the aws CLI) and call these.

Rules encoded here (and why):

* Explicit content types. DuckDB-WASM's worker never rejects when the ``.wasm`` arrives with a
  wrong type: the site's start-up would hang silently, so nothing is left to guessing.
* ``.wasm`` files (and other compressible files over 10 MB) are uploaded gzip-compressed with a
  ``Content-Encoding`` header, because CloudFront does not compress files over 10 MB.
  Compression is deterministic (gzip header mtime 0) so a re-run produces identical bytes and
  identical ETags: that is what makes a second sync upload nothing.
* Vite puts only content-hashed files under ``assets/``: they get a one-year immutable cache.
  Everything else (``index.html``, ``data/manifest.json``, the data files, favicon) gets
  ``no-cache`` so that browsers revalidate them (cheap 304s thanks to ETags).
* Assets go up first and ``index.html`` last, so that a visitor never gets an ``index.html``
  pointing at assets that are not there yet. Stale files are deleted only after ``index.html``
  (the old ``index.html`` may still reference them until then).
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

IMMUTABLE_CACHE_CONTROL = "public, max-age=31536000, immutable"
REVALIDATE_CACHE_CONTROL = "no-cache"
HASHED_ASSETS_PREFIX = "assets/"
ENTRY_DOCUMENT = "index.html"

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
    suffix = PurePosixPath(key).suffix.lower()
    if suffix not in CONTENT_TYPES:
        raise UnknownContentTypeError(
            f"no content type for {key!r}: add {suffix or '(none)'!r} to CONTENT_TYPES"
        )
    return CONTENT_TYPES[suffix]


def cache_control_for(key: str) -> str:
    """Return the Cache-Control header: immutable for hashed assets, no-cache for the rest."""
    if key.startswith(HASHED_ASSETS_PREFIX):
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
    if item.content_encoding == "gzip":
        return deterministic_gzip(data)
    return data


def upload_order(key: str) -> tuple[int, str]:
    """Sort key: hashed assets, then other files, then ``index.html`` last."""
    if key.startswith(HASHED_ASSETS_PREFIX):
        rank = 0
    elif key == ENTRY_DOCUMENT:
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
        content_encoding = "gzip" if should_precompress(key, size) else None
        body = path.read_bytes()
        if content_encoding:
            body = deterministic_gzip(body)
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
    """The uploads (in order) and deletions that bring the bucket in line with the site."""

    uploads: list[UploadItem]
    deletions: list[str]
    unchanged: list[str]


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


def plan_sync(items: list[UploadItem], remote: dict[str, RemoteObject], prefix: str = "") -> SyncPlan:
    """Compare the local items with the remote objects under ``prefix``.

    ``remote`` maps full object keys (prefix included) to RemoteObject. Items keep their upload
    order; deletions are the remote keys with no local file, sorted.
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
    deletions = sorted(key for key in remote if key not in local_keys)
    return SyncPlan(uploads=uploads, deletions=deletions, unchanged=unchanged)


def normalize_prefix(prefix: str) -> str:
    """Turn a user-given key prefix into '' or 'some/path/' (no leading slash)."""
    cleaned = prefix.strip("/")
    return f"{cleaned}/" if cleaned else ""


# ---------------------------------------------------------------------------------------------
# CloudFront distribution and bucket policy
# ---------------------------------------------------------------------------------------------

SPA_FUNCTION_RUNTIME = "cloudfront-js-2.0"
ORIGIN_ID = "hyperion-site-bucket"


def bucket_regional_domain(bucket: str, region: str) -> str:
    """The S3 REST endpoint CloudFront must use with Origin Access Control (not the website one)."""
    return f"{bucket}.s3.{region}.amazonaws.com"


def build_distribution_config(
    template: dict[str, Any],
    *,
    bucket: str,
    region: str,
    origin_access_control_id: str,
    certificate_arn: str | None,
    aliases: list[str],
    spa_function_arn: str | None,
    caller_reference: str,
) -> dict[str, Any]:
    """Fill the static template of ``deploy/cloudfront_config.json`` into a DistributionConfig.

    Aliases need a certificate: with no certificate the distribution uses the default
    ``*.cloudfront.net`` one and no aliases (useful for a first deploy before DNS exists).
    The SPA function association is left out only when ``spa_function_arn`` is None (for
    environments without the CloudFront Functions API, such as the moto test server).
    """
    if aliases and not certificate_arn:
        raise ValueError("aliases need an ACM certificate ARN (in us-east-1)")
    if certificate_arn and ":us-east-1:" not in certificate_arn:
        raise ValueError(f"CloudFront needs its ACM certificate in us-east-1, got {certificate_arn}")
    config = _deep_copy(template)
    config["CallerReference"] = caller_reference
    config["Aliases"] = {"Quantity": len(aliases), "Items": list(aliases)} if aliases else {"Quantity": 0}
    origin = config["Origins"]["Items"][0]
    origin["Id"] = ORIGIN_ID
    origin["DomainName"] = bucket_regional_domain(bucket, region)
    origin["OriginAccessControlId"] = origin_access_control_id
    # With OAC, S3OriginConfig must be present with an empty identity (the OAI mechanism).
    origin["S3OriginConfig"] = {"OriginAccessIdentity": ""}
    behavior = config["DefaultCacheBehavior"]
    behavior["TargetOriginId"] = ORIGIN_ID
    if spa_function_arn:
        behavior["FunctionAssociations"] = {
            "Quantity": 1,
            "Items": [{"FunctionARN": spa_function_arn, "EventType": "viewer-request"}],
        }
    else:
        behavior["FunctionAssociations"] = {"Quantity": 0}
    if certificate_arn:
        config["ViewerCertificate"] = {
            "ACMCertificateArn": certificate_arn,
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021",
            "CloudFrontDefaultCertificate": False,
        }
    else:
        config["ViewerCertificate"] = {"CloudFrontDefaultCertificate": True}
    return config


def validate_distribution_config(config: dict[str, Any]) -> list[str]:
    """Return the reasons a distribution config breaks the site's rules (empty when fine)."""
    problems = []
    behavior = config.get("DefaultCacheBehavior", {})
    if behavior.get("ViewerProtocolPolicy") not in {"redirect-to-https", "https-only"}:
        problems.append("viewers must be redirected to HTTPS or refused over HTTP")
    if not behavior.get("Compress"):
        problems.append("compression must be on")
    if config.get("DefaultRootObject") != ENTRY_DOCUMENT:
        problems.append("default root object must be index.html")
    if config.get("CustomErrorResponses", {}).get("Quantity", 0):
        problems.append("no custom error responses: they would serve HTML for a missing .wasm")
    for origin in config.get("Origins", {}).get("Items", []):
        if not origin.get("OriginAccessControlId"):
            problems.append(f"origin {origin.get('Id')} has no Origin Access Control")
        if ".s3-website" in origin.get("DomainName", ""):
            problems.append("origin must be the S3 REST endpoint, not the website endpoint")
    return problems


def _deep_copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _deep_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_deep_copy(item) for item in value]
    return value


def bucket_policy(bucket: str, distribution_arn: str) -> dict[str, Any]:
    """Bucket policy letting only this CloudFront distribution read objects (OAC, SourceArn)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AllowCloudFrontServicePrincipalReadOnly",
                "Effect": "Allow",
                "Principal": {"Service": "cloudfront.amazonaws.com"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
                "Condition": {"StringEquals": {"AWS:SourceArn": distribution_arn}},
            }
        ],
    }


BLOCK_ALL_PUBLIC_ACCESS = {
    "BlockPublicAcls": True,
    "IgnorePublicAcls": True,
    "BlockPublicPolicy": True,
    "RestrictPublicBuckets": True,
}


# ---------------------------------------------------------------------------------------------
# DNS records for Namecheap
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DnsRecord:
    """One record as typed into Namecheap's Advanced DNS page (host relative to the domain)."""

    record_type: str
    host: str
    value: str
    purpose: str

    def fully_qualified_name(self, apex_domain: str) -> str:
        """The record's name as dig asks for it."""
        return apex_domain if self.host == "@" else f"{self.host}.{apex_domain}"


def relative_host(name: str, apex_domain: str) -> str:
    """Turn ``_abc.www.example.com.`` into Namecheap's host field ``_abc.www`` (``@`` for apex)."""
    bare = name.rstrip(".").lower()
    apex = apex_domain.rstrip(".").lower()
    if bare == apex:
        return "@"
    if not bare.endswith("." + apex):
        raise ValueError(f"{name} is not inside {apex_domain}")
    return bare[: -(len(apex) + 1)]


def namecheap_records(
    apex_domain: str, distribution_domain: str, validation_records: list[dict[str, str]]
) -> list[DnsRecord]:
    """The records for Namecheap: apex ALIAS and www CNAME to CloudFront, and ACM validation CNAMEs.

    ``validation_records`` are ACM's ``DomainValidationOptions[].ResourceRecord`` dicts
    (Name, Type, Value); duplicates (apex and www often share one) are listed once.
    """
    target = distribution_domain.rstrip(".")
    records = [
        DnsRecord("ALIAS", "@", target, "apex to CloudFront (Namecheap ALIAS, resolved to A records)"),
        DnsRecord("CNAME", "www", target, "www to CloudFront"),
    ]
    seen = set()
    for validation in validation_records:
        host = relative_host(validation["Name"], apex_domain)
        value = validation["Value"].rstrip(".")
        if (host, value) in seen:
            continue
        seen.add((host, value))
        records.append(DnsRecord(validation.get("Type", "CNAME"), host, value, "ACM certificate validation"))
    return records


@dataclass(frozen=True)
class DigAnswer:
    """One answer line of ``dig +noall +answer``."""

    name: str
    ttl: int
    record_type: str
    value: str


def parse_dig_answers(text: str) -> list[DigAnswer]:
    """Parse the output of ``dig +noall +answer NAME TYPE`` (comments and blanks ignored)."""
    answers = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith(";"):
            continue
        fields = stripped.split(None, 4)
        if len(fields) != 5 or fields[2] != "IN":
            continue
        name, ttl, _class, record_type, value = fields
        answers.append(DigAnswer(name.rstrip(".").lower(), int(ttl), record_type.upper(), value.rstrip(".")))
    return answers


def check_record(record: DnsRecord, apex_domain: str, dig_output: str) -> tuple[bool, str]:
    """Check one expected record against dig's answer section; return (ok, message).

    A CNAME must point at the expected value. An ALIAS is flattened by Namecheap into A records,
    whose addresses vary by resolver location, so the check is that the apex answers A records.
    """
    name = record.fully_qualified_name(apex_domain)
    answers = parse_dig_answers(dig_output)
    if record.record_type == "ALIAS":
        addresses = [answer.value for answer in answers if answer.record_type == "A"]
        if addresses:
            return True, f"ok   {name} A {', '.join(addresses)} (ALIAS to {record.value})"
        return False, f"FAIL {name}: no A records (expected ALIAS to {record.value})"
    found = [answer.value.lower() for answer in answers if answer.record_type == record.record_type]
    if record.value.lower() in found:
        return True, f"ok   {name} {record.record_type} {record.value}"
    return False, f"FAIL {name} {record.record_type}: expected {record.value}, got {found or 'nothing'}"


# ---------------------------------------------------------------------------------------------
# Monthly cost estimate
# ---------------------------------------------------------------------------------------------

# North America prices in USD (CloudFront) and us-east-1 prices (S3), as published on
# aws.amazon.com/cloudfront/pricing and aws.amazon.com/s3/pricing in the 2025-08-01 snapshot these
# constants were written from. They were not re-read from this machine (no web access): check them
# before relying on the estimate. The always-free CloudFront tier is 1 TB out, 10M requests and
# 2M function invocations per month.
PRICES_RECORDED_ON = "2025-08-01"
CLOUDFRONT_DATA_OUT_PER_GB = 0.085
CLOUDFRONT_HTTPS_REQUESTS_PER_10K = 0.0100
CLOUDFRONT_FUNCTION_PER_MILLION_INVOCATIONS = 0.10
CLOUDFRONT_FREE_DATA_OUT_GB = 1000.0
CLOUDFRONT_FREE_REQUESTS = 10_000_000
CLOUDFRONT_FREE_FUNCTION_INVOCATIONS = 2_000_000
S3_STORAGE_PER_GB_MONTH = 0.023
S3_GET_PER_1K = 0.0004
S3_PUT_PER_1K = 0.005


@dataclass(frozen=True)
class TrafficAssumptions:
    """The traffic the estimate is for. Defaults are the plan's: a small portfolio site."""

    visits_per_month: int = 1000
    # A cold visit downloads DuckDB's eh wasm, uploaded gzipped: 7.6 MB of its own (34.2 MB raw, 1.32.0),
    # plus its worker, the app's JavaScript and the data file; 10 MB rounds that up. The old 5 MB could not
    # even carry the wasm (tests/unit/test_cost_cold_visit.py measures it).
    megabytes_per_cold_visit: float = 10.0
    cold_visit_share: float = 1.0
    requests_per_visit: int = 12
    stored_megabytes: float = 60.0
    deploys_per_month: int = 4
    objects_per_deploy: int = 20
    cache_miss_share: float = 0.2


@dataclass(frozen=True)
class CostLine:
    """One priced item of the monthly estimate."""

    item: str
    quantity: float
    unit: str
    usd: float


def monthly_cost_estimate(traffic: TrafficAssumptions, use_free_tier: bool = False) -> list[CostLine]:
    """Price one month of hosting. The CloudFront always-free tier is ignored unless asked for.

    Data out counts cold visits at full size; warm visits are served from the browser cache
    (immutable assets) and cost only revalidation requests.
    """
    data_out_gb = (
        traffic.visits_per_month * traffic.cold_visit_share * traffic.megabytes_per_cold_visit / 1000
    )
    requests = traffic.visits_per_month * traffic.requests_per_visit
    billable_gb = max(0.0, data_out_gb - CLOUDFRONT_FREE_DATA_OUT_GB) if use_free_tier else data_out_gb
    billable_requests = max(0, requests - CLOUDFRONT_FREE_REQUESTS) if use_free_tier else requests
    function_invocations = requests
    billable_invocations = (
        max(0, function_invocations - CLOUDFRONT_FREE_FUNCTION_INVOCATIONS)
        if use_free_tier
        else function_invocations
    )
    origin_gets = requests * traffic.cache_miss_share
    puts = traffic.deploys_per_month * traffic.objects_per_deploy
    return [
        CostLine("CloudFront data transfer out", data_out_gb, "GB", billable_gb * CLOUDFRONT_DATA_OUT_PER_GB),
        CostLine(
            "CloudFront HTTPS requests",
            requests,
            "requests",
            billable_requests / 10_000 * CLOUDFRONT_HTTPS_REQUESTS_PER_10K,
        ),
        CostLine(
            "CloudFront Function invocations",
            function_invocations,
            "invocations",
            billable_invocations / 1_000_000 * CLOUDFRONT_FUNCTION_PER_MILLION_INVOCATIONS,
        ),
        CostLine(
            "S3 storage",
            traffic.stored_megabytes / 1000,
            "GB-month",
            traffic.stored_megabytes / 1000 * S3_STORAGE_PER_GB_MONTH,
        ),
        CostLine(
            "S3 GET from CloudFront (cache misses)",
            origin_gets,
            "requests",
            origin_gets / 1000 * S3_GET_PER_1K,
        ),
        CostLine("S3 PUT (deploys)", puts, "requests", puts / 1000 * S3_PUT_PER_1K),
    ]


def total_usd(lines: list[CostLine]) -> float:
    """Sum of an estimate's lines."""
    return sum(line.usd for line in lines)


def format_cost_table(lines: list[CostLine]) -> str:
    """Render an estimate as a plain-text table ending with the total."""
    rows = [f"{line.item:<40} {line.quantity:>12,.2f} {line.unit:<12} ${line.usd:>8.4f}" for line in lines]
    rows.append(f"{'Total per month':<40} {'':>12} {'':<12} ${total_usd(lines):>8.4f}")
    return "\n".join(rows)


def invalidation_batch(paths: list[str], caller_reference: str) -> dict[str, Any]:
    """The InvalidationBatch for CreateInvalidation (one wildcard path counts as one path)."""
    return {"Paths": {"Quantity": len(paths), "Items": list(paths)}, "CallerReference": caller_reference}
