"""A small PySpark job for the stack test: read JSON Lines from HDFS, aggregate, write Parquet to HDFS.

Run: spark-submit --master spark://localhost:7077 hdfs_roundtrip.py --input hdfs://… --output hdfs://…
"""

from __future__ import annotations

import argparse
import sys

from pyspark.sql import SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType

SCHEMA = StructType([StructField("studio", StringType(), False), StructField("gross", LongType(), False)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--input", required=True)
    parser.add_argument("--output", required=True)
    arguments = parser.parse_args(argv)
    spark = SparkSession.builder.appName("hyperion-stack-test").getOrCreate()
    try:
        films = spark.read.schema(SCHEMA).json(arguments.input)
        totals = films.groupBy("studio").agg(F.count("*").alias("films"), F.sum("gross").alias("gross"))
        totals.coalesce(1).write.mode("overwrite").parquet(arguments.output)
        # The master URL the job really ran on, so the test can check it was not local mode.
        sys.stdout.write(f"MASTER={spark.sparkContext.master}\n")
    finally:
        spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
