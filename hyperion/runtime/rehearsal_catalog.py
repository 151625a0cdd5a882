"""The local Trino's ``rehearsal`` catalog: Hive tables over the EMR rehearsal's S3 (moto's server).

The EMR rehearsal (:mod:`hyperion.cloud.emr_rehearsal`) writes the processed tables to ``s3://`` on moto's
server; Trino reads them through its native S3 file system, as Trino on EMR reads S3. The catalog keeps
its table definitions in Trino's file metastore, in the same bucket: the local Hive metastore has no S3
file system on its class path and would refuse ``s3://`` locations, and a file metastore also leaves the
``hive`` catalog's metastore untouched.

The catalog is rendered by the local runtime when Trino starts (Trino reads catalogs at start-up), not
kept in ``conf/``: the Docker runtime shares ``conf/`` and has no rehearsal. Its credentials are dummies
that only moto accepts; a real run never goes through this catalog.
"""

from __future__ import annotations

CATALOG = "rehearsal"
BUCKET = "hyperion-emr-rehearsal"
REGION = "us-east-1"
# moto accepts any key pair; these are deliberately not AWS-shaped, and real credentials are never used.
ACCESS_KEY = "hyperion-rehearsal"
SECRET_KEY = "hyperion-rehearsal-secret"
METASTORE_PREFIX = "trino-metastore"


def catalog_properties(endpoint: str) -> str:
    """The ``rehearsal.properties`` catalog file for an S3 endpoint (moto's server on loopback)."""
    return "\n".join(
        [
            "# Rendered by hyperion.runtime.rehearsal_catalog: the EMR rehearsal's S3 (moto, loopback only).",
            "connector.name=hive",
            "hive.metastore=file",
            f"hive.metastore.catalog.dir=s3://{BUCKET}/{METASTORE_PREFIX}",
            "fs.native-s3.enabled=true",
            f"s3.endpoint={endpoint}",
            f"s3.region={REGION}",
            "s3.path-style-access=true",
            f"s3.aws-access-key={ACCESS_KEY}",
            f"s3.aws-secret-key={SECRET_KEY}",
            "hive.non-managed-table-writes-enabled=false",
            "hive.storage-format=PARQUET",
            "",
        ]
    )
