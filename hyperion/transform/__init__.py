"""Spark transforms from the raw landing format to the processed tables, and the site exports.

Modules:

* :mod:`hyperion.transform.schemas`: every raw and processed table as an explicit ``StructType``.
* :mod:`hyperion.transform.keys`: deterministic surrogate keys (a hash of the natural key).
* :mod:`hyperion.transform.raw`: reading raw envelopes and keeping the latest record per natural key.
* :mod:`hyperion.transform.films`, :mod:`~hyperion.transform.characters`,
  :mod:`~hyperion.transform.boxoffice`: pure DataFrame-in, DataFrame-out transforms of jobs 01 to 03.
* :mod:`hyperion.transform.exports`: job 04's denormalized exports and their pyarrow writer + manifest.
* :mod:`hyperion.transform.jobs`: what the thin ``spark_jobs/`` entrypoints share (session, I/O, summary).
* :mod:`hyperion.transform.publish`: table versions and their publication (the crash guarantee, pure).
* :mod:`hyperion.transform.storage`: listing and removing versions from the host (WebHDFS, S3, local).
* :mod:`hyperion.transform.trino_sql`: the generated registration, and reading, adapting and running
  ``queries/*.sql`` through Trino.

The modules the Spark jobs import (jobs, publish, schemas, keys, raw, the transforms, exports) need only
pyspark, pyarrow and the standard library, so the zipped package runs on any Spark 3.5+ cluster (EMR
included). This wing imports neither ``ingest`` nor ``runtime``: the jobs' invocations live in
:mod:`hyperion.pipeline`, ``spark-submit`` in :mod:`hyperion.runtime.spark_submit`, the raw test fixtures
under ``tests/support/``.
"""
