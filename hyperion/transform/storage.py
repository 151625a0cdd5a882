"""Listing and removing table versions from the host, for the registration (``scripts/06_queries.py``).

The Spark jobs list versions through Spark's own Hadoop ``FileSystem`` (``hyperion.transform.jobs``); the
registration runs on the host with no JVM, so it uses each file system's own client: WebHDFS for
``hdfs://``, the S3 API for ``s3://`` and ``s3a://``, the local file system for ``file://``. Each store is
rooted at one processed root and implements ``hyperion.transform.trino_sql.VersionStore``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import boto3
from hdfs import InsecureClient

from hyperion.transform.publish import SUCCESS_MARKER, VersionFolder, version_folders


class WebHdfsVersionStore:
    """Versions under an ``hdfs://`` root, through WebHDFS (the NameNode's HTTP port)."""

    def __init__(self, client: InsecureClient, root_path: str) -> None:
        self.client = client
        self.root_path = root_path.rstrip("/")

    def list_versions(self, table: str) -> list[VersionFolder]:
        folder = f"{self.root_path}/{table}"
        if self.client.status(folder, strict=False) is None:
            return []
        names = [
            name for name, status in self.client.list(folder, status=True) if status["type"] == "DIRECTORY"
        ]
        return version_folders(
            (name, self.client.status(f"{folder}/{name}/{SUCCESS_MARKER}", strict=False) is not None)
            for name in names
        )

    def delete_version(self, table: str, version: str) -> None:
        self.client.delete(f"{self.root_path}/{table}/{version}", recursive=True)


class LocalVersionStore:
    """Versions under a ``file://`` root."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def list_versions(self, table: str) -> list[VersionFolder]:
        folder = self.root / table
        if not folder.is_dir():
            return []
        return version_folders(
            (path.name, (path / SUCCESS_MARKER).exists()) for path in folder.iterdir() if path.is_dir()
        )

    def delete_version(self, table: str, version: str) -> None:
        shutil.rmtree(self.root / table / version, ignore_errors=True)


class S3VersionStore:
    """Versions under an ``s3://`` or ``s3a://`` root (``client`` is a boto3 S3 client)."""

    def __init__(self, client: Any, bucket: str, prefix: str) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/")

    def _key(self, *parts: str) -> str:
        return "/".join(part for part in (self.prefix, *parts) if part)

    def list_versions(self, table: str) -> list[VersionFolder]:
        folder = self._key(table) + "/"
        names = []
        for page in self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=folder, Delimiter="/"
        ):
            names += [entry["Prefix"][len(folder) :].rstrip("/") for entry in page.get("CommonPrefixes", [])]
        return version_folders((name, self._exists(self._key(table, name, SUCCESS_MARKER))) for name in names)

    def _exists(self, key: str) -> bool:
        return bool(self.client.list_objects_v2(Bucket=self.bucket, Prefix=key, MaxKeys=1).get("KeyCount"))

    def delete_version(self, table: str, version: str) -> None:
        for page in self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._key(table, version) + "/"
        ):
            keys = [{"Key": entry["Key"]} for entry in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})


def version_store(
    processed_root: str, webhdfs_url: str, hdfs_user: str, s3_client: Any = None
) -> WebHdfsVersionStore | LocalVersionStore | S3VersionStore:
    """The store for ``processed_root``'s scheme; ``s3_client`` is made with boto3 when not given."""
    parts = urlsplit(processed_root)
    if parts.scheme == "hdfs":
        return WebHdfsVersionStore(InsecureClient(webhdfs_url, user=hdfs_user), parts.path)
    if parts.scheme == "file":
        return LocalVersionStore(Path(parts.path))
    if parts.scheme in ("s3", "s3a"):
        return S3VersionStore(s3_client or boto3.client("s3"), parts.netloc, parts.path)
    raise ValueError(f"no version store for {processed_root!r} (hdfs://, s3://, s3a:// or file://)")
