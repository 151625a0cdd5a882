"""Reconciliation and dead-letter re-drive against the running stack.

Each test gets its own topics (``test-<id>-raw-*``), consumer group and HDFS root ``/tests/<id>``, removed
afterwards. The producers, the consumer, the Spark jobs (on a local[1] Spark reading and writing the test's
HDFS root), ``scripts/reconcile.py`` and ``scripts/redrive_deadletter.py`` run as subprocesses, as a user
runs them. Every expected figure is computed here from the test's own inputs, never taken from reconcile.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.isolation import Isolation, isolated_topics

from hyperion.config import REPOSITORY_ROOT, Settings
from hyperion.ingest.landing import parse_landed_file_name, topic_directories
from hyperion.ingest.reconcile import boxoffice_keys, iter_landed_objects, landed_file_names
from hyperion.reconcile.pipeline import EXPORT_SOURCES
from hyperion.sources.catalog import DEFAULT_DATA_DIR

pytestmark = pytest.mark.integration

PRODUCERS = REPOSITORY_ROOT / "producers"
CONSUMER = REPOSITORY_ROOT / "consumers" / "hdfs_consumer.py"
SPARK_JOBS = REPOSITORY_ROOT / "spark_jobs"
RECONCILE = REPOSITORY_ROOT / "scripts" / "reconcile.py"
REDRIVE = REPOSITORY_ROOT / "scripts" / "redrive_deadletter.py"
BOXOFFICE_ROWS = 6000
BOXOFFICE_SEED = "23"


class Isolated(Isolation):
    """One test's topics and HDFS root, and the scripts run against them."""

    def run(self, script: Path, *arguments: str, timeout: int = 300) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, str(script), *arguments]
        return subprocess.run(command, env=self.environment, capture_output=True, text=True, timeout=timeout)

    def produce(self, kind: str, *arguments: str) -> None:
        completed = self.run(
            PRODUCERS / f"{kind}_producer.py",
            "--no-progress",
            "--landing-root",
            self.landing_root,
            *arguments,
        )
        assert completed.returncode == 0, completed.stderr[-3000:]

    def consume(self) -> None:
        completed = self.run(
            CONSUMER,
            "--until-caught-up",
            "--group",
            f"test-{self.run_id}",
            "--landing-root",
            self.landing_root,
        )
        assert completed.returncode == 0, completed.stderr[-3000:]

    def reconcile(self, *arguments: str) -> tuple[int, dict]:
        url = f"{self.settings.hdfs_url}{self.landing_root}"
        completed = self.run(
            RECONCILE,
            "--json",
            "--landing-root",
            self.landing_root,
            "--processed",
            f"{url}/processed",
            "--rejects",
            f"{url}/rejects/transform",
            *arguments,
        )
        assert completed.stdout, completed.stderr[-3000:]
        return completed.returncode, json.loads(completed.stdout)

    def data_directory(self, role: str) -> str:
        topic = getattr(self.settings, f"topic_{role}")
        return topic_directories(self.landing_root, topic, self.settings.topic_deadletter).data


@pytest.fixture
def isolated(stack: Settings) -> Iterator[Isolated]:
    with isolated_topics("raw") as isolation:
        yield Isolated(**vars(isolation))


def read_json(run: Isolated, path: str) -> dict:
    with run.client.read(path, encoding="utf-8") as reader:
        return json.loads(reader.read())


def hops_by(report: dict, stage: str) -> dict[str, dict]:
    return {hop["subject"].split(" run ")[0]: hop for hop in report["hops"] if hop["stage"] == stage}


def figures(hop: dict) -> tuple[int, int, int, int]:
    return hop["received"], hop["passed"], hop["rejected"], hop["set_aside"]


def data_with_bad_records(directory: Path) -> tuple[Path, str, int]:
    """A copy of data/ with one film and one character entry broken; returns it, the broken film, entries."""
    data = directory / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    catalog_path = data / "complete_movie_list.json"
    catalog = json.loads(catalog_path.read_text())
    broken_film = catalog["films"][-1]
    broken_film["runtime_minutes"] = "a long time"
    catalog_path.write_text(json.dumps(catalog))
    first = sorted((data / "characters").glob("*.json"))[0]
    document = json.loads(first.read_text())
    del document["characters"][0]["name"]
    first.write_text(json.dumps(document))
    return data, broken_film["film_id"], 1


def expected_transform(data: Path, broken_film: str) -> dict[str, tuple[int, int, int, int]]:
    """(in, out, rejected, set aside) of the films and character_appearances hops, from the sources."""
    films = json.loads((data / "complete_movie_list.json").read_text())["films"]
    valid_films = {film["film_id"] for film in films if film["film_id"] != broken_film}
    entries = []
    for path in sorted((data / "characters").glob("*.json")):
        document = json.loads(path.read_text())
        entries += [
            (entry["character_id"], document["film_id"])
            for entry in document["characters"]
            if "name" in entry
        ]
    keys = set(entries)
    resolved = {key for key in keys if key[1] in valid_films}
    return {
        "films": (len(valid_films), len(valid_films), 0, 0),
        "character_appearances": (
            len(entries),
            len(resolved),
            len(keys - resolved),
            len(entries) - len(keys),
        ),
    }


def run_spark_jobs(run: Isolated, exports: Path) -> None:
    """Jobs 01-04 on a local[1] Spark over the test's HDFS root (the same code as scripts/05_transform.py)."""
    url = f"{run.settings.hdfs_url}{run.landing_root}"
    loads = ["--input", f"{url}/raw", "--output", f"{url}/processed", "--rejects", f"{url}/rejects/transform"]
    jobs = [
        ("01_load_films.py", [*loads, "--topic", run.settings.topic_films]),
        ("02_load_characters.py", [*loads, "--topic", run.settings.topic_characters]),
        ("03_load_boxoffice.py", [*loads, "--topic", run.settings.topic_boxoffice]),
        ("04_export_analytics.py", ["--input", f"{url}/processed", "--exports", str(exports)]),
    ]
    for script, arguments in jobs:
        completed = run.run(SPARK_JOBS / script, "--master", "local[1]", *arguments, timeout=400)
        assert completed.returncode == 0, f"{script}: {completed.stderr[-3000:]}"


def test_reconcile_balances_every_hop_and_fails_when_a_landed_file_is_lost(
    isolated: Isolated, tmp_path: Path
):
    run = isolated
    data, broken_film, broken_characters = data_with_bad_records(tmp_path)
    run.produce("films", "--path", str(data))
    run.produce("characters", "--path", str(data))
    run.produce("boxoffice", "--seed", BOXOFFICE_SEED, "--max-rows", str(BOXOFFICE_ROWS))
    run.consume()
    exports = tmp_path / "exports"
    run_spark_jobs(run, exports)

    status, report = run.reconcile("--exports", str(exports))
    assert status == 0 and report["balances"], json.dumps(report, indent=1)[-4000:]
    # Kept with the test's temporary files (pytest keeps the last three runs) for a reader to look at.
    (tmp_path / "reconcile.json").write_text(json.dumps(report, indent=1))

    films_read = len(json.loads((data / "complete_movie_list.json").read_text())["films"])
    characters_read = sum(
        len(json.loads(path.read_text())["characters"]) for path in (data / "characters").glob("*.json")
    )
    settings = run.settings
    source = hops_by(report, "source-to-kafka")
    assert figures(source[settings.topic_films]) == (films_read, films_read - 1, 1, 0)
    assert figures(source[settings.topic_characters]) == (
        characters_read,
        characters_read - broken_characters,
        broken_characters,
        0,
    )
    assert figures(source[settings.topic_boxoffice]) == (BOXOFFICE_ROWS, BOXOFFICE_ROWS, 0, 0)

    landing = hops_by(report, "kafka-to-raw")
    landed_films = list(iter_landed_objects(run.client, run.data_directory("films")))
    landed_characters = list(iter_landed_objects(run.client, run.data_directory("characters")))
    landed_rows = sum(
        boxoffice_keys(iter_landed_objects(run.client, run.data_directory("boxoffice"))).values()
    )
    assert figures(landing[settings.topic_films]) == (films_read - 1, len(landed_films), 0, 0)
    assert figures(landing[settings.topic_characters]) == (characters_read - 1, len(landed_characters), 0, 0)
    assert figures(landing[settings.topic_boxoffice]) == (BOXOFFICE_ROWS, landed_rows, 0, 0)
    assert figures(landing[settings.topic_deadletter]) == (2, 2, 0, 0)

    processed = hops_by(report, "raw-to-processed")
    for table, expected in expected_transform(data, broken_film).items():
        assert figures(processed[table]) == expected, table
    assert figures(processed["box_office_daily"]) == (BOXOFFICE_ROWS, BOXOFFICE_ROWS, 0, 0)

    exported = hops_by(report, "processed-to-export")
    # One hop per export job 04 writes (each mapped to the processed measure it is built from).
    assert set(exported) == set(EXPORT_SOURCES)
    assert all(hop["balances"] for hop in report["hops"] if hop["stage"] == "processed-to-export")
    assert exported["films_complete"]["passed"] == films_read - 1

    # A landed file goes missing: the landing hop and the transform hop both lose its records.
    directory = run.data_directory("films")
    lost = landed_file_names(run.client, directory)[0]
    with run.client.read(f"{directory}/{lost}", encoding="utf-8") as reader:
        lost_records = len(reader.read().splitlines())
    run.client.delete(f"{directory}/{lost}")
    status, report = run.reconcile("--exports", str(exports))
    assert status == 1 and not report["balances"]
    films_landing = hops_by(report, "kafka-to-raw")[settings.topic_films]
    assert not films_landing["balances"] and films_landing["difference"] == lost_records
    partition = parse_landed_file_name(lost)[0]
    assert any(f"partition {partition}:" in problem for problem in films_landing["problems"])
    films_processed = hops_by(report, "raw-to-processed")["films"]
    assert films_processed["difference"] == -lost_records


def test_a_fixed_dead_letter_redriven_twice_lands_exactly_once(isolated: Isolated, tmp_path: Path):
    run = isolated
    good = [
        {
            "film_id": "toy-story",
            "date": "1995-11-22",
            "state": state,
            "theater_id": 0,
            "gross_cents": 100 + index,
        }
        for index, state in enumerate(("CA", "NY", "TX", "WA"))
    ]
    bad = {"film_id": "toy-story", "date": "1995-11-23", "state": "OR", "theater_id": 0, "gross_cents": -5}
    rows = tmp_path / "rows.jsonl"
    rows.write_text("".join(json.dumps(row) + "\n" for row in [*good, bad]))
    run.produce("boxoffice", "--input", str(rows))
    run.consume()

    exported = run.run(REDRIVE, "export", "--select", f"topic={run.settings.topic_boxoffice}")
    assert exported.returncode == 0, exported.stderr[-3000:]
    (line,) = [json.loads(text) for text in exported.stdout.splitlines()]
    assert line["payload"] == bad and "gross_cents" in line["reason"]
    fixed = tmp_path / "fixed.jsonl"
    fixed.write_text(json.dumps({**line, "payload": {**bad, "gross_cents": 500}}) + "\n")

    first = run.run(REDRIVE, "send", "--from-file", str(fixed), "--landing-root", run.landing_root)
    second = run.run(REDRIVE, "send", "--from-file", str(fixed), "--landing-root", run.landing_root)
    assert first.returncode == 0 and second.returncode == 0, first.stderr[-2000:] + second.stderr[-2000:]
    assert " sent=1 " in first.stdout and "already re-driven: nothing sent" in second.stdout
    # A re-drive that crashed before recording itself: the manifest is gone, the record is in the topic.
    runs = f"{run.landing_root}/raw/_runs/{run.settings.topic_boxoffice}"
    redrive_manifests = [
        name for name in run.client.list(runs) if read_json(run, f"{runs}/{name}")["kind"] == "redrive"
    ]
    assert len(redrive_manifests) == 1
    run.client.delete(f"{runs}/{redrive_manifests[0]}")
    third = run.run(REDRIVE, "send", "--from-file", str(fixed), "--landing-root", run.landing_root)
    assert third.returncode == 0, third.stderr[-2000:]
    assert " sent=0 " in third.stdout and "already_sent=1" in third.stdout, third.stdout
    run.consume()

    landed = boxoffice_keys(iter_landed_objects(run.client, run.data_directory("boxoffice")))
    expected = Counter((row["film_id"], row["date"], row["state"], row["theater_id"]) for row in [*good, bad])
    assert landed == expected
    status, report = run.reconcile("--stages", "source-to-kafka", "kafka-to-raw")
    assert status == 0 and report["balances"], json.dumps(report, indent=1)[-3000:]
    redrives = [hop for hop in report["hops"] if " redrive " in hop["subject"]]
    assert [figures(hop) for hop in redrives] == [(1, 1, 0, 0)]
