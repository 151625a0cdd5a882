"""Unit tests of the location policy Trino asks before every statement (hyperion/runtime/trino_policy.py).

The requests are shaped like the ones Trino 476's OPA access control sends; the integration test
(tests/integration/test_exposure.py) sends the real ones through a real Trino.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from hyperion.runtime import trino_policy
from hyperion.runtime.trino_policy import decide, is_within

ROOTS = ("hdfs://localhost:8020/processed", "s3://hyperion-bucket/rehearsal/processed")


def request(operation: str, resource: dict[str, Any], user: str = "anyone") -> dict[str, Any]:
    return {
        "input": {
            "context": {"identity": {"user": user, "groups": []}, "softwareStack": {"trinoVersion": "476"}},
            "action": {"operation": operation, "resource": resource},
        }
    }


def create_table(properties: dict[str, Any], catalog: str = "hive") -> dict[str, Any]:
    table = {"catalogName": catalog, "schemaName": "hyperion", "tableName": "t", "properties": properties}
    return request("CreateTable", {"table": table})


@pytest.mark.parametrize(
    "location",
    [
        "hdfs://localhost:8020/processed",
        "hdfs://localhost:8020/processed/films",
        "hdfs://localhost:8020/processed/films/",
        "hdfs://localhost:8020/processed/box_office_daily/v=20250101T000000",
        "HDFS://LOCALHOST:8020/processed/films",
        "s3://hyperion-bucket/rehearsal/processed/films",
    ],
)
def test_locations_under_a_root_are_within(location: str) -> None:
    assert is_within(location, ROOTS)


@pytest.mark.parametrize(
    "location",
    [
        "file:///tmp/attack",
        "file:/tmp/attack",
        "hdfs://localhost:8020/raw/raw-films",
        "hdfs://localhost:8020/tmp",
        "hdfs:///processed/films",  # the default file system: another authority than the root's
        "hdfs://elsewhere:8020/processed/films",
        "hdfs://localhost:8020/processed/../raw/raw-films",
        "hdfs://localhost:8020/processed/./films",
        "hdfs://localhost:8020/processed//films",
        "hdfs://localhost:8020/processed/%2E%2E/raw",
        "hdfs://localhost:8020/processedX/films",
        "hdfs://localhost:8020/processed/films?x=1",
        "hdfs://localhost:8020/processed/films#x",
        "hdfs://localhost:8020/Processed/films",
        "s3://hyperion-bucket/rehearsal/other",
        "s3://other-bucket/rehearsal/processed",
        "http://169.254.169.254/latest/meta-data",
        "/processed/films",
        "",
        "hdfs://localhost:8020/processed/fi lms",
    ],
)
def test_locations_outside_every_root_or_not_strict_are_refused(location: str) -> None:
    assert not is_within(location, ROOTS)


def test_a_non_string_location_is_refused() -> None:
    assert not is_within(42, ROOTS)  # type: ignore[arg-type]


def test_an_external_table_over_the_warehouse_is_allowed_for_any_user() -> None:
    assert decide(create_table({"external_location": "hdfs://localhost:8020/processed/films"}), ROOTS).allowed


@pytest.mark.parametrize(
    ("properties", "reason"),
    [
        ({}, "only external tables"),
        ({"format": "PARQUET"}, "only external tables"),
        ({"external_location": "file:///tmp/attack"}, "outside the warehouse"),
        ({"external_location": "hdfs://localhost:8020/raw/raw-films"}, "outside the warehouse"),
        (
            {
                "external_location": "hdfs://localhost:8020/processed/films",
                "partition_projection_location_template": "file:///etc/${year}",
            },
            "partition_projection_location_template",
        ),
        (
            {
                "external_location": "hdfs://localhost:8020/processed/films",
                "extra_properties": {"storage.location.template": "file:///etc"},
            },
            "extra_properties",
        ),
    ],
)
def test_managed_tables_and_tables_outside_the_warehouse_are_refused(
    properties: dict[str, Any], reason: str
) -> None:
    decision = decide(create_table(properties), ROOTS)
    assert not decision.allowed
    assert reason in decision.reason


def test_the_rehearsal_catalog_takes_tables_under_the_warehouse_only() -> None:
    inside = create_table({"external_location": ROOTS[1] + "/films/v1"}, catalog="rehearsal")
    outside = create_table({"external_location": "s3://hyperion-bucket/other/films"}, catalog="rehearsal")
    assert decide(inside, ROOTS).allowed
    assert not decide(outside, ROOTS).allowed


def test_the_default_s3_root_is_the_rehearsals_run_prefix() -> None:
    from hyperion.cloud import emr_rehearsal
    from hyperion.config import Settings
    from hyperion.runtime import rehearsal_catalog

    expected = f"s3://{rehearsal_catalog.BUCKET}/{emr_rehearsal.PREFIX}"
    assert expected in Settings().warehouse_locations


def test_tables_in_another_catalog_are_refused() -> None:
    decision = decide(create_table({"external_location": ROOTS[0] + "/films"}, catalog="memory"), ROOTS)
    assert not decision.allowed


def test_a_partition_template_under_the_warehouse_is_allowed() -> None:
    properties = {
        "external_location": "hdfs://localhost:8020/processed/films",
        "partition_projection_location_template": "hdfs://localhost:8020/processed/films/${year}",
    }
    assert decide(create_table(properties), ROOTS).allowed


@pytest.mark.parametrize(
    ("location", "allowed"),
    [
        (None, True),
        ("hdfs://localhost:8020/processed/schemas/x", True),
        ("file:///tmp/schema", False),
        ("hdfs://localhost:8020/tmp/schema", False),
    ],
)
def test_schemas_are_created_without_a_location_or_under_the_warehouse(
    location: str | None, allowed: bool
) -> None:
    properties = {} if location is None else {"location": location}
    schema = {"catalogName": "hive", "schemaName": "s", "properties": properties}
    assert decide(request("CreateSchema", {"schema": schema}), ROOTS).allowed is allowed


@pytest.mark.parametrize("operation", sorted(trino_policy.WRITE_OPERATIONS))
def test_row_writes_into_the_hive_catalog_are_refused(operation: str) -> None:
    table = {"catalogName": "hive", "schemaName": "hyperion", "tableName": "films"}
    assert not decide(request(operation, {"table": table}), ROOTS).allowed


@pytest.mark.parametrize("operation", ["InsertIntoTable", "DeleteFromTable"])
def test_the_checks_of_a_partition_sync_are_left_to_the_catalog(operation: str) -> None:
    # system.sync_partition_metadata asks exactly these two; the catalog refuses the rows themselves.
    table = {"catalogName": "hive", "schemaName": "hyperion", "tableName": "box_office_daily__v1"}
    assert decide(request(operation, {"table": table}), ROOTS).allowed


def test_row_writes_into_the_memory_catalog_are_allowed() -> None:
    table = {"catalogName": "memory", "schemaName": "default", "tableName": "t"}
    assert decide(request("InsertIntoTable", {"table": table}), ROOTS).allowed


@pytest.mark.parametrize(
    "properties", [{"external_location": "file:///tmp"}, {"partition_projection_location_template": "x"}]
)
def test_location_properties_cannot_be_changed(properties: dict[str, Any]) -> None:
    table = {"catalogName": "hive", "schemaName": "hyperion", "tableName": "films", "properties": properties}
    assert not decide(request("SetTableProperties", {"table": table}), ROOTS).allowed


def test_procedures_register_partition_is_refused_and_sync_is_allowed() -> None:
    def procedure(name: str) -> dict[str, Any]:
        return request(
            "ExecuteProcedure",
            {"function": {"catalogName": "hive", "schemaName": "system", "functionName": name}},
        )

    assert not decide(procedure("register_partition"), ROOTS).allowed
    assert decide(procedure("sync_partition_metadata"), ROOTS).allowed


@pytest.mark.parametrize(
    "operation",
    ["ExecuteQuery", "AccessCatalog", "FilterTables", "SelectFromColumns", "CreateViewWithSelectFromColumns"],
)
def test_reads_are_allowed(operation: str) -> None:
    assert decide(request(operation, {"table": {"catalogName": "hive"}}), ROOTS).allowed


@pytest.mark.parametrize("body", [{}, {"input": {}}, {"input": {"action": {}}}, {"input": None}, []])
def test_a_request_that_is_not_from_trino_is_refused(body: Any) -> None:
    assert not decide(body, ROOTS).allowed


@pytest.fixture
def policy_address() -> Iterator[str]:
    server = trino_policy.make_server("127.0.0.1", 0, ROOTS)
    trino_policy.serve_in_thread(server)
    try:
        yield f"127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def post(address: str, body: bytes) -> tuple[int, dict[str, Any]]:
    http_request = urllib.request.Request(
        f"http://{address}/v1/data/trino/allow", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(http_request, timeout=5) as response:  # noqa: S310 - loopback
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_the_service_answers_opa_requests_over_http(policy_address: str) -> None:
    allowed = create_table({"external_location": ROOTS[0] + "/films"})
    refused = create_table({"external_location": "file:///tmp/attack"})
    assert post(policy_address, json.dumps(allowed).encode()) == (200, {"result": True})
    assert post(policy_address, json.dumps(refused).encode()) == (200, {"result": False})
    assert post(policy_address, b"not json")[0] == 400


def test_the_health_probe_asks_for_a_real_decision(policy_address: str) -> None:
    health = trino_policy.policy_health(policy_address)
    assert health.healthy, health.detail
    assert "hdfs://localhost:8020/processed" in health.detail


def test_the_health_probe_reports_a_service_that_does_not_answer() -> None:
    assert not trino_policy.policy_health("127.0.0.1:1").healthy


def test_the_service_refuses_roots_that_are_not_strict_locations() -> None:
    with pytest.raises(ValueError, match="strict locations"):
        trino_policy.make_server("127.0.0.1", 0, ("hdfs://localhost:8020/processed/../raw",))
