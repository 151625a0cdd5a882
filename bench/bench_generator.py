"""Benchmark the box-office generator: rows per second and peak memory at 1M and 10M rows.

Purpose: show that scripts/generate_boxoffice.py streams (peak RSS at 10M rows stays close to 1M rows)
and how fast it writes JSON Lines. Each size runs the real entrypoint in its own process, writing to
/dev/null, with the same --scale (so both runs hold the same per-film state) and --max-rows to stop at
exactly the target. Peak RSS is the child's own ru_maxrss from os.wait4, so the runs do not mask each other.

Inputs:  --catalog PATH (default: a seeded synthetic catalog of 120 theatrical films written to a temporary
         folder, so the figures do not depend on the state of data/); --rows (default 1000000 10000000);
         --scale (default 40); --seed.
Outputs: a Markdown table on stdout (rows, seconds, rows/s, peak RSS) and a line saying whether memory stayed
         flat (largest run's peak RSS within 1.25x of the smallest run's). Progress goes to stderr.

Run:
    .venv/bin/python bench/bench_generator.py
    .venv/bin/python bench/bench_generator.py --rows 1000000          # the 1M row only
"""

from __future__ import annotations

import argparse
import datetime
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from hyperion.logs import configure_logging

logger = logging.getLogger(__name__)

REPOSITORY = Path(__file__).resolve().parents[1]
GENERATOR = REPOSITORY / "scripts" / "generate_boxoffice.py"
SYNTHETIC_FILM_COUNT = 120
# Peak RSS of the largest run may exceed the smallest run's by this factor and still count as flat.
FLAT_MEMORY_FACTOR = 1.25


@dataclass(frozen=True)
class BenchmarkResult:
    """One generator run."""

    target_rows: int
    rows: int
    seconds: float
    peak_rss_bytes: int


def synthetic_catalog(film_count: int, seed: int) -> dict:
    """A catalog in the shared contract's shape with seeded release dates and grosses (bench input only)."""
    rng = random.Random(f"bench-catalog:{seed}")
    films = []
    for index in range(film_count):
        release = datetime.date(1990, 1, 5) + datetime.timedelta(weeks=rng.randint(0, 35 * 52))
        gross = rng.randint(20_000_000, 700_000_000)
        films.append(
            {
                "film_id": f"bench-film-{index:03d}",
                "title": f"Bench Film {index}",
                "release_date": release.isoformat(),
                "release_type": "theatrical",
                "domestic_gross_usd": gross,
                "worldwide_gross_usd": gross * 2,
                "gross_note": None,
            }
        )
    return {"schema_version": 1, "films": films}


def run_generator(catalog: Path, target_rows: int, scale: int, seed: str) -> BenchmarkResult:
    """Run the generator entrypoint once into /dev/null; return its row count, wall time and peak RSS."""
    command = [
        sys.executable,
        str(GENERATOR),
        "--catalog",
        str(catalog),
        "--seed",
        seed,
        "--scale",
        str(scale),
        "--max-rows",
        str(target_rows),
        "--output",
        os.devnull,
    ]
    started = time.perf_counter()
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    # Read stderr before waiting so a chatty child cannot block on a full pipe.
    stderr = process.stderr.read()
    process.stderr.close()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"generator failed ({process.returncode}): {stderr}")
    summary = stderr.strip().splitlines()[-1]
    fields = dict(part.split("=", 1) for part in summary.split() if "=" in part)
    # ru_maxrss is in KiB on Linux.
    return BenchmarkResult(target_rows, int(fields["rows"]), seconds, usage.ru_maxrss * 1024)


def markdown_table(results: list[BenchmarkResult], scale: int) -> str:
    """Render the results as a Markdown table."""
    lines = [
        "| rows (target) | rows written | scale | seconds (wall, with start-up) | rows/s | peak RSS (MiB) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        lines.append(
            f"| {result.target_rows:,} | {result.rows:,} | {scale} | {result.seconds:.1f} | "
            f"{result.rows / result.seconds:,.0f} | {result.peak_rss_bytes / 2**20:.1f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the table; return the process exit code."""
    configure_logging()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, default=None, help="film catalog (default: synthetic)")
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000], help="row targets")
    parser.add_argument("--scale", type=int, default=40, help="theaters per state and day (default 40)")
    parser.add_argument("--seed", default="42", help="generator seed")
    arguments = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="hyperion-bench-") as temporary:
        catalog = arguments.catalog
        if catalog is None:
            catalog = Path(temporary) / "bench_catalog.json"
            catalog.write_text(json.dumps(synthetic_catalog(SYNTHETIC_FILM_COUNT, 0)), encoding="utf-8")
        results = []
        for target_rows in sorted(arguments.rows):
            logger.info("generating %d rows at scale %d", target_rows, arguments.scale)
            result = run_generator(catalog, target_rows, arguments.scale, arguments.seed)
            if result.rows < target_rows:
                logger.warning("catalog too small: %d of %d rows; raise --scale", result.rows, target_rows)
            logger.info("%d rows in %.1f s", result.rows, result.seconds)
            results.append(result)

    sys.stdout.write(markdown_table(results, arguments.scale) + "\n")
    if len(results) > 1:
        smallest, largest = results[0], results[-1]
        ratio = largest.peak_rss_bytes / smallest.peak_rss_bytes
        verdict = "flat" if ratio <= FLAT_MEMORY_FACTOR else "NOT flat"
        sys.stdout.write(
            f"\nMemory: peak RSS at {largest.rows:,} rows is {ratio:.2f}x the peak at {smallest.rows:,} rows "
            f"({verdict}; threshold {FLAT_MEMORY_FACTOR}x).\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
