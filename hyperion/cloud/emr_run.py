"""The EMR proof run's AWS side: upload the plan's objects, run the cluster, always terminate it, fetch logs.

Small boto3 adapters around the pure plan of :mod:`hyperion.cloud.emr`. The guarantee: once a cluster was
created, it is terminated on every path out of :func:`run` (success, failure, timeout, Ctrl-C, SIGTERM),
and a second signal during termination is ignored rather than abandoning the cluster halfway.
Credentials, region and endpoint come from the standard AWS environment (boto3's chain), never from here.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import signal
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError, HTTPClientError

from hyperion.cloud.emr import (
    DEFAULT_RELEASE_LABEL,
    TERMINATED_CLUSTER_STATES,
    RunLocation,
    Upload,
    cluster_configuration,
    cluster_cost,
    format_cluster_cost,
    plan_uploads,
    query_step,
    spark_steps,
    step_log_keys,
    summarize_steps,
)
from hyperion.config import REPOSITORY_ROOT

logger = logging.getLogger(__name__)

BOOTSTRAP_SCRIPT = REPOSITORY_ROOT / "deploy" / "emr" / "bootstrap_python311.sh"


class RunInterruptedError(Exception):
    """Raised from a signal handler so that ``finally`` blocks run (and the cluster terminates)."""


class StepsTimedOutError(Exception):
    """The steps did not finish within --max-wait-minutes."""


def upload_all(s3_client, bucket: str, uploads: list[Upload]) -> None:
    """Put every planned object (upload_file handles large raw files in parts)."""
    for upload in uploads:
        if upload.body is not None:
            s3_client.put_object(Bucket=bucket, Key=upload.key, Body=upload.body)
        else:
            s3_client.upload_file(str(upload.source), bucket, upload.key)
    logger.info("uploaded %d objects to s3://%s", len(uploads), bucket)


def wait_for_steps(
    emr_client,
    cluster_id: str,
    step_ids: list[str],
    names: dict[str, str],
    max_wait_seconds: float,
    poll_seconds: float,
) -> dict[str, str]:
    """Poll the steps, log each state change, and return the final states.

    Raises StepsTimedOutError past ``max_wait_seconds``.
    """
    deadline = time.monotonic() + max_wait_seconds
    last_states: dict[str, str] = {}
    while True:
        states = {
            step_id: emr_client.describe_step(ClusterId=cluster_id, StepId=step_id)["Step"]["Status"]["State"]
            for step_id in step_ids
        }
        for step_id, state in states.items():
            if last_states.get(step_id) != state:
                logger.info("step %s (%s): %s", names[step_id], step_id, state)
        last_states = states
        progress = summarize_steps(step_ids, states)
        if progress.finished:
            return states
        if time.monotonic() >= deadline:
            raise StepsTimedOutError(f"steps still running after {max_wait_seconds:.0f} s: {states}")
        time.sleep(poll_seconds)


def terminate_cluster(emr_client, cluster_id: str, wait_seconds: float, poll_seconds: float) -> str:
    """Terminate the cluster and wait (bounded) until EMR reports it terminated; return its state."""
    logger.info("terminating cluster %s", cluster_id)
    emr_client.terminate_job_flows(JobFlowIds=[cluster_id])
    deadline = time.monotonic() + wait_seconds
    while True:
        state = emr_client.describe_cluster(ClusterId=cluster_id)["Cluster"]["Status"]["State"]
        if state in TERMINATED_CLUSTER_STATES or time.monotonic() >= deadline:
            logger.info("cluster %s is %s", cluster_id, state)
            return state
        time.sleep(poll_seconds)


def fetch_step_logs(
    s3_client,
    location: RunLocation,
    cluster_id: str,
    step_ids: list[str],
    names: dict[str, str],
    log_dir: Path,
) -> list[Path]:
    """Copy each step's logs (decompressed) to log_dir/<cluster>/<step name>.<log>.txt.

    EMR pushes logs to S3 every few minutes and at termination, so a log may be missing; that is
    reported, not fatal.
    """
    written = []
    target_dir = log_dir / cluster_id
    for step_id in step_ids:
        for log_name, key in step_log_keys(location, cluster_id, step_id).items():
            try:
                compressed = s3_client.get_object(Bucket=location.bucket, Key=key)["Body"].read()
            except ClientError as error:
                logger.warning(
                    "no %s log for step %s yet (%s)",
                    log_name,
                    names[step_id],
                    error.response["Error"]["Code"],
                )
                continue
            target_dir.mkdir(parents=True, exist_ok=True)
            path = target_dir / f"{names[step_id]}.{log_name}.txt"
            path.write_bytes(gzip.decompress(compressed))
            written.append(path)
    return written


def raise_interrupted(signal_number: int, _frame: Any) -> None:
    raise RunInterruptedError(signal.Signals(signal_number).name)


def interruption_of(error: BaseException) -> RunInterruptedError | None:
    """The signal's interruption, also when it arrived inside an AWS call.

    botocore wraps whatever its HTTP client raises in HTTPClientError, so a signal during a request reaches
    the run as that, with the interruption kept in ``kwargs["error"]``.
    """
    if isinstance(error, RunInterruptedError):
        return error
    wrapped = error.kwargs.get("error") if isinstance(error, HTTPClientError) else None
    return wrapped if isinstance(wrapped, RunInterruptedError) else None


def run(arguments: argparse.Namespace, location: RunLocation) -> dict[str, Any]:
    """Upload, create, run, and always terminate. Returns the run summary."""
    plan = build_plan(arguments, location)
    s3_client = boto3.client("s3")
    emr_client = boto3.client("emr")
    upload_all(s3_client, location.bucket, plan.uploads)
    configuration, steps = plan.cluster, plan.steps

    summary: dict[str, Any] = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "outcome": "error",
    }
    cluster_id = None
    step_ids: list[str] = []
    names: dict[str, str] = {}
    previous_handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    for number in previous_handlers:
        signal.signal(number, raise_interrupted)
    try:
        cluster_id = emr_client.run_job_flow(**configuration)["JobFlowId"]
        summary["cluster_id"] = cluster_id
        logger.info("created cluster %s", cluster_id)
        step_ids = emr_client.add_job_flow_steps(JobFlowId=cluster_id, Steps=steps)["StepIds"]
        names = {step_id: step["Name"] for step_id, step in zip(step_ids, steps, strict=True)}
        states = wait_for_steps(
            emr_client, cluster_id, step_ids, names, arguments.max_wait_minutes * 60, arguments.poll_seconds
        )
        summary["steps"] = {names[step_id]: state for step_id, state in states.items()}
        summary["outcome"] = "failed" if summarize_steps(step_ids, states).failed_step_ids else "completed"
    except (RunInterruptedError, HTTPClientError) as error:
        interruption = interruption_of(error)
        if interruption is None:
            raise
        summary["outcome"] = f"interrupted by {interruption}"
        logger.error("interrupted by %s", interruption)
    except StepsTimedOutError as timeout:
        summary["outcome"] = "timed out"
        logger.error("%s", timeout)
    finally:
        # A second Ctrl-C must not abandon a running cluster halfway through termination.
        for number in previous_handlers:
            signal.signal(number, signal.SIG_IGN)
        try:
            if cluster_id is not None:
                summary["cluster_final_state"] = terminate_cluster(
                    emr_client, cluster_id, arguments.termination_wait_minutes * 60, arguments.poll_seconds
                )
        finally:
            for number, handler in previous_handlers.items():
                signal.signal(number, handler)
    if cluster_id is not None and step_ids:
        logs = fetch_step_logs(s3_client, location, cluster_id, step_ids, names, arguments.log_dir)
        summary["logs"] = [str(path) for path in logs]
    summary["finished_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return summary


@dataclass(frozen=True)
class ProofPlan:
    """What one run does: the uploads, the RunJobFlow arguments, the steps (the Spark jobs, the queries)."""

    uploads: list[Upload]
    cluster: dict[str, Any]
    steps: list[dict[str, Any]]


def build_plan(arguments: argparse.Namespace, location: RunLocation) -> ProofPlan:
    """The run's plan from the entrypoint's arguments (no AWS call)."""
    uploads, query_names = plan_uploads(
        location, arguments.repository_root, arguments.raw_dir, BOOTSTRAP_SCRIPT
    )
    configuration = cluster_configuration(
        location,
        name=arguments.cluster_name,
        release_label=arguments.release_label,
        idle_timeout_seconds=arguments.idle_timeout_minutes * 60,
        subnet_id=arguments.subnet_id,
        key_name=arguments.key_name,
    )
    return ProofPlan(uploads, configuration, spark_steps(location) + [query_step(location, query_names)])


def dry_run_plan(arguments: argparse.Namespace, location: RunLocation) -> dict[str, Any]:
    """The whole plan, computed without any AWS call."""
    plan = build_plan(arguments, location)
    worst_case_hours = (arguments.max_wait_minutes + arguments.termination_wait_minutes) / 60
    return {
        "uploads": [f"s3://{location.bucket}/{upload.key}" for upload in plan.uploads],
        "cluster": plan.cluster,
        "steps": plan.steps,
        "cost_expected": format_cluster_cost(cluster_cost(arguments.expected_hours)),
        "cost_worst_case": format_cluster_cost(cluster_cost(worst_case_hours)),
    }


def argument_parser(description: str) -> argparse.ArgumentParser:
    """The proof run's options (deploy/emr/run_proof.py); the rehearsal parses the same ones."""
    parser = argparse.ArgumentParser(description=description.split("\n\n")[0])
    parser.add_argument("--bucket", required=True, help="existing bucket for code, data and logs")
    parser.add_argument(
        "--prefix", help="key prefix of this run (default: hyperion-emr-proof/<UTC timestamp>)"
    )
    parser.add_argument(
        "--raw-dir", type=Path, required=True, help="raw data: raw-films/, raw-characters/, ..."
    )
    parser.add_argument("--repository-root", type=Path, default=REPOSITORY_ROOT, help=argparse.SUPPRESS)
    parser.add_argument("--cluster-name", default="hyperion-emr-proof")
    parser.add_argument("--release-label", default=DEFAULT_RELEASE_LABEL)
    parser.add_argument(
        "--idle-timeout-minutes", type=int, default=30, help="EMR auto-termination idle timeout"
    )
    parser.add_argument("--max-wait-minutes", type=float, default=120, help="give up on the steps after this")
    parser.add_argument(
        "--termination-wait-minutes", type=float, default=20, help="wait for TERMINATED this long"
    )
    parser.add_argument("--poll-seconds", type=float, default=30)
    parser.add_argument("--subnet-id", help="EC2 subnet (default: the default VPC)")
    parser.add_argument("--key-name", help="EC2 key pair, to reach the Spark UI through an SSH tunnel")
    parser.add_argument("--log-dir", type=Path, default=REPOSITORY_ROOT / "docs" / "emr_proof")
    parser.add_argument("--expected-hours", type=float, default=1.5, help="run length for the cost estimate")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and the cost; call no AWS API")
    return parser


def default_prefix() -> str:
    """``hyperion-emr-proof/<UTC timestamp>``: one folder per run."""
    return f"hyperion-emr-proof/{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}"
