"""Per-job stage and task counts (hyperion.transform.stages) on a real local Spark session.

The counts in every job's summary line and in `make bench-transform` come from the status tracker, per job
group: a job's count must include its own stages and no other group's, and a block that runs no Spark job
must count zero.
"""

from __future__ import annotations

import pytest
from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from hyperion.transform.jobs import JobSummary, build_session
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
    peak = peak_executor_memory(spark)
    assert peak is not None and peak > 0
