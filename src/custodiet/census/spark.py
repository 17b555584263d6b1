"""The Spark engine: the same census for data that outgrows one machine.

Spark reads the files (text lines, split by block; gzip, bzip2 and zstd by their file name
extension, as Hadoop does; Parquet rows as JSON) and hands each partition to the executors in
Arrow batches (mapInArrow). On an executor, spark_worker.cut() runs the very flatten SQL of the
DuckDB engine (formats.py, in an in-memory DuckDB) on the batch, sends the batch's distinct
pieces through the matcher (the compiled content is loaded once per executor process) and
returns small rows: records, evidence items, services, skips. Spark then groups by address; the
distinct combos of items are fused on the driver (there are few) and joined back; the counts
are the SQL of counts.py, which DuckDB runs too. Same input, same rows.

Where Spark runs: `--master` (or spark-submit's master, or $SPARK_MASTER), else local[*]. On a
cluster the executors need custodiet installed (pip install 'custodiet[spark]') and the input
paths must be readable by them (HDFS, S3, a shared file system); see the README.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pyarrow as pa

from custodiet.census import counts, spark_worker
from custodiet.census.evidence import Matcher, item_maker
from custodiet.census.model import (
    UNKNOWN_COUNTRY,
    CensusTables,
    EngineOptions,
    FileSummary,
    PlannedFile,
    Progress,
)
from custodiet.errors import InputError, UsageError
from custodiet.pipeline.context import Context

# The file name ending Hadoop picks a codec by, per packing census.lines detects by content.
_EXTENSIONS = {"gzip": (".gz",), "bz2": (".bz2",), "zstd": (".zst", ".zstd")}
_HADOOP_CODECS = (".gz", ".bz2", ".zst", ".zstd", ".deflate", ".lz4", ".snappy", ".br")


def session(options: EngineOptions):
    """The active SparkSession (spark-submit's), or a new one on options.spark_master,
    $SPARK_MASTER or local[*]. A local session binds to loopback only."""
    try:
        from pyspark.sql import SparkSession
    except ImportError:
        raise UsageError(
            "--engine spark needs PySpark and Java: pip install 'custodiet[spark]' and a Java 17+ runtime"
        ) from None
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    active = SparkSession.getActiveSession()
    if active is not None and options.spark_master is None:
        return active
    master = options.spark_master or os.environ.get("SPARK_MASTER") or "local[*]"
    builder = SparkSession.builder.appName("custodiet-census").master(master)
    builder = builder.config("spark.ui.enabled", "false").config("spark.sql.session.timeZone", "UTC")
    builder = builder.config("spark.ui.showConsoleProgress", "false")
    builder = builder.config("spark.sql.files.maxPartitionBytes", str(32 << 20))
    builder = builder.config("spark.sql.execution.arrow.maxRecordsPerBatch", "8192")
    if master.startswith("local"):
        builder = builder.config("spark.driver.host", "127.0.0.1").config(
            "spark.driver.bindAddress", "127.0.0.1"
        )
        builder = builder.config("spark.sql.shuffle.partitions", "8")
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def _lines(spark, files: list[PlannedFile]):
    """One DataFrame (file INT, fmt STRING, line STRING) of every input's lines."""
    from pyspark.sql import functions as F

    frames = []
    for index, planned in enumerate(files):
        tag = [F.lit(index).cast("int").alias("file"), F.lit(planned.format).alias("fmt")]
        if planned.packing == "parquet":
            frame = spark.read.parquet(str(planned.path))
            frames.append(
                frame.select(*tag, F.to_json(F.struct(*[F.col(c) for c in frame.columns])).alias("line"))
            )
            continue
        name = planned.path.name.lower()
        readable = (
            name.endswith(_EXTENSIONS[planned.packing])
            if planned.packing
            else not name.endswith(_HADOOP_CODECS)
        )
        if readable:
            frames.append(spark.read.text(str(planned.path)).select(*tag, F.col("value").alias("line")))
        else:
            # A compressed file not named for its codec: the driver decompresses it (fine in
            # local mode; on a cluster, name files .gz/.bz2/.zst so the executors read them).
            frames.append(_through_driver(spark, planned, index))
    frame = frames[0]
    for other in frames[1:]:
        frame = frame.unionByName(other)
    return frame


def _through_driver(spark, planned: PlannedFile, index: int):
    from custodiet.census import lines

    tally = lines.Tally()
    tables = [
        pa.table(
            {
                "file": pa.array([index] * batch.num_rows, pa.int32()),
                "fmt": pa.array([planned.format] * batch.num_rows, pa.string()),
                "line": batch.column(1).cast(pa.string()),
            }
        )
        for batch in lines.batches(planned.path, planned.label, tally)
    ]
    if not tables:
        raise InputError("no lines", file=planned.label)
    return spark.createDataFrame(pa.concat_tables(tables))


def run(
    files: list[PlannedFile],
    context: Context,
    options: EngineOptions,
    progress: Progress | None = None,
    want_hosts: bool = False,
) -> CensusTables:
    """A census of `files` on Spark (see the module docstring)."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    spark = session(options)
    frame = _lines(spark, files)
    if options.spark_partitions:
        frame = frame.repartition(options.spark_partitions)
    rows = frame.mapInArrow(spark_worker.cut, spark_worker.OUT_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        summaries = [FileSummary(f.label, f.format) for f in files]
        for file, reason, count in (
            rows.where(F.col("kind") == "skip").groupBy("file", "reason").count().collect()
        ):
            summaries[file].skipped[reason] += count
        for file, count in rows.where(F.col("kind") == "rec").groupBy("file").count().collect():
            summaries[file].records = count
        if progress:
            for planned, summary in zip(files, summaries, strict=True):
                progress(planned.label, summary.records, True)
        recs = rows.where(F.col("kind") == "rec")
        by_country = recs.groupBy("addr", "cc").agg(F.count("*").alias("k"), F.max("reg").alias("reg"))
        hosts = by_country.groupBy("addr").agg(
            F.max_by("cc", F.when(F.col("cc").isNotNull(), F.struct("k", "cc"))).alias("rec_cc"),
            F.max("reg").alias("reg"),
        )
        hosts = hosts.select(
            "addr",
            F.coalesce("rec_cc", "reg", F.lit(UNKNOWN_COUNTRY)).alias("cc"),
            F.when(F.col("rec_cc").isNotNull(), "record")
            .when(F.col("reg").isNotNull(), "registry")
            .otherwise("unknown")
            .alias("cc_source"),
        )
        items = rows.where(F.col("kind") == "item").select("addr", "port", F.col("reason").alias("item"))
        combos = items.groupBy("addr").agg(
            F.concat_ws("\n", F.array_sort(F.collect_set("item"))).alias("combo")
        )
        matcher = Matcher(context)
        from custodiet.catalog import fold

        ident_rows = []
        for (combo,) in combos.select("combo").distinct().collect():
            i = matcher.identity(combo)
            ident_rows.append(
                (combo, i.manufacturer, fold(i.manufacturer) if i.manufacturer else None, i.brand, i.brand_kind,
                 i.device_type, float(i.confidence), i.band, i.covered, i.lists)
            )  # fmt: skip
        ident = spark.createDataFrame(
            ident_rows,
            "combo string, manufacturer string, maker_fold string, brand string, brand_kind string, "
            "device_type string, confidence double, band string, covered boolean, lists string",
        )
        item_rows = [(k, item_maker(k)) for (k,) in items.select("item").distinct().collect()]
        makers = spark.createDataFrame(item_rows, "item string, maker_fold string")
        with_ident = combos.join(F.broadcast(ident), "combo").where(F.col("manufacturer").isNotNull())
        supporting = (
            items.where(F.col("port").isNotNull())
            .join(F.broadcast(makers), "item")
            .join(with_ident.select("addr", F.col("maker_fold").alias("host_fold")), "addr")
            .where(F.col("maker_fold") == F.col("host_fold"))
            .groupBy("addr")
            .agg(F.countDistinct("port").alias("services"))
        )
        host_ident = (
            hosts.join(with_ident, "addr")
            .join(supporting, "addr", "left")
            .select(
                "addr", "cc", "manufacturer", "maker_fold", "brand", "brand_kind", "device_type", "confidence",
                "band", "covered", "lists", F.coalesce("services", F.lit(0)).cast("long").alias("services"),
            )
        )  # fmt: skip
        host_services = (
            rows.where(F.col("kind") == "svc").select("addr", "port").distinct().groupBy("addr").count()
        ).withColumnRenamed("count", "services")
        hosts.join(host_services, "addr", "left").select(
            "addr", "cc", "cc_source", F.coalesce("services", F.lit(0)).alias("services")
        ).createOrReplaceTempView("hosts")
        host_ident.createOrReplaceTempView("host_ident")

        def table(sql: str, schema: pa.Schema) -> pa.Table:
            result = spark.sql(sql)
            if hasattr(result, "toArrow"):
                return result.toArrow().cast(schema)
            return pa.Table.from_pylist([r.asDict() for r in result.collect()], schema=schema)

        return counts.count(table, summaries, want_hosts)
    finally:
        rows.unpersist()


def stop() -> None:
    """Stop the active local session (tests and the CLI call it when they made it)."""
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        active.stop()


__all__ = ["Path", "run", "session", "stop"]
