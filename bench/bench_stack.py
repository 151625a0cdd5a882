"""Benchmark the local runtime: seconds for `up` from a warm and a cold artifact cache, and peak memory.

- warm: the artifacts are cached and the service data exists (the everyday `make up` after `make down`);
- cold: an empty artifact cache and an empty Maven repository (everything comes from Maven Central) and
  fresh service data, as on a new machine;
- memory: the peak of the summed resident memory of every service's process tree, sampled every 0.25 s
  during start-up and during a short workload (a Trino query and a Kafka metadata call).

The benchmark stops a running local stack first and starts it again at the end if it was running.

Run: .venv/bin/python bench/bench_stack.py            (make bench-stack)
"""

from __future__ import annotations

import argparse
import logging
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import trino

from hyperion.config import REPOSITORY_ROOT, Settings, get_settings
from hyperion.logs import configure_logging
from hyperion.runtime import supervisor
from hyperion.runtime.services import SERVICES, RuntimeLayout

logger = logging.getLogger("bench_stack")
STACK_SCRIPT = REPOSITORY_ROOT / "scripts" / "stack.py"


@dataclass
class MemorySampler:
    """Sums the RSS of every recorded service process and its children, keeping the peak."""

    layout: RuntimeLayout
    peak_bytes: int = 0
    peak_by_service: dict[str, int] | None = None

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        by_service: dict[str, int] = {}
        for service in SERVICES:
            record = supervisor.ProcessRecord.from_file(self.layout.pid_file(service.name))
            if record is None:
                continue
            try:
                root = psutil.Process(record.pid)
                processes = [root, *root.children(recursive=True)]
                by_service[service.name] = sum(process.memory_info().rss for process in processes)
            except psutil.Error:
                continue
        total = sum(by_service.values())
        if total > self.peak_bytes:
            self.peak_bytes = total
            self.peak_by_service = by_service

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            time.sleep(0.25)

    def __enter__(self) -> MemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exception: object) -> None:
        self._stop.set()
        self._thread.join()


def _stack(command: str, environment: dict[str, str]) -> float:
    started = time.monotonic()
    completed = subprocess.run([sys.executable, str(STACK_SCRIPT), command], env=environment, check=False)
    if completed.returncode != 0:
        raise SystemExit(f"stack.py {command} failed with exit {completed.returncode}")
    return time.monotonic() - started


def _workload(settings: Settings) -> None:
    connection = trino.dbapi.connect(host=settings.trino_host, port=settings.trino_port, user="bench")
    cursor = connection.cursor()
    cursor.execute("select count(*) from tpch.tiny.lineitem")
    cursor.fetchall()
    supervisor.is_running(settings)


def _timed_up(environment: dict[str, str]) -> tuple[float, int, dict[str, int]]:
    settings = Settings.from_environment(environment)
    layout = RuntimeLayout(settings)
    with MemorySampler(layout) as sampler:
        seconds = _stack("up", environment)
        _workload(settings)
        time.sleep(5)
    return seconds, sampler.peak_bytes, sampler.peak_by_service or {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--skip-cold", action="store_true", help="measure only the warm start")
    arguments = parser.parse_args(argv)
    configure_logging()

    settings = get_settings()
    was_running = supervisor.is_running(settings)
    base_environment = dict(os.environ)
    rows: list[tuple[str, float, int, dict[str, int]]] = []

    # Warm: make sure the cache and data exist, then measure a start from stopped.
    _stack("up", base_environment)
    _stack("down", base_environment)
    warm = _timed_up(base_environment)
    rows.append(("warm cache", *warm))
    _stack("down", base_environment)

    if not arguments.skip_cold:
        scratch = Path(tempfile.mkdtemp(prefix="hyperion-cold-"))
        cold_environment = {
            **base_environment,
            "HYPERION_CACHE_DIRECTORY": str(scratch / "cache"),
            "HYPERION_RUNTIME_DIRECTORY": str(scratch / "runtime"),
            # An empty Maven repository too, so every artifact really comes from Maven Central.
            "MAVEN_OPTS": f"-Dmaven.repo.local={scratch / 'm2'}",
        }
        try:
            cold = _timed_up(cold_environment)
            rows.append(("cold cache (empty Maven repository)", *cold))
        finally:
            _stack("down", cold_environment)
            shutil.rmtree(scratch, ignore_errors=True)

    if was_running:
        _stack("up", base_environment)

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    sys.stdout.write(
        f"Date: {time.strftime('%Y-%m-%d %H:%M %Z')}; machine: {os.cpu_count()} cores ({cpu}), "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB\n\n"
    )
    sys.stdout.write(
        "| start | seconds for up | peak stack RSS (GiB) | largest services at the peak |\n"
        "|---|---:|---:|---|\n"
    )
    for name, seconds, peak, by_service in rows:
        largest = ", ".join(
            f"{service} {rss / 2**30:.2f}"
            for service, rss in sorted(by_service.items(), key=lambda item: -item[1])[:3]
        )
        sys.stdout.write(f"| {name} | {seconds:.1f} | {peak / 2**30:.2f} | {largest} |\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
