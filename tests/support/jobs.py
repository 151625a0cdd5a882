"""The pipeline's jobs as the integration tests drive them: each job's script and its arguments for a run.

Rendered from :mod:`hyperion.pipeline` (the one definition of every job's invocation), so a test that runs
a single job, or kills it part-way, passes exactly what the local submit, the EMR steps and Compose pass.
"""

from __future__ import annotations

from pathlib import Path

from hyperion.pipeline import JOBS, Locations
from hyperion.runtime.spark_submit import SPARK_JOBS_DIRECTORY
from hyperion.transform.jobs import default_rejects_root

JOB_SCRIPTS: dict[str, Path] = {job.key: SPARK_JOBS_DIRECTORY / job.script for job in JOBS}


def pipeline_arguments(
    raw_root: str, processed_root: str, exports_directory: Path, rejects_root: str | None = None
) -> dict[str, list[str]]:
    """Each job's arguments (by key, ``"01"`` to ``"04"``) for one run over the given locations."""
    locations = Locations(
        raw=raw_root,
        processed=processed_root,
        rejects=rejects_root or default_rejects_root(processed_root),
        exports=str(exports_directory),
    )
    return {job.key: job.arguments(locations) for job in JOBS}
