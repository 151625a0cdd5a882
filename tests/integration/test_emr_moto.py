"""The EMR proof run (hyperion.cloud.emr_run, deploy/emr/run_proof.py) against moto's EMR and S3 server.

moto 5.1.11 accepts RunJobFlow's AutoTerminationPolicy but neither stores nor returns it (the
policy is checked on the generated configuration in tests/unit/test_deploy_plan.py), and its steps
never leave PENDING/RUNNING: the runs here therefore end by timeout or by a signal, which is
exactly the path that must still terminate the cluster.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from botocore.exceptions import ClientError

from hyperion.cloud import emr_run
from hyperion.cloud.emr import RunLocation

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
SCRIPT = REPOSITORY_ROOT / "deploy" / "emr" / "run_proof.py"
BUCKET = "hyperion-emr-test"
PREFIX = "hyperion-emr-proof/run-1"
JOB_SCRIPTS = ["01_load_films.py", "02_load_characters.py", "03_load_boxoffice.py", "04_export_analytics.py"]


@pytest.fixture
def aws_environment(aws_environment: dict[str, str]) -> dict[str, str]:
    """The shared moto environment, with this test's bucket."""
    boto3.client("s3").create_bucket(Bucket=BUCKET)
    return dict(os.environ)


@pytest.fixture
def repository(tmp_path) -> Path:
    """A stand-in checkout: four job files, two queries and a tiny hyperion package."""
    root = tmp_path / "repository"
    (root / "spark_jobs").mkdir(parents=True)
    for name in JOB_SCRIPTS:
        (root / "spark_jobs" / name).write_text(f'"""{name}"""\n')
    (root / "queries").mkdir()
    (root / "queries" / "02_top_films.sql").write_text("select 2;\n")
    (root / "queries" / "01_films_per_studio.sql").write_text("select 1;\n")
    (root / "hyperion").mkdir()
    (root / "hyperion" / "__init__.py").write_text('"""package"""\n')
    (root / "hyperion" / "transforms.py").write_text("VALUE = 1\n")
    return root


@pytest.fixture
def raw_dir(tmp_path) -> Path:
    root = tmp_path / "raw"
    for topic in ("raw-films", "raw-characters", "raw-boxoffice"):
        (root / topic).mkdir(parents=True)
        (root / topic / "part-0-0-1.jsonl").write_text('{"film_id": "toy-story"}\n{"film_id": "wall-e"}\n')
    return root


def proof_arguments(repository: Path, raw_dir: Path, log_dir: Path, *extra: str) -> list[str]:
    return [
        "--bucket",
        BUCKET,
        "--prefix",
        PREFIX,
        "--raw-dir",
        str(raw_dir),
        "--repository-root",
        str(repository),
        "--log-dir",
        str(log_dir),
        *extra,
    ]


def run_arguments(*arguments: str):
    return emr_run.argument_parser("test").parse_args(list(arguments))


def test_run_creates_the_cluster_and_steps_then_terminates_when_steps_time_out(
    aws_environment, repository, raw_dir, tmp_path
):
    summary = emr_run.run(
        run_arguments(
            *proof_arguments(
                repository, raw_dir, tmp_path / "logs", "--max-wait-minutes", "0", "--poll-seconds", "0"
            )
        ),
        RunLocation(BUCKET, PREFIX),
    )

    assert summary["outcome"] == "timed out"
    assert summary["cluster_final_state"] == "TERMINATED"
    emr = boto3.client("emr")
    cluster = emr.describe_cluster(ClusterId=summary["cluster_id"])["Cluster"]
    assert cluster["Status"]["State"] == "TERMINATED"
    assert cluster["ReleaseLabel"].startswith("emr-7.")
    assert cluster["LogUri"] == f"s3://{BUCKET}/{PREFIX}/logs/"
    assert {application["Name"] for application in cluster["Applications"]} >= {"Spark", "Trino"}
    groups = emr.list_instance_groups(ClusterId=summary["cluster_id"])["InstanceGroups"]
    assert sorted(
        (group["InstanceGroupType"], group["InstanceType"], group["RequestedInstanceCount"])
        for group in groups
    ) == [("CORE", "m5.xlarge", 2), ("MASTER", "m5.xlarge", 1)]

    steps = list(reversed(emr.list_steps(ClusterId=summary["cluster_id"])["Steps"]))
    assert [step["Name"] for step in steps] == [name.removesuffix(".py") for name in JOB_SCRIPTS] + [
        "sample_queries"
    ]
    run_uri = f"s3://{BUCKET}/{PREFIX}/"
    # What EMR stored is what the job's parser gets: the raw topic folder that was uploaded, and --exports.
    expected_io = [
        ("--topic", "raw/raw-films", "--output", "processed"),
        ("--topic", "raw/raw-characters", "--output", "processed"),
        ("--topic", "raw/raw-boxoffice", "--output", "processed"),
        (None, "processed", "--exports", "exports"),
    ]
    for step, script, (topic_flag, input_folder, output_flag, output_folder) in zip(
        steps[:4], JOB_SCRIPTS, expected_io, strict=True
    ):
        arguments = step["Config"]["Args"]
        assert arguments[0] == "spark-submit"
        assert arguments[arguments.index("--py-files") + 1] == run_uri + "code/hyperion.zip"
        assert run_uri + f"code/spark_jobs/{script}" in arguments
        read = arguments[arguments.index("--input") + 1]
        if topic_flag:
            read += "/" + arguments[arguments.index(topic_flag) + 1]
        assert read == run_uri + input_folder
        assert arguments[arguments.index(output_flag) + 1] == run_uri + output_folder
        assert step["ActionOnFailure"] == "CANCEL_AND_WAIT"
    query_script = steps[4]["Config"]["Args"][-1]
    assert query_script.index("01_films_per_studio.sql") < query_script.index("02_top_films.sql")
    assert f"{run_uri}code/queries/" in query_script

    keys = {item["Key"] for item in boto3.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert {f"{PREFIX}/code/spark_jobs/{name}" for name in JOB_SCRIPTS} <= keys
    assert {f"{PREFIX}/code/hyperion.zip", f"{PREFIX}/code/bootstrap_python311.sh"} <= keys
    assert f"{PREFIX}/raw/raw-boxoffice/part-0-0-1.jsonl" in keys


def test_step_logs_are_fetched_into_the_log_folder(aws_environment, repository, raw_dir, tmp_path, capsys):
    """Logs EMR would have pushed are copied, decompressed, under log_dir/<cluster>/."""
    import gzip

    emr = boto3.client("emr")
    s3 = boto3.client("s3")
    location = RunLocation(BUCKET, PREFIX)
    cluster_id = emr.run_job_flow(
        Name="logs",
        ReleaseLabel="emr-7.9.0",
        Instances={
            "MasterInstanceType": "m5.xlarge",
            "InstanceCount": 1,
            "KeepJobFlowAliveWhenNoSteps": True,
        },
        JobFlowRole="EMR_EC2_DefaultRole",
        ServiceRole="EMR_DefaultRole",
    )["JobFlowId"]
    step_id = "s-EXAMPLE"
    s3.put_object(
        Bucket=BUCKET,
        Key=f"{PREFIX}/logs/{cluster_id}/steps/{step_id}/stdout.gz",
        Body=gzip.compress(b"film_id,title\ntoy-story,Toy Story\n"),
    )

    written = emr_run.fetch_step_logs(
        s3, location, cluster_id, [step_id], {step_id: "sample_queries"}, tmp_path
    )

    assert written == [tmp_path / cluster_id / "sample_queries.stdout.txt"]
    assert written[0].read_text() == "film_id,title\ntoy-story,Toy Story\n"


def test_interrupt_while_waiting_still_terminates_the_cluster(aws_environment, repository, raw_dir, tmp_path):
    process = subprocess.Popen(
        [
            sys.executable,
            str(SCRIPT),
            *proof_arguments(repository, raw_dir, tmp_path / "logs", "--poll-seconds", "0.2"),
        ],
        env=aws_environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    emr = boto3.client("emr")
    deadline = time.monotonic() + 60
    cluster_id = None
    while time.monotonic() < deadline and cluster_id is None:
        clusters = emr.list_clusters()["Clusters"]
        if clusters and emr.list_steps(ClusterId=clusters[0]["Id"])["Steps"]:
            cluster_id = clusters[0]["Id"]
        else:
            time.sleep(0.2)
    assert cluster_id is not None, "the script never created its cluster and steps"
    time.sleep(0.5)

    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)

    assert process.returncode == 1, stderr
    summary = json.loads(stdout)
    assert summary["outcome"] == "interrupted by SIGINT"
    assert emr.describe_cluster(ClusterId=cluster_id)["Cluster"]["Status"]["State"] == "TERMINATED"


def test_dry_run_prints_plan_and_cost_without_calling_aws(repository, raw_dir, tmp_path):
    # Nothing listens on port 9: any AWS call would fail the run.
    completed = subprocess.run(
        [sys.executable, str(SCRIPT), *proof_arguments(repository, raw_dir, tmp_path / "logs", "--dry-run")],
        env={**os.environ, "AWS_ENDPOINT_URL": "http://127.0.0.1:9"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert completed.returncode == 0, completed.stderr
    plan = json.loads(completed.stdout)
    assert plan["cluster"]["Instances"]["InstanceGroups"][1]["InstanceCount"] == 2
    assert len(plan["steps"]) == 5
    assert f"s3://{BUCKET}/{PREFIX}/raw/raw-films/part-0-0-1.jsonl" in plan["uploads"]
    # 3 instances x 1.5 h x ($0.192 EC2 + $0.048 EMR) = $1.08, plus 3 x 64 GiB x $0.10 x 1.5/730 of EBS.
    expected_total = 3 * 1.5 * (0.192 + 0.048) + 3 * 64 * 0.10 * 1.5 / 730
    assert plan["cost_expected"].endswith(f"total ${expected_total:.2f}")
    assert not (tmp_path / "logs").exists()


# --- the least-privilege policy, enforced by moto's IAM -------------------------------------------------

POLICY_FILE = REPOSITORY_ROOT / "deploy" / "emr" / "iam_policy_proof.json"


def policy_for_moto(drop_action: str | None = None) -> str:
    """deploy/emr/iam_policy_proof.json for this test's bucket, as moto's IAM can evaluate it.

    The S3 statement is kept verbatim: moto checks it against each object's ARN, so the bucket and prefix
    scoping is enforced. moto authorizes EMR calls against the resource "*" and without request tags, so
    the EMR statements lose their cluster ARN and tag condition here (both are checked against the plan in
    tests/unit/test_cloud_emr.py); their actions are enforced.
    """
    policy = json.loads(POLICY_FILE.read_text().replace("HYPERION_PROOF_BUCKET", BUCKET))
    for statement in policy["Statement"]:
        actions = [statement["Action"]] if isinstance(statement["Action"], str) else statement["Action"]
        statement["Action"] = [action for action in actions if action != drop_action]
        if any(action.startswith("elasticmapreduce:") for action in actions):
            statement["Resource"] = "*"
            statement.pop("Condition", None)
    return json.dumps(policy)


@pytest.fixture
def enforced_policy(aws_environment, moto_endpoint, monkeypatch):
    """Give the run an IAM user holding only the policy, and make moto enforce IAM from here on."""

    def apply(drop_action: str | None = None) -> None:
        iam = boto3.client("iam")
        iam.create_user(UserName="proof-runner")
        arn = iam.create_policy(PolicyName="proof", PolicyDocument=policy_for_moto(drop_action))["Policy"][
            "Arn"
        ]
        iam.attach_user_policy(UserName="proof-runner", PolicyArn=arn)
        key = iam.create_access_key(UserName="proof-runner")["AccessKey"]
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
        # boto3's default session caches the credentials it resolved first.
        monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
        set_moto_authentication(moto_endpoint, "0")

    yield apply
    set_moto_authentication(moto_endpoint, "inf")


def set_moto_authentication(endpoint: str, unauthenticated_requests: str) -> None:
    request = urllib.request.Request(
        f"{endpoint}/moto-api/reset-auth",
        data=unauthenticated_requests.encode(),
        method="POST",
        # Not form data: moto reads the raw body as the count.
        headers={"Content-Type": "text/plain"},
    )
    urllib.request.urlopen(request).close()


def test_the_proof_run_needs_no_action_outside_its_policy(enforced_policy, repository, raw_dir, tmp_path):
    enforced_policy()
    summary = emr_run.run(
        run_arguments(
            *proof_arguments(
                repository, raw_dir, tmp_path / "logs", "--max-wait-minutes", "0", "--poll-seconds", "0"
            )
        ),
        RunLocation(BUCKET, PREFIX),
    )

    assert summary["outcome"] == "timed out"
    assert summary["cluster_final_state"] == "TERMINATED"


def test_moto_enforces_the_policy_a_missing_action_is_denied(enforced_policy, repository, raw_dir, tmp_path):
    """Without TerminateJobFlows the run cannot terminate its cluster: AccessDenied, not a silent pass."""
    enforced_policy(drop_action="elasticmapreduce:TerminateJobFlows")
    with pytest.raises(ClientError) as error:
        emr_run.run(
            run_arguments(
                *proof_arguments(
                    repository, raw_dir, tmp_path / "logs", "--max-wait-minutes", "0", "--poll-seconds", "0"
                )
            ),
            RunLocation(BUCKET, PREFIX),
        )
    # moto answers EMR's JSON protocol with a bare 403, so botocore names the error by its status.
    assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert error.value.operation_name == "TerminateJobFlows"


def test_an_upload_outside_the_policys_prefix_is_denied(enforced_policy):
    enforced_policy()
    with pytest.raises(ClientError) as error:
        boto3.client("s3").put_object(Bucket=BUCKET, Key="elsewhere/object", Body=b"x")
    assert error.value.response["Error"]["Code"] == "AccessDenied"
