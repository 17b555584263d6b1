"""The `custodiet` command. Thin: each command parses options, makes one library call and
renders its result. Errors from the library become exit codes here and only here:

0 done; 1 --fail-on matched; 2 bad input or usage; 3 bad detection content; 4 store problem.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from custodiet.errors import ContentError, CustodietError, InputError, StoreError, UsageError

app = typer.Typer(
    name="custodiet",
    help="Find equipment from high-risk vendors (FCC Covered List, NDAA 889) in your own network data, and show why.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
content_app = typer.Typer(
    help="Inspect and check the detection content (signatures, vendors, lists).", no_args_is_help=True
)
app.add_typer(content_app, name="content")
from custodiet.cli.endpoints import endpoints_app  # noqa: E402 - it imports this module lazily

app.add_typer(endpoints_app, name="endpoints")
from custodiet.cli.census import census as census_command  # noqa: E402

app.command("census")(census_command)
from custodiet.cli.scan import scan_command  # noqa: E402 - it imports this module lazily

app.command("scan")(scan_command)

err = Console(stderr=True, highlight=False)
EXIT = {InputError: 2, UsageError: 2, ContentError: 3, StoreError: 4}


def default_db() -> Path:
    """$CUSTODIET_DB, else the per-user data directory."""
    if os.environ.get("CUSTODIET_DB"):
        return Path(os.environ["CUSTODIET_DB"])
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(base) / "custodiet" / "inventory.sqlite"


def fail(exc: CustodietError) -> typer.Exit:
    from rich.markup import escape

    err.print(f"[red]error:[/red] {escape(str(exc))}")
    return typer.Exit(next((code for kind, code in EXIT.items() if isinstance(exc, kind)), 2))


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="SQLite inventory (default: $CUSTODIET_DB or ~/.local/share/custodiet/inventory.sqlite)."
    ),
]
ProfileOption = Annotated[
    str | None, typer.Option("--profile", help="Which lists apply and how (see `custodiet content list`).")
]


def parse_map(values: list[str] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in values or []:
        role, sep, header = item.partition("=")
        if not sep or not role.strip() or not header.strip():
            raise UsageError(f"--map expects ROLE=HEADER, got {item!r}")
        mapping[role.strip().lower()] = header.strip()
    return mapping


@app.command()
def audit(
    paths: Annotated[
        list[Path],
        typer.Argument(help="Scan files and folders (nmap XML, CSV inventory).", show_default=False),
    ],
    db: DbOption = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="Force the input format (nmap-xml, csv).")
    ] = None,
    column_map: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="CSV column for a role: ROLE=HEADER (roles: address, mac, hostname, vendor, model, serial, site, name).",
        ),
    ] = None,
    profile: ProfileOption = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML report.")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the report as JSON.")] = None,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="Write the device table as CSV.")] = None,
    fail_on: Annotated[
        str | None, typer.Option("--fail-on", help="'covered': exit 1 when a covered device is found.")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat skipped records as errors.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    endpoints: Annotated[
        list[Path] | None,
        typer.Option(
            "--endpoints",
            help="Your own vendor endpoints file (schema of content/endpoints.yaml), added for phone-home; repeatable.",
        ),
    ] = None,
    home_country: Annotated[
        str | None,
        typer.Option(
            "--home-country",
            help="Your country (ISO code, e.g. US): traffic to networks registered elsewhere is reported. "
            "Default: only the covered vendors' home country (CN) counts as abroad.",
        ),
    ] = None,
) -> None:
    """Audit scans and inventories: which devices come from high-risk vendors, under which rule, and why."""
    from custodiet.cli.render import progress_bar, write_reports
    from custodiet.pipeline.audit import AuditRequest
    from custodiet.pipeline.audit import audit as run_audit
    from custodiet.pipeline.context import load_context
    from custodiet.sources.base import SourceOptions
    from custodiet.store import Store

    try:
        if fail_on not in (None, "covered", "exploited"):
            raise UsageError("--fail-on accepts 'covered' or 'exploited'")
        request = AuditRequest(
            paths=tuple(paths),
            db=db or default_db(),
            format=fmt,
            source_options=SourceOptions(column_map=parse_map(column_map), strict=strict),
            endpoints=tuple(endpoints or ()),
            home_country=home_country,
        )
        request.db.parent.mkdir(parents=True, exist_ok=True)
        context = load_context(profile=profile)
        with progress_bar(quiet) as progress:
            result = run_audit(request, context, progress)
    except CustodietError as exc:
        raise fail(exc) from None
    for message in result.errors:
        err.print(f"[red]error:[/red] {_escape(message)}")
    severities: dict[str, int] = {}
    if result.run_id is not None:
        if result.reused and not quiet:
            err.print(
                f"These inputs were already audited as run {result.run_id}; the inventory is unchanged."
            )
        files = html or json_path or csv_path
        try:
            with Store(request.db) as store:
                if files or not quiet:
                    report = store.load_run(result.run_id, evidence="all" if files else "covered")
                    write_reports(report, quiet=quiet, html=html, json_path=json_path, csv_path=csv_path)
                severities = store.finding_severities(result.run_id)
        except CustodietError as exc:
            raise fail(exc) from None
    if result.errors:
        raise typer.Exit(2)
    failing = {"covered": {"covered", "exploited"}, "exploited": {"exploited"}}.get(fail_on or "", set())
    if any(severities.get(severity) for severity in failing):
        raise typer.Exit(1)


@app.command()
def identify(
    source: Annotated[str, typer.Argument(help="JSON Lines file, or - for stdin.")] = "-",
    profile: ProfileOption = None,
) -> None:
    """Identify texts: one JSON object per line in ({"id", "field", "text"}), one answer per line out."""
    from custodiet.pipeline.context import load_context
    from custodiet.pipeline.identify_lines import identify_lines

    try:
        context = load_context(profile=profile)
        if source == "-":
            identify_lines(sys.stdin.buffer, sys.stdout.buffer, context)
        else:
            try:
                handle = open(source, "rb")  # noqa: SIM115 - closed below
            except OSError as exc:
                raise InputError(f"cannot open: {exc.strerror}", file=source) from None
            with handle:
                identify_lines(handle, sys.stdout.buffer, context)
    except CustodietError as exc:
        raise fail(exc) from None


@app.command()
def explain(
    host: Annotated[str, typer.Argument(help="Device id, IP address, MAC or hostname.")],
    db: DbOption = None,
    run: Annotated[int | None, typer.Option("--run", help="Run id (default: latest).")] = None,
) -> None:
    """Show why a device was identified as it was: each observation, the signature it hit, what it set, and the confidence."""
    from custodiet.cli.render import print_explanation
    from custodiet.store import Store

    try:
        with Store(db or default_db()) as store:
            detail = store.device_detail(host, run)
            findings = [f for f in store.load_run(run).findings if f.device == detail.device.id]
    except CustodietError as exc:
        raise fail(exc) from None
    print_explanation(detail, findings)


@app.command()
def report(
    db: DbOption = None,
    run: Annotated[int | None, typer.Option("--run", help="Run id (default: latest).")] = None,
    html: Annotated[Path | None, typer.Option("--html")] = None,
    json_path: Annotated[Path | None, typer.Option("--json")] = None,
    csv_path: Annotated[Path | None, typer.Option("--csv")] = None,
) -> None:
    """Render a stored run again (terminal summary, HTML, JSON, CSV)."""
    from custodiet.cli.render import write_reports
    from custodiet.store import Store

    try:
        with Store(db or default_db()) as store:
            run_report = store.load_run(run)
    except CustodietError as exc:
        raise fail(exc) from None
    write_reports(run_report, quiet=False, html=html, json_path=json_path, csv_path=csv_path)


@app.command()
def runs(db: DbOption = None) -> None:
    """List the audit runs in the inventory."""
    from custodiet.cli.render import print_runs
    from custodiet.store import Store

    try:
        with Store(db or default_db()) as store:
            print_runs(store.runs())
    except CustodietError as exc:
        raise fail(exc) from None


@content_app.command("verify")
def content_verify() -> None:
    """Replay every signature's examples and counter-examples and check every fact's source."""
    from custodiet.cli.render import print_verify
    from custodiet.pipeline.content import verify_all

    problems, counts = verify_all()
    print_verify(problems, counts)
    if problems:
        raise typer.Exit(3)


@content_app.command("list")
def content_list(
    field: Annotated[str | None, typer.Option("--field", help="Only this field.")] = None,
    vendor: Annotated[
        str | None, typer.Option("--vendor", help="Only signatures naming this manufacturer.")
    ] = None,
) -> None:
    """List signatures (id, field, what they set, strength), lists and profiles."""
    from custodiet.cli.render import print_content_list
    from custodiet.pipeline.content import content_listing

    try:
        print_content_list(content_listing(field=field, vendor=vendor))
    except CustodietError as exc:
        raise fail(exc) from None


@content_app.command("stats")
def content_stats() -> None:
    """Signatures per manufacturer and field."""
    from custodiet.cli.render import print_content_stats
    from custodiet.pipeline.content import content_listing

    try:
        print_content_stats(content_listing())
    except CustodietError as exc:
        raise fail(exc) from None


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


if __name__ == "__main__":  # pragma: no cover
    app()
