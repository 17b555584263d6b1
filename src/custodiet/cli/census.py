"""`custodiet census`: how far covered equipment has spread, by country, from internet-scan data.

Registered on the main app by cli/main.py. Thin, like the other commands: parse options, one call
to custodiet.census.run, render a summary; errors become exit codes in main.fail().
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def census(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Scan record files or folders: Shodan, Censys, zgrab2, masscan or IVRE JSON lines "
            "(plain, gzip, bzip2 or zstd), or Parquet.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", help="Output folder (created; snapshots kept there make trends).")
    ],
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (one machine, default) or spark (local or a cluster).")
    ] = "duckdb",
    snapshot: Annotated[
        str | None, typer.Option("--snapshot", help="Date of this snapshot, YYYY-MM-DD (default: today).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option("--format", help="Force the record format: shodan, censys, zgrab2, masscan or ivre."),
    ] = None,
    profile: Annotated[
        str | None, typer.Option("--profile", help="Which lists apply (see `custodiet content list`).")
    ] = None,
    hosts: Annotated[
        bool,
        typer.Option("--hosts", help="Also write hosts.parquet: the identity of every identified address."),
    ] = False,
    memory: Annotated[
        str, typer.Option("--memory", help="DuckDB memory limit; beyond it, work spills to disk.")
    ] = "2GB",
    threads: Annotated[
        int | None, typer.Option("--threads", help="DuckDB threads (default: all cores).")
    ] = None,
    work_dir: Annotated[
        Path | None, typer.Option("--work-dir", help="Where DuckDB keeps its work and spill files.")
    ] = None,
    master: Annotated[
        str | None,
        typer.Option(
            "--master", help="Spark master URL (default: spark-submit's or $SPARK_MASTER, else local[*])."
        ),
    ] = None,
    partitions: Annotated[
        int | None, typer.Option("--partitions", help="Spark: partitions of the input lines.")
    ] = None,
    no_html: Annotated[bool, typer.Option("--no-html", help="Do not write census.html.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Census of internet-scan records: covered equipment by country, maker and device type."""

    from custodiet.census.model import EngineOptions
    from custodiet.census.run import CensusRequest
    from custodiet.census.run import census as run_census
    from custodiet.cli.exits import Exit, print_error
    from custodiet.cli.render import progress_bar
    from custodiet.pipeline.context import load_context

    request = CensusRequest(
        paths=tuple(paths),
        out=out,
        engine=engine,
        snapshot=snapshot,
        format=fmt,
        hosts=hosts,
        html=not no_html,
        options=EngineOptions(
            memory_limit=memory,
            threads=threads,
            work_dir=work_dir,
            spark_master=master,
            spark_partitions=partitions,
        ),
    )
    context = load_context(profile=profile)
    with progress_bar(quiet) as progress:
        result = run_census(request, context, progress)
    for message in result.errors:
        print_error(message)
    if not quiet:
        _summary(result)
    if result.errors:
        raise typer.Exit(Exit.INPUT)


def _summary(result) -> None:
    from rich.markup import escape

    from custodiet.cli.render import err

    countries = result.tables.countries.to_pylist()
    hosts = sum(r["hosts"] for r in countries)
    identified = sum(r["identified_hosts"] for r in countries)
    covered = sum(r["covered_hosts"] for r in countries)
    err.print(
        f"census {result.snapshot}: {hosts:,} hosts (IP addresses) in {len(countries)} countries, "
        f"{identified:,} identified, {covered:,} covered ({result.seconds:.1f} s)"
    )
    for summary in result.tables.files:
        skipped = ", ".join(f"{reason} {count:,}" for reason, count in sorted(summary.skipped.items()))
        err.print(
            f"  {escape(summary.label)}: {summary.format}, {summary.records:,} records"
            + (f"; skipped: {escape(skipped)}" if skipped else "")
            + (f"; [red]{escape(summary.error)}[/red]" if summary.error else "")
        )
    top: dict[tuple[str, str], int] = {}
    for row in result.tables.footprint.to_pylist():
        if row["covered"] and row["hosts"]:
            top[(row["country"], row["manufacturer"])] = (
                top.get((row["country"], row["manufacturer"]), 0) + row["hosts"]
            )
    for (country, maker), count in sorted(top.items(), key=lambda kv: -kv[1])[:10]:
        err.print(f"  {country}  {escape(maker):<12} {count:>8,} hosts")
    err.print(f"wrote {len(result.written)} files to {escape(str(result.written[0].parent))}")
