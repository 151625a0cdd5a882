"""Per-job stage and task counts (hyperion.transform.stages) on a real local Spark session.

The counts in every job's summary line and in `make bench-transform` come from the status tracker, per job
group: a job's count must include its own stages and no other group's, and a block that runs no Spark job
must count zero.
"""

from __future__ import annotations

import time

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from hyperion.transform.jobs import JobSummary, build_session, run_concurrently
from hyperion.transform.stages import group_stages, job_group, peak_executor_memory


@pytest.fixture(scope="module")
def spark() -> SparkSession:
    return build_session("hyperion-unit-stages", "local[1]")


def test_a_shuffle_counts_its_map_and_reduce_stages_and_every_task(spark):
    with job_group(spark, "with-shuffle") as counts:
        rows = spark.range(0, 1000, numPartitions=3).groupBy((F.col("id") % 7).alias("k")).count().collect()
    assert len(rows) == 7
    # The 3-partition scan is one stage of 3 tasks; the aggregation after the shuffle at least one more.
    assert counts.stages >= 2
    assert counts.tasks >= 3 + 1


def test_a_group_counts_only_its_own_stages(spark):
    with job_group(spark, "first"):
        spark.range(0, 100, numPartitions=2).count()
    with job_group(spark, "nothing-runs") as counts:
        spark.range(0, 100).where("id > 5")  # lazy: no Spark job
    assert (counts.stages, counts.tasks) == (0, 0)
    first = group_stages(spark, "first")
    assert first.stages >= 1 and first.tasks >= 2
    # After the block, the thread's jobs belong to no group, so "first" does not grow.
    spark.range(0, 100, numPartitions=2).count()
    assert group_stages(spark, "first") == first


def test_the_summary_line_carries_stages_and_tasks():
    summary = JobSummary("03_load_boxoffice", rows_in=10, rows_out={"box_office_daily": 9}, rejects=1)
    assert "stages=" not in summary.line()
    summary.stages, summary.tasks = 12, 40
    assert "rejects=1 stages=12 tasks=40 seconds=" in summary.line()


def test_peak_executor_memory_is_reported_in_local_mode(spark):
    spark.range(0, 10_000, numPartitions=2).selectExpr("sum(id)").collect()
    # The measure arrives with a heartbeat (every 10 s), so a young session may not have one yet.
    deadline = time.monotonic() + 30
    peak = peak_executor_memory(spark)
    while peak is None and time.monotonic() < deadline:
        time.sleep(1)
        peak = peak_executor_memory(spark)
    assert peak is not None and peak > 0


def test_concurrent_actions_return_in_order_and_count_in_the_callers_group(spark):
    """Actions run from driver threads keep their results' order and stay in the job's group."""
    actions = [lambda size=size: spark.range(0, size, numPartitions=2).count() for size in (30, 10, 20)]
    with job_group(spark, "sequential") as sequential:
        assert [action() for action in actions] == [30, 10, 20]
    with job_group(spark, "concurrent") as concurrent:
        results = run_concurrently(actions, workers=3)
    assert results == [30, 10, 20]
    # Every stage the threads ran is counted in the caller's group, none lost to a thread of no group.
    assert sequential.stages >= 3
    assert (concurrent.stages, concurrent.tasks) == (sequential.stages, sequential.tasks)


def test_a_failing_concurrent_action_is_raised_after_the_others_end(spark):
    ended = []

    def fails() -> int:
        raise ValueError("write of table x failed")

    def slow() -> int:
        count = spark.range(0, 1000, numPartitions=2).count()
        ended.append(count)
        return count

    with pytest.raises(ValueError, match="table x"):
        run_concurrently([fails, slow], workers=2)
    assert ended == [1000]
