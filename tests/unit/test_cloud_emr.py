"""The EMR proof run's pure plan (hyperion.cloud.emr): cluster, steps, uploads, cost, step states."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import botocore.session
import pytest

from hyperion.cloud import emr
from hyperion.config import REPOSITORY_ROOT
from hyperion.pipeline import join_location
from hyperion.transform.trino_sql import split_statements

LOCATION = emr.RunLocation("proof-bucket", "/hyperion-emr-proof/run-1/")
RUN_URI = "s3://proof-bucket/hyperion-emr-proof/run-1/"


def test_cluster_configuration():
    config = emr.cluster_configuration(LOCATION, name="proof", idle_timeout_seconds=900, subnet_id="subnet-1")
    groups = {group["InstanceRole"]: group for group in config["Instances"]["InstanceGroups"]}
    assert (groups["MASTER"]["InstanceType"], groups["MASTER"]["InstanceCount"]) == ("m5.xlarge", 1)
    assert (groups["CORE"]["InstanceType"], groups["CORE"]["InstanceCount"]) == ("m5.xlarge", 2)
    assert {"Spark", "Trino"} <= {application["Name"] for application in config["Applications"]}
    assert config["ReleaseLabel"].startswith("emr-7.")
    assert config["LogUri"] == RUN_URI + "logs/"
    assert config["AutoTerminationPolicy"] == {"IdleTimeout": 900}
    assert config["Instances"]["TerminationProtected"] is False
    assert config["Instances"]["Ec2SubnetId"] == "subnet-1"
    assert (config["ServiceRole"], config["JobFlowRole"]) == ("EMR_DefaultRole", "EMR_EC2_DefaultRole")
    bootstrap_path = config["BootstrapActions"][0]["ScriptBootstrapAction"]["Path"]
    assert bootstrap_path == RUN_URI + "code/bootstrap_python311.sh"


def test_idle_timeout_bounds():
    with pytest.raises(ValueError):
        emr.cluster_configuration(LOCATION, name="proof", idle_timeout_seconds=30)


def arguments_of(step: dict) -> list[str]:
    return step["HadoopJarStep"]["Args"]


def value(arguments: list[str], flag: str) -> str:
    return arguments[arguments.index(flag) + 1]


def test_load_steps_read_the_uploaded_topic_folders_and_write_processed_and_rejects():
    """The bug this locks out: --input raw/raw-films/ plus the job's topic gave raw/raw-films/raw-films."""
    steps = emr.spark_steps(LOCATION)
    assert [step["Name"] for step in steps] == [
        "01_load_films",
        "02_load_characters",
        "03_load_boxoffice",
        "04_export_analytics",
    ]
    for step, topic in zip(steps[:3], ("raw-films", "raw-characters", "raw-boxoffice"), strict=True):
        arguments = arguments_of(step)
        assert (
            join_location(value(arguments, "--input"), value(arguments, "--topic"))
            == RUN_URI + f"raw/{topic}"
        )
        assert value(arguments, "--output") == RUN_URI + "processed"
        assert value(arguments, "--rejects") == RUN_URI + "rejects/transform"


def test_export_step_passes_exports_as_an_s3_url():
    """The bug this locks out: --output where the job requires --exports (argparse exit 2)."""
    arguments = arguments_of(emr.spark_steps(LOCATION)[3])
    assert value(arguments, "--input") == RUN_URI + "processed"
    assert value(arguments, "--exports") == RUN_URI + "exports"
    assert "--output" not in arguments
    assert all(argument.startswith("s3://") for argument in arguments if "/" in argument)


def test_steps_submit_the_uploaded_code_in_client_mode():
    for step in emr.spark_steps(LOCATION):
        arguments = arguments_of(step)
        assert arguments[:3] == ["spark-submit", "--deploy-mode", "client"]
        assert value(arguments, "--py-files") == RUN_URI + "code/hyperion.zip"
        assert RUN_URI + f"code/spark_jobs/{step['Name']}.py" in arguments
        assert step["ActionOnFailure"] == "CANCEL_AND_WAIT"


def test_query_step_runs_each_query_in_name_order():
    step = emr.query_step(LOCATION, ["b.sql", "a.sql"])
    script = step["HadoopJarStep"]["Args"][-1]
    assert script.index("a.sql") < script.index("b.sql")
    assert script.count("trino-cli") == 2
    with pytest.raises(ValueError):
        emr.query_step(LOCATION, [])


@pytest.fixture
def raw_dir(tmp_path: Path) -> Path:
    for topic in ("raw-films", "raw-characters", "raw-boxoffice"):
        (tmp_path / "raw" / topic).mkdir(parents=True)
        (tmp_path / "raw" / topic / "part-0-0-1.jsonl").write_text("{}\n")
    return tmp_path / "raw"


def test_uploads_carry_the_ddl_adapted_to_the_run_and_the_raw_under_the_jobs_input(raw_dir, tmp_path):
    bootstrap = tmp_path / "bootstrap.sh"
    bootstrap.write_text("#!/bin/bash\n")
    uploads, query_names = emr.plan_uploads(LOCATION, REPOSITORY_ROOT, raw_dir, bootstrap)
    by_key = {upload.key: upload for upload in uploads}
    prefix = "hyperion-emr-proof/run-1/"
    ddl = by_key[prefix + "code/queries/00_register_tables.sql"].body.decode()
    assert "hdfs://" not in "\n".join(split_statements(ddl))
    assert f"external_location = '{RUN_URI}processed/films/{LOCATION.version}'" in ddl
    assert f"create or replace view hive.{emr.SCHEMA}.films as" in ddl
    assert query_names[0] == "00_register_tables.sql"
    keys = set(by_key)
    assert {prefix + f"raw/{topic}/part-0-0-1.jsonl" for topic in ("raw-films", "raw-boxoffice")} <= keys
    assert {prefix + f"code/spark_jobs/{step['Name']}.py" for step in emr.spark_steps(LOCATION)} <= keys
    archive = zipfile.ZipFile(io.BytesIO(by_key[prefix + "code/hyperion.zip"].body))
    assert "hyperion/pipeline.py" in archive.namelist()
    assert "hyperion/transform/jobs.py" in archive.namelist()


def test_uploads_fail_early_without_raw_data(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="no raw data"):
        emr.plan_uploads(LOCATION, REPOSITORY_ROOT, tmp_path / "empty", tmp_path / "bootstrap.sh")


@pytest.mark.parametrize(
    ("states", "finished", "failed"),
    [
        ({"s-1": "COMPLETED", "s-2": "RUNNING"}, False, []),
        ({"s-1": "COMPLETED", "s-2": "COMPLETED"}, True, []),
        ({"s-1": "FAILED", "s-2": "PENDING"}, True, ["s-1"]),
        ({"s-1": "COMPLETED", "s-2": "CANCELLED"}, True, ["s-2"]),
    ],
)
def test_step_progress(states, finished, failed):
    progress = emr.summarize_steps(["s-1", "s-2"], states)
    assert (progress.finished, progress.failed_step_ids) == (finished, failed)


def test_step_log_keys():
    keys = emr.step_log_keys(LOCATION, "j-1", "s-2")
    assert keys["stdout"] == "hyperion-emr-proof/run-1/logs/j-1/steps/s-2/stdout.gz"


def test_cluster_cost_arithmetic():
    cost = emr.cluster_cost(2.0)
    # 3 instances x 2 h = 6 instance-hours.
    assert cost.ec2_usd == pytest.approx(6 * 0.192)
    assert cost.emr_usd == pytest.approx(6 * 0.048)
    assert cost.ebs_usd == pytest.approx(3 * 64 * 0.10 * 2 / 730)
    assert cost.total_usd == pytest.approx(cost.ec2_usd + cost.emr_usd + cost.ebs_usd)
    assert f"total ${cost.total_usd:.2f}" in emr.format_cluster_cost(cost)
    with pytest.raises(ValueError):
        emr.cluster_cost(-1)


# --- the least-privilege policy of the proof run (deploy/emr/iam_policy_proof.json) ---------------------

POLICY = json.loads((REPOSITORY_ROOT / "deploy" / "emr" / "iam_policy_proof.json").read_text())
# IAM's service prefixes and botocore's service names.
BOTOCORE_SERVICES = {"s3": "s3", "elasticmapreduce": "emr", "iam": "iam"}
# Permissions that guard a request without being an API operation of their own.
PERMISSION_ONLY_ACTIONS = {"iam:PassRole"}


def policy_actions() -> list[str]:
    actions = []
    for statement in POLICY["Statement"]:
        listed = statement["Action"]
        actions += [listed] if isinstance(listed, str) else listed
    return actions


def test_every_policy_action_is_an_operation_of_botocores_service_model():
    session = botocore.session.get_session()
    for action in policy_actions():
        prefix, operation = action.split(":")
        if action in PERMISSION_ONLY_ACTIONS:
            continue
        model = session.get_service_model(BOTOCORE_SERVICES[prefix])
        assert operation in model.operation_names, action


def test_the_policy_is_least_privilege_no_wildcard_actions_no_deny_needed():
    assert POLICY["Version"] == "2012-10-17"
    assert all(statement["Effect"] == "Allow" for statement in POLICY["Statement"])
    assert not [action for action in policy_actions() if "*" in action]
    s3_resources = [
        statement["Resource"] for statement in POLICY["Statement"] if statement["Sid"] == "ProofRunObjects"
    ]
    assert s3_resources == ["arn:aws:s3:::HYPERION_PROOF_BUCKET/hyperion-emr-proof/*"]


def test_the_policys_tag_condition_is_the_tag_the_plan_puts_on_the_cluster():
    """The EMR statements only match clusters tagged purpose=emr-proof-run: the plan must tag it so."""
    tags = {tag["Key"]: tag["Value"] for tag in emr.cluster_configuration(LOCATION, name="proof")["Tags"]}
    conditions = [statement["Condition"]["StringEquals"] for statement in POLICY["Statement"][1:3]]
    assert conditions == [
        {"aws:RequestTag/purpose": tags["purpose"]},
        {"elasticmapreduce:ResourceTag/purpose": tags["purpose"]},
    ]


def test_the_default_prefix_is_inside_the_policys_s3_resource():
    from hyperion.cloud.emr_run import default_prefix

    assert default_prefix().startswith("hyperion-emr-proof/")


def test_a_signal_inside_an_aws_call_still_counts_as_the_interruption():
    # botocore wraps what its HTTP client raises; the run must still report "interrupted by SIGINT".
    from botocore.exceptions import HTTPClientError

    from hyperion.cloud.emr_run import RunInterruptedError, interruption_of

    interruption = RunInterruptedError("SIGINT")
    assert interruption_of(interruption) is interruption
    assert interruption_of(HTTPClientError(error=interruption)) is interruption
    assert interruption_of(HTTPClientError(error=ConnectionError("refused"))) is None
    assert interruption_of(ValueError("other")) is None
