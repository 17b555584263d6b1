"""The `custodiet` command. Thin: each command parses options, makes one library call and
renders its result. Errors become exit codes in one place, custodiet.cli.exits (the table of
codes is there and in the README): 0 done; 1 --fail-on matched; 2 usage (or a run, device or
inventory that does not exist); 3 bad detection content; 4 store problem; 5 bad input; 6 a report
could not be written; 70 internal error (a bug); 130 interrupted; 141 stdout closed.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from custodiet.cli.exits import CustodietGroup, Exit, fail, print_error
from custodiet.errors import InputError, UsageError

app = typer.Typer(
    name="custodiet",
    help="Find equipment from high-risk vendors (FCC Covered List, NDAA 889) in your own network data, and show why.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=CustodietGroup,
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

STDIN = "-"
STDIN_LABEL = "<stdin>"


def _version(value: bool) -> None:
    if value:
        from custodiet import __version__

        typer.echo(f"custodiet {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Find equipment from high-risk vendors (FCC Covered List, NDAA 889) in your own network data, and show why."""


def xdg_db() -> Path:
    """The per-user default inventory (the only place custodiet creates folders for)."""
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(base) / "custodiet" / "inventory.sqlite"


def default_db() -> Path:
    """$CUSTODIET_DB, else the per-user data directory."""
    if os.environ.get("CUSTODIET_DB"):
        return Path(os.environ["CUSTODIET_DB"])
    return xdg_db()


def inventory_for_writing(db: Path | None) -> Path:
    """The inventory an audit writes to. Its folder is created only for the per-user default
    location; a folder named by --db or $CUSTODIET_DB must exist (a typo must not silently
    start a second inventory somewhere else)."""
    path = db or default_db()
    if db is None and not os.environ.get("CUSTODIET_DB"):
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            from custodiet.errors import StoreError

            raise StoreError(
                f"cannot create the folder {path.parent}: {exc.strerror or exc}", file=str(path)
            ) from None
    return path


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        readable=False,  # an unreadable inventory is the store's to explain (exit 4), not Click's
        help="SQLite inventory (default: $CUSTODIET_DB or ~/.local/share/custodiet/inventory.sqlite).",
    ),
]
ProfileOption = Annotated[
    str | None, typer.Option("--profile", help="Which lists apply and how (see `custodiet content list`).")
]
HtmlOption = Annotated[
    Path | None, typer.Option("--html", readable=False, help="Write a self-contained HTML report.")
]
JsonOption = Annotated[
    Path | None,
    typer.Option("--json", readable=False, help="Write the report as JSON (- for standard output)."),
]
CsvOption = Annotated[
    Path | None,
    typer.Option("--csv", readable=False, help="Write the device table as CSV (- for standard output)."),
]


def parse_map(values: list[str] | None) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for item in values or []:
        role, sep, header = item.partition("=")
        if not sep or not role.strip() or not header.strip():
            raise UsageError(f"--map expects ROLE=HEADER, got {item!r}")
        mapping[role.strip().lower()] = header.strip()
    return mapping


def _formats() -> list[str]:
    from custodiet.sources.registry import READERS

    return list(READERS)


class AuditCommand(TyperCommand):
    """`audit`, whose help lists the input formats from the source registry when it is shown
    (importing every reader to build the help at start-up would slow down every command)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        formats = ", ".join(_formats())
        for param in self.params:
            if param.name == "fmt":
                param.help = f"Force the input format, one of: {formats}. Default: detected per file."  # type: ignore[attr-defined]
            elif param.name == "paths":
                param.help = (  # type: ignore[attr-defined]
                    f"Files and folders to read, or - for standard input. Formats: {formats} "
                    "(gzip-compressed too where the reader says so); detected from each file's content."
                )
        super().format_help(ctx, formatter)


@contextmanager
def _spooled_stdin(paths: list[Path]) -> Iterator[tuple[tuple[Path, ...], dict[Path, str]]]:
    """The paths with - replaced by a private copy of standard input (readers need a file they
    can detect, hash and re-read), and the labels that name it in messages and evidence."""
    if not any(str(p) == STDIN for p in paths):
        yield tuple(paths), {}
        return
    if sum(str(p) == STDIN for p in paths) > 1:
        raise UsageError("standard input (-) can be read only once")
    with tempfile.TemporaryDirectory(prefix="custodiet-stdin-") as folder:
        copy = Path(folder) / "stdin"
        with copy.open("wb") as handle:
            shutil.copyfileobj(sys.stdin.buffer, handle, 1 << 20)
        yield tuple(copy if str(p) == STDIN else p for p in paths), {copy: STDIN_LABEL}


@app.command(cls=AuditCommand)
def audit(
    paths: Annotated[
        list[Path],
        typer.Argument(
            readable=False,  # an unreadable input is that input's error; the others are still read
            help="Files and folders to read, or - for standard input (see the formats below).",
            show_default=False,
        ),
    ],
    db: DbOption = None,
    fmt: Annotated[
        str | None, typer.Option("--format", help="Force the input format (default: detected per file).")
    ] = None,
    column_map: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="CSV column for a role: ROLE=HEADER (roles: address, mac, hostname, vendor, model, serial, site, owner, name).",
        ),
    ] = None,
    profile: ProfileOption = None,
    html: HtmlOption = None,
    json_path: JsonOption = None,
    csv_path: CsvOption = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="'covered' or 'exploited': exit 1 when such a finding is made."),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Treat skipped records as errors.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
    endpoints: Annotated[
        list[Path] | None,
        typer.Option(
            "--endpoints",
            readable=False,
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
    """Audit scans, captures, logs and inventories: which devices come from high-risk vendors, under which rule, and why."""
    from custodiet.cli.output import check_targets
    from custodiet.cli.render import progress_bar
    from custodiet.pipeline.audit import AuditRequest
    from custodiet.pipeline.audit import audit as run_audit
    from custodiet.pipeline.context import load_context
    from custodiet.sources.base import SourceOptions

    if fail_on not in (None, "covered", "exploited"):
        raise UsageError(f"--fail-on accepts 'covered' or 'exploited', not {fail_on!r}")
    if fmt is not None and fmt not in _formats():
        raise UsageError(f"unknown --format {fmt!r} (known: {', '.join(_formats())})")
    column_roles = parse_map(column_map)
    check_targets(html, json_path, csv_path)
    db_path = inventory_for_writing(db)
    context = load_context(profile=profile)
    with _spooled_stdin(paths) as (inputs, labels):
        request = AuditRequest(
            paths=inputs,
            db=db_path,
            format=fmt,
            source_options=SourceOptions(column_map=column_roles, strict=strict),
            endpoints=tuple(endpoints or ()),
            home_country=home_country,
            labels=labels,
        )
        with progress_bar(quiet) as progress:
            result = run_audit(request, context, progress)
    conclude(
        result, request.db, html=html, json_path=json_path, csv_path=csv_path, fail_on=fail_on, quiet=quiet
    )


def conclude(
    result: Any,
    db_path: Path,
    *,
    html: Path | None,
    json_path: Path | None,
    csv_path: Path | None,
    fail_on: str | None,
    quiet: bool,
) -> None:
    """What `audit` and `scan` do once a run is stored: print the inputs' errors, write the
    reports, and leave with the exit code the outcome calls for (README, cli/exits.py)."""
    from custodiet.cli.render import err, shown, write_reports
    from custodiet.store import Store

    for message in result.errors:
        print_error(message)
    if result.ignored and not quiet:
        err.print(f"not audited (no input format): {shown(', '.join(result.ignored))}")
    severities: dict[str, int] = {}
    unwritten = []
    if result.run_id is not None:
        if result.reused and not quiet:
            err.print(
                f"These inputs were already audited as run {result.run_id}; the inventory is unchanged."
            )
        files = html or json_path or csv_path
        with Store(db_path, readonly=True) as store:
            if files or not quiet:
                report = store.load_run(result.run_id, evidence="all" if files else "covered")
                unwritten = write_reports(
                    report, quiet=quiet, html=html, json_path=json_path, csv_path=csv_path
                )
            severities = store.finding_severities(result.run_id)
        for problem in unwritten:
            print_error(problem)
        if unwritten:
            err.print(
                f"The run is stored as run {result.run_id}: `custodiet report --run {result.run_id}` "
                "writes its reports again."
            )
    if result.internal:
        raise typer.Exit(Exit.INTERNAL)
    if unwritten:
        raise typer.Exit(Exit.OUTPUT)
    if result.errors:
        raise typer.Exit(Exit.INPUT)
    failing = {"covered": {"covered", "exploited"}, "exploited": {"exploited"}}.get(fail_on or "", set())
    if any(severities.get(severity) for severity in failing):
        raise typer.Exit(Exit.FAIL_ON)


@app.command()
def identify(
    source: Annotated[str, typer.Argument(help="JSON Lines file, or - for standard input.")] = "-",
    profile: ProfileOption = None,
) -> None:
    """Identify texts: one JSON object per line in ({"id", "field", "text"}), one answer per line out.

    "covered" and "lists" follow --profile: the profile's lists that name the manufacturer, and
    whether one of them applies at severity covered."""
    from custodiet.pipeline.context import load_context
    from custodiet.pipeline.identify_lines import identify_lines

    context = load_context(profile=profile)
    if source == STDIN:
        identify_lines(sys.stdin.buffer, sys.stdout.buffer, context)
        return
    try:
        handle = open(source, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise InputError(f"cannot open: {exc.strerror}", file=source) from None
    with handle:
        identify_lines(handle, sys.stdout.buffer, context)


@app.command()
def explain(
    host: Annotated[str, typer.Argument(help="Device id, IP address, MAC or hostname.")],
    db: DbOption = None,
    run: Annotated[int | None, typer.Option("--run", help="Run id (default: latest).")] = None,
) -> None:
    """Show why a device was identified as it was: each observation, the signature it hit, what it set, and the confidence."""
    from custodiet.cli.render import print_explanation
    from custodiet.store import Store

    with Store(db or default_db(), readonly=True) as store:
        detail = store.device_detail(host, run)
        findings = store.device_findings(detail.device.id, run)
    print_explanation(detail, findings)


@app.command()
def report(
    db: DbOption = None,
    run: Annotated[int | None, typer.Option("--run", help="Run id (default: latest).")] = None,
    html: HtmlOption = None,
    json_path: JsonOption = None,
    csv_path: CsvOption = None,
) -> None:
    """Render a stored run again (terminal summary, HTML, JSON, CSV)."""
    from custodiet.cli.output import check_targets
    from custodiet.cli.render import write_reports
    from custodiet.store import Store

    check_targets(html, json_path, csv_path)
    with Store(db or default_db(), readonly=True) as store:
        run_report = store.load_run(run)
    unwritten = write_reports(run_report, quiet=False, html=html, json_path=json_path, csv_path=csv_path)
    for problem in unwritten:
        print_error(problem)
    if unwritten:
        raise typer.Exit(Exit.OUTPUT)


@app.command()
def runs(db: DbOption = None) -> None:
    """List the audit runs in the inventory."""
    from custodiet.cli.render import print_runs
    from custodiet.store import Store

    with Store(db or default_db(), readonly=True) as store:
        print_runs(store.runs())


@content_app.command("verify")
def content_verify() -> None:
    """Replay every signature's examples and counter-examples and check every fact's source."""
    from custodiet.cli.render import print_verify
    from custodiet.pipeline.content import verify_all

    problems, counts = verify_all()
    print_verify(problems, counts)
    if problems:
        raise typer.Exit(Exit.CONTENT)


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

    print_content_list(content_listing(field=field, vendor=vendor))


@content_app.command("stats")
def content_stats() -> None:
    """Signatures per manufacturer and field."""
    from custodiet.cli.render import print_content_stats
    from custodiet.pipeline.content import content_listing

    print_content_stats(content_listing())


__all__ = ["app", "default_db", "fail"]

from custodiet.cli import compliance as _compliance  # noqa: E402 - registers the compliance report
from custodiet.cli import inventory as _inventory  # noqa: E402 - registers history and decision commands
from custodiet.cli import serve as _serve  # noqa: E402 - registers the dashboard

_inventory.register(app)
_compliance.register(app)
_serve.register(app)

if __name__ == "__main__":  # pragma: no cover
    app()
