"""Where a job's time goes: the Spark stages and tasks it ran, and the executors' peak memory.

Each job body runs under a Spark job group (``SparkContext.setJobGroup``); afterwards the status tracker
(the same store the web UI reads, kept even with the UI off) lists the group's jobs and their stages. A
stage that Spark skipped (its shuffle output was reused) ran no task and is not counted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from pyspark.sql import SparkSession

logger = logging.getLogger(__name__)


@dataclass
class StageCounts:
    """The stages that ran tasks, and those tasks, of one job group."""

    stages: int = 0
    tasks: int = 0


def group_stages(spark: SparkSession, group: str) -> StageCounts:
    """The stages and tasks run so far by the Spark jobs of ``group``."""
    tracker = spark.sparkContext.statusTracker()
    counts = StageCounts()
    stage_ids: set[int] = set()
    for job_id in tracker.getJobIdsForGroup(group):
        info = tracker.getJobInfo(job_id)
        if info is not None:
            stage_ids.update(info.stageIds)
    for stage_id in sorted(stage_ids):
        stage = tracker.getStageInfo(stage_id)
        if stage is not None and stage.numCompletedTasks > 0:
            counts.stages += 1
            counts.tasks += stage.numCompletedTasks
    return counts


@contextmanager
def job_group(spark: SparkSession, group: str) -> Iterator[StageCounts]:
    """Run the block's Spark jobs under ``group``; the yielded counts are filled in when it ends."""
    context = spark.sparkContext
    context.setJobGroup(group, group)
    counts = StageCounts()
    try:
        yield counts
    finally:
        measured = group_stages(spark, group)
        counts.stages, counts.tasks = measured.stages, measured.tasks
        context.setLocalProperty("spark.jobGroup.id", None)  # type: ignore[arg-type]


def peak_executor_memory(spark: SparkSession) -> int | None:
    """The largest peak JVM heap (bytes) any executor reported so far, or None when none was reported.

    Read from the driver's status store (what the UI's executors page shows, ``peakMemoryMetrics``); the
    executors report it with their heartbeats and at each task's end. None too before the first report.
    """
    try:
        store = spark.sparkContext._jsc.sc().statusStore()
        executors = store.executorList(False)
        peaks = []
        for index in range(executors.size()):
            executor = executors.apply(index)
            metrics = executor.peakMemoryMetrics()
            if executor.id() != "driver" and metrics.isDefined():
                peaks.append(int(metrics.get().getMetricValue("JVMHeapMemory")))
        if not peaks:  # local mode: the driver is the executor
            for index in range(executors.size()):
                metrics = executors.apply(index).peakMemoryMetrics()
                if metrics.isDefined():
                    peaks.append(int(metrics.get().getMetricValue("JVMHeapMemory")))
        # Zero means no heartbeat has carried a measure yet (the first comes after 10 s), not an empty heap.
        return max(peaks) if peaks and max(peaks) > 0 else None
    except Exception as error:  # a Spark without this internal API: report nothing rather than fail the job
        logger.warning("peak executor memory unavailable: %s", error)
        return None
