"""The registration's S3 version store against moto's server (a real S3 API over HTTP, on loopback).

EMR writes the processed tables to ``s3://<bucket>/<prefix>/<table>/<version>/``: the store must list
the versions with their ``_SUCCESS``, ignore anything else, and delete exactly one version's objects.
"""

from __future__ import annotations

import boto3
import pytest

from hyperion.transform.publish import VersionFolder
from hyperion.transform.storage import S3VersionStore, version_store

pytestmark = pytest.mark.integration

V1, V2, V3 = (f"2026112{day}T101500000Z-0000000{day}" for day in range(1, 4))


def test_s3_store_lists_and_deletes_versions(aws_environment: dict[str, str]) -> None:
    client = boto3.client("s3", endpoint_url=aws_environment["AWS_ENDPOINT_URL"])
    client.create_bucket(Bucket="proof")
    keys = [
        f"run-1/processed/box_office_daily/{V1}/_SUCCESS",
        f"run-1/processed/box_office_daily/{V1}/box_office_year=2019/part-0.parquet",
        f"run-1/processed/box_office_daily/{V2}/box_office_year=2019/part-0.parquet",  # a dead run
        f"run-1/processed/box_office_daily/{V3}/_SUCCESS",
        *(
            f"run-1/processed/box_office_daily/{V3}/box_office_year={year}/part-0.parquet"
            for year in range(1500)
        ),
        "run-1/processed/box_office_daily/part-00000.parquet",  # the old in-place layout: not a version
        f"run-1/processed/box_office_weekly/{V1}/_SUCCESS",
    ]
    for key in keys:
        client.put_object(Bucket="proof", Key=key, Body=b"x")

    store = version_store("s3://proof/run-1/processed/", "http://unused", "nobody", s3_client=client)
    assert isinstance(store, S3VersionStore)
    assert store.list_versions("box_office_daily") == [
        VersionFolder(V1, True),
        VersionFolder(V2, False),
        VersionFolder(V3, True),
    ]
    assert store.list_versions("films") == []

    store.delete_version("box_office_daily", V3)  # more than one delete_objects batch of 1,000
    assert store.list_versions("box_office_daily") == [VersionFolder(V1, True), VersionFolder(V2, False)]
    remaining = client.list_objects_v2(Bucket="proof", Prefix="run-1/processed/")["KeyCount"]
    assert remaining == len([key for key in keys if f"/{V3}/" not in key])
