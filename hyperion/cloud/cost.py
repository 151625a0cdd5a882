"""The monthly hosting cost of the site (S3 + CloudFront), from traffic assumptions.

Pure arithmetic over published prices. The size of a cold visit is measured on the built site
when there is one (``cold_visit_bytes``); ``deploy/cost_estimate.py`` prints the table.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hyperion.cloud.site import (
    CLOUDFRONT_COMPRESSION_LIMIT_BYTES,
    COMPRESSIBLE_CONTENT_TYPES,
    build_upload_items,
    deterministic_gzip,
)

# Used when no build is at hand. Measured on the build of the bundled data (make web): DuckDB's
# exception-handling wasm alone is 7.6 MB gzipped, plus its worker, the app's JavaScript and the
# database file. The old figure of 5 MB was below the wasm alone.
DEFAULT_MEGABYTES_PER_COLD_VISIT = 9.0

# A browser loads one of DuckDB's two bundles: Chromium, Firefox and Safari take the
# exception-handling one ("eh"), so the "mvp" fallback is not part of a visit.
ALTERNATIVE_BUNDLE_MARKER = "-mvp"
NOT_DOWNLOADED_SUFFIXES = frozenset({".map"})


def cold_visit_bytes(site_dir: Path) -> int:
    """Bytes on the wire for a first visit that opens every page of the built site.

    Counts every file except DuckDB's fallback bundle and source maps, as CloudFront sends it:
    pre-compressed files at their uploaded size, compressible types from 1 KB to 10 MB gzipped
    (CloudFront's own compression; brotli would be a little smaller), the rest as they are.
    """
    total = 0
    for item in build_upload_items(site_dir):
        name = PurePosixPath(item.key).name
        if ALTERNATIVE_BUNDLE_MARKER in name or PurePosixPath(name).suffix in NOT_DOWNLOADED_SUFFIXES:
            continue
        if item.content_encoding is None and item.content_type in COMPRESSIBLE_CONTENT_TYPES:
            size = item.body_size
            if 1_000 <= size <= CLOUDFRONT_COMPRESSION_LIMIT_BYTES:
                size = len(deterministic_gzip(item.source_path.read_bytes()))
            total += size
        else:
            total += item.body_size
    return total


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
    megabytes_per_cold_visit: float = DEFAULT_MEGABYTES_PER_COLD_VISIT
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
