"""The whole pipeline on the real stack, then the built site in a real browser.

Runs the numbered steps exactly as a person would (topics, HDFS folders, produce, consume, Spark jobs
01-04, Trino queries), packs the exports into the site, builds it with Vite and runs the Chromium suite
(frontend/e2e/run.mjs). Each step's output is asserted on: the landed records reconcile with what was
produced, every query wrote its result, and the site's figures equal Python DuckDB's over the same files.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from hyperion.config import REPOSITORY_ROOT, Settings

pytestmark = pytest.mark.e2e

SCRIPTS = REPOSITORY_ROOT / "scripts"
FRONTEND = REPOSITORY_ROOT / "frontend"


@dataclass
class PipelineRun:
    exports: Path
    query_results: Path
    outputs: dict[str, str]


def run_step(name: str, command: list[str], timeout: float) -> str:
    completed = subprocess.run(command, cwd=REPOSITORY_ROOT, capture_output=True, text=True, timeout=timeout)
    assert completed.returncode == 0, (
        f"{name} failed (exit {completed.returncode}):\n{completed.stderr[-4000:]}"
    )
    return completed.stdout + completed.stderr


def summary(output: str, marker: str) -> dict[str, str]:
    """The key=value fields of the last line that contains the marker."""
    line = [line for line in output.splitlines() if marker in line][-1]
    return dict(field.split("=", 1) for field in line.split() if "=" in field)


@pytest.fixture(scope="module")
def pipeline(stack: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[PipelineRun]:
    work = tmp_path_factory.mktemp("pipeline")
    exports = work / "exports"
    query_results = work / "query_results"
    python = sys.executable
    outputs = {
        "topics": run_step("01_create_topics", [python, str(SCRIPTS / "01_create_topics.py")], 120),
        "hdfs": run_step("02_init_hdfs", [python, str(SCRIPTS / "02_init_hdfs.py")], 120),
        "produce": run_step("03_produce", [python, str(SCRIPTS / "03_produce.py"), "--no-progress"], 900),
        "consume": run_step("04_consume", [python, str(SCRIPTS / "04_consume.py")], 900),
        "transform": run_step(
            "05_transform", [python, str(SCRIPTS / "05_transform.py"), "--exports", str(exports)], 1800
        ),
        "queries": run_step(
            "06_queries",
            [python, str(SCRIPTS / "06_queries.py"), "--output-directory", str(query_results)],
            600,
        ),
    }
    # The Docker e2e, which make test runs beside this one, compares its exports with these by checksum
    # and its query results with these pages; the manifest comes last, as the sign that both are there.
    shared_manifest = REPOSITORY_ROOT / "test-output" / "local-e2e" / "exports-manifest.json"
    shared_manifest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copytree(query_results, shared_manifest.parent / "query_results", dirs_exist_ok=True)
    shutil.copyfile(exports / "manifest.json", shared_manifest.with_suffix(".partial"))
    shared_manifest.with_suffix(".partial").rename(shared_manifest)
    yield PipelineRun(exports, query_results, outputs)


def test_every_produced_record_was_sent_and_landed(pipeline: PipelineRun) -> None:
    produced = [
        summary(line, "topic=") for line in pipeline.outputs["produce"].splitlines() if "sent=" in line
    ]
    assert sorted(fields["topic"] for fields in produced) == ["raw-boxoffice", "raw-characters", "raw-films"]
    for fields in produced:
        assert fields["failed"] == "0" and fields["reconciled"] == "yes", fields
        assert int(fields["read"]) == int(fields["sent"]) + int(fields["rejected"]) + int(fields["set_aside"])
    # The summary line, not a progress report (those carry records_per_second= too, but no stopped_by=).
    consumed = summary(pipeline.outputs["consume"], "stopped_by=")
    assert consumed["lag"] == "0", consumed
    # The consumer resumes from its group's committed offsets, so it lands at least this run's messages
    # (more when an earlier produce run was never consumed).
    sent_messages = sum(int(fields["messages"]) for fields in produced)
    assert int(consumed["messages"]) >= sent_messages > 0, (consumed, sent_messages)


def test_exports_and_query_results_are_written(pipeline: PipelineRun) -> None:
    manifest = json.loads((pipeline.exports / "manifest.json").read_text())
    for name in ("films_complete", "characters_complete", "boxoffice_summary", "studio_stats"):
        entry = manifest["files"][name]
        assert entry["rows"] > 0, entry
        assert (pipeline.exports / entry["file"]).stat().st_size == entry["bytes"]
    results = sorted(path.stem for path in pipeline.query_results.glob("*.md"))
    expected = sorted(
        path.stem for path in (REPOSITORY_ROOT / "queries").glob("*.sql") if path.stem[:2] != "00"
    )
    assert results == expected


def test_the_built_site_matches_python_duckdb_in_chromium(pipeline: PipelineRun, tmp_path: Path) -> None:
    data = FRONTEND / "public" / "data"
    shutil.rmtree(data, ignore_errors=True)
    run_step(
        "07_build_site",
        [
            sys.executable,
            str(SCRIPTS / "07_build_site.py"),
            "--exports",
            str(pipeline.exports),
            "--output",
            str(data),
        ],
        300,
    )
    # The query layer's unit tests run against the packed database, so they come after packing.
    vitest = run_step("vitest", ["npm", "--prefix", str(FRONTEND), "test"], 600)
    assert "passed" in vitest, vitest[-3000:]
    run_step("vite build", ["npm", "--prefix", str(FRONTEND), "run", "build"], 600)
    browser = subprocess.run(
        ["node", str(FRONTEND / "e2e" / "run.mjs")], cwd=FRONTEND, capture_output=True, text=True, timeout=900
    )
    sys.stdout.write(browser.stdout[-6000:])
    assert browser.returncode == 0, browser.stdout[-6000:] + browser.stderr[-3000:]
    assert " checks passed" in browser.stdout
    # The US box-office map's own Chromium checks (lazy loading, slider, keyboard, themes, axe).
    map_checks = subprocess.run(
        ["node", str(FRONTEND / "e2e" / "map.mjs")], cwd=FRONTEND, capture_output=True, text=True, timeout=600
    )
    sys.stdout.write(map_checks.stdout[-4000:])
    assert map_checks.returncode == 0, map_checks.stdout[-6000:] + map_checks.stderr[-3000:]
    assert " map checks passed" in map_checks.stdout
