"""One pipeline definition: every rendered command line (local, EMR, Compose) parses with its job's parser.

The jobs' arguments were once written out three times (the local spark-submit, the EMR steps and the
Compose commands in the docs) and drifted apart: EMR passed a topic folder where the job adds the topic
again, and ``--output`` where job 04 needs ``--exports``. Here each rendering goes through the job's own
argparse parser (hyperion.transform.jobs), and the parsed values must point at the run's locations.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from hyperion import pipeline
from hyperion.cloud import emr
from hyperion.pipeline import JOBS, Locations, join_location
from hyperion.runtime.spark_submit import (
    SubmitOptions,
    local_mode_target,
    package_archive_bytes,
    parse_report,
    pipeline_command,
    submit_target,
)
from hyperion.transform import driver, jobs

LOCAL = Locations(
    raw="hdfs://localhost:8020/raw",
    processed="hdfs://localhost:8020/processed",
    rejects="hdfs://localhost:8020/rejects/transform",
    exports="/tmp/exports",
)
EMR_LOCATION = emr.RunLocation("proof-bucket", "runs/1")


def job_arguments(job: pipeline.Job, command: list[str]) -> list[str]:
    """What follows the job's script in a rendered command line (the script must appear exactly once)."""
    positions = [index for index, argument in enumerate(command) if argument.endswith("/" + job.script)]
    assert len(positions) == 1, command
    return command[positions[0] + 1 :]


def renderings() -> list[tuple[str, pipeline.Job, list[str], Locations]]:
    local_options = SubmitOptions(master="spark://localhost:7077", py_files=Path("/tmp/hyperion.zip"))
    rendered = [("local", job, pipeline_command(job, LOCAL, local_options), LOCAL) for job in JOBS]
    rendered += [
        ("emr", job, step["HadoopJarStep"]["Args"], EMR_LOCATION.locations)
        for job, step in zip(JOBS, emr.spark_steps(EMR_LOCATION), strict=True)
    ]
    rendered += [
        ("docker", job, command, pipeline.DOCKER_LOCATIONS)
        for job, command in zip(JOBS, pipeline.docker_compose_commands(), strict=True)
    ]
    return rendered


@pytest.mark.parametrize(
    ("runtime", "job", "command", "locations"),
    renderings(),
    ids=[f"{runtime}-{job.key}" for runtime, job, _, _ in renderings()],
)
def test_every_rendered_command_parses_with_the_jobs_own_parser(runtime, job, command, locations):
    parsed = jobs.job_parser(job.name).parse_args(job_arguments(job, command))

    if job.topic is not None:
        assert join_location(parsed.input, parsed.topic) == join_location(locations.raw, job.topic)
        assert parsed.output == locations.processed
        assert parsed.rejects == locations.rejects
    else:
        assert parsed.input == locations.processed
        assert parsed.exports == locations.exports


def test_an_argument_the_job_does_not_know_is_refused():
    """The check above can fail: the old EMR export step (--output) exits with argparse's code 2."""
    with pytest.raises(SystemExit) as exit_info:
        jobs.job_parser("04_export_analytics").parse_args(
            ["--input", "s3://b/processed", "--output", "s3://b/x"]
        )
    assert exit_info.value.code == 2


def test_every_job_has_a_parser_and_a_script():
    assert [job.name for job in JOBS] == list(jobs.JOB_PARSERS)
    for job in JOBS:
        assert (Path(pipeline.__file__).parents[1] / "spark_jobs" / job.script).is_file()


def test_each_job_reads_only_what_an_earlier_job_wrote_or_the_raw_landing():
    written = {("raw", job.topic) for job in JOBS if job.topic}
    for job in JOBS:
        assert set(job.reads) <= written, job.name
        written |= set(job.writes)


def test_locations_under_one_root():
    locations = Locations.under("s3://bucket/run/")
    assert locations == Locations(
        "s3://bucket/run/raw",
        "s3://bucket/run/processed",
        "s3://bucket/run/rejects/transform",
        "s3://bucket/run/exports",
    )
    assert JOBS[1].input_paths(locations) == [
        "s3://bucket/run/raw/raw-characters",
        "s3://bucket/run/processed/films",
    ]


def test_select_jobs_keeps_pipeline_order_and_refuses_unknown_keys():
    assert [job.key for job in pipeline.select_jobs(["04", "01"])] == ["01", "04"]
    with pytest.raises(ValueError, match="05"):
        pipeline.select_jobs(["05"])


def test_package_archive_is_deterministic_and_holds_only_sources(tmp_path):
    package = tmp_path / "hyperion"
    (package / "__pycache__").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "deploy.py").write_text("X = 1\n")
    (package / "__pycache__" / "deploy.cpython-311.pyc").write_bytes(b"\x00")
    first = package_archive_bytes(package)
    assert first == package_archive_bytes(package)
    assert zipfile.ZipFile(io.BytesIO(first)).namelist() == ["hyperion/__init__.py", "hyperion/deploy.py"]


def test_local_spark_submit_carries_hadoop_envs_hdfs_client_settings() -> None:
    """Spark's HDFS client gets hadoop.env's 50 ms close back-off, not its 400 ms default (about 0.2 s per
    written file): on the cluster and in the local mode that runs Spark 3.5."""
    options = SubmitOptions(master="spark://localhost:7077", py_files=Path("/tmp/hyperion.zip"))
    local_mode = local_mode_target(Path("/spark-3.5"), "/usr/bin/python3", Path("/tmp/hyperion.zip"))
    for command in (submit_target(options).command, local_mode.command):
        assert "spark.hadoop.dfs.client.block.write.locateFollowingBlock.initial.delay.ms=50" in command
        assert command[command.index("spark.hadoop.dfs.client.use.datanode.hostname=true") - 1] == "--conf"


# --- the one-application driver (make transform) -------------------------------------------------------


def driver_renderings() -> list[tuple[str, list[str], Locations]]:
    local_options = SubmitOptions(master="spark://localhost:7077", py_files=Path("/tmp/hyperion.zip"))
    local = pipeline.driver_submit_arguments(LOCAL, submit_target(local_options))
    return [
        ("local", local, LOCAL),
        ("docker", pipeline.docker_compose_driver_command(), pipeline.DOCKER_LOCATIONS),
    ]


@pytest.mark.parametrize(("runtime", "command", "locations"), driver_renderings(), ids=["local", "docker"])
def test_the_driver_gives_each_job_what_its_own_submit_gives(runtime, command, locations):
    """The driver's rendered command parses, and the argument list it then gives each job is the one the
    job's own spark-submit gets on the same runtime: a job run in the shared session is the job run alone."""
    position = command.index(next(argument for argument in command if argument.endswith("/transform_all.py")))
    parsed = driver.driver_parser().parse_args(command[position + 1 :])
    assert parsed.jobs == [job.key for job in JOBS]
    rebuilt = Locations(parsed.raw, parsed.processed, parsed.rejects, parsed.exports)
    assert rebuilt == locations
    assert driver.job_argument_lists(rebuilt, parsed.jobs) == [
        (job.name, job.arguments(locations)) for job in JOBS
    ]


def test_the_driver_runs_a_selection_in_pipeline_order():
    arguments = pipeline.driver_arguments(LOCAL, ["04", "01"])
    parsed = driver.driver_parser().parse_args(arguments)
    assert [name for name, _ in driver.job_argument_lists(LOCAL, parsed.jobs)] == [
        "01_load_films",
        "04_export_analytics",
    ]
    with pytest.raises(ValueError, match="07"):
        pipeline.driver_arguments(LOCAL, ["07"])


def test_the_transform_report_reads_each_jobs_summary_and_the_drivers_figures():
    log = "\n".join(
        [
            "26/11/27 18:00:01 INFO SparkContext: Running Spark version 4.0.1",
            "2026-11-27 18:00:09,001 INFO spark_jobs.01_load_films: 01_load_films: rows_in=196 rows_out=230 "
            "(studios=20, franchises=15, films=195) rejects=1 stages=9 tasks=21 seconds=4.5",
            "2026-11-27 18:00:20,001 INFO spark_jobs.03_load_boxoffice: 03_load_boxoffice: rows_in=510153 "
            "rows_out=9 (box_office_daily=5) rejects=0 stages=14 tasks=80 seconds=11.0",
            "2026-11-27 18:00:21,001 INFO spark_jobs.transform_all: transform_all: jobs=2 startup=6.0 "
            "work=15.5 peak_executor_heap_bytes=unknown",
        ]
    )
    report = parse_report(log, wall_seconds=25.0)
    assert [job.name for job in report.jobs] == ["01_load_films", "03_load_boxoffice"]
    assert (report.jobs[1].figures["stages"], report.jobs[1].figures["tasks"]) == (14, 80)
    assert report.work_seconds == 15.5
    assert report.startup_seconds == 9.5
    assert report.driver == {"jobs": 2, "startup": 6.0, "work": 15.5}
