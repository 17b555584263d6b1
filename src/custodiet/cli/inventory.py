"""Commands over the inventory's history and decisions: diff, devices, history, waivers,
remediation and exports for ticketing and SIEM. Registered on the main app by register(); each
parses options, makes one library call and renders its result (cli/main.py turns errors into
exit codes)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from custodiet.cli.render import err

DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db", help="SQLite inventory (default: $CUSTODIET_DB or ~/.local/share/custodiet/inventory.sqlite)."
    ),
]
RunOption = Annotated[int | None, typer.Option("--run", help="Run id (default: the latest run).")]


def _main():
    from custodiet.cli import main

    return main


@contextmanager
def _store(db: Path | None, readonly: bool = True) -> Iterator:
    """The inventory; read-only unless the command records a decision (a read-only inventory
    still answers the reading commands)."""
    from custodiet.store import Store

    with Store(db or _main().default_db(), readonly=readonly) as store:
        yield store


def diff(
    db: DbOption = None,
    from_run: Annotated[
        int | None, typer.Option("--from", help="Earlier run (default: the run before --to).")
    ] = None,
    to_run: Annotated[int | None, typer.Option("--to", help="Later run (default: the latest run).")] = None,
    json_path: Annotated[
        str | None, typer.Option("--json", help="Write the diff as JSON to FILE, or - for standard output.")
    ] = None,
) -> None:
    """What changed between two runs: new, gone and changed devices (maker, model, firmware, status, address).

    A device missing from a run whose inputs did not cover its address is "not examined", not gone.
    """
    from custodiet.cli.output import write_bytes
    from custodiet.cli.render import out
    from custodiet.errors import CustodietError
    from custodiet.report.diff import render_diff, write_diff_json
    from custodiet.store import history

    main = _main()
    try:
        with _store(db) as store:
            result = history.diff(store, from_run, to_run)
        if json_path:
            write_bytes(Path(json_path), lambda handle: write_diff_json(result, handle))
    except CustodietError as exc:
        raise main.fail(exc) from None
    if json_path != "-":
        render_diff(result, out)


def devices(
    db: DbOption = None,
    run: RunOption = None,
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only devices that are: covered, review (needs review), clear."),
    ] = None,
    site: Annotated[str | None, typer.Option("--site", help="Only devices of this site.")] = None,
    maker: Annotated[
        str | None, typer.Option("--manufacturer", help="Only devices of this manufacturer.")
    ] = None,
    search: Annotated[
        str | None, typer.Option("--search", help="Words to find (address, name, model, ...).")
    ] = None,
    sort: Annotated[
        str, typer.Option("--sort", help="status, address, manufacturer, site, first_seen, ...")
    ] = "status",
    limit: Annotated[int, typer.Option("--limit", help="How many to show.")] = 50,
) -> None:
    """List a run's devices with their status, site, first and last seen and remediation state."""
    from custodiet.cli.render import print_devices
    from custodiet.errors import CustodietError
    from custodiet.store import queries

    main = _main()
    try:
        with _store(db) as store:
            run_id = store._run_id(run)
            where = queries.DeviceFilter(status=status, site=site, manufacturer=maker, text=search)
            rows, total = queries.list_devices(store, run_id, where, sort=sort, limit=limit)
    except CustodietError as exc:
        raise main.fail(exc) from None
    print_devices(run_id, rows, total)


def history_command(
    host: Annotated[str, typer.Argument(help="Device id, IP address, MAC or hostname.")],
    db: DbOption = None,
) -> None:
    """A device's history: every run that saw it and what it concluded, its waivers and remediation steps."""
    from custodiet.cli.render import print_device_history
    from custodiet.errors import CustodietError
    from custodiet.store import decisions, history

    main = _main()
    try:
        with _store(db) as store:
            device_id = decisions.resolve_device(store, host)
            versions = history.device_history(store, device_id)
            steps = decisions.remediation_log(store, device_id)
            waivers = [w for w in decisions.waivers(store) if w.device in (None, device_id)]
    except CustodietError as exc:
        raise main.fail(exc) from None
    print_device_history(device_id, versions, steps, waivers, history.today())


def waive(
    device: Annotated[
        str | None, typer.Option("--device", help="Device id, IP address, MAC or hostname.")
    ] = None,
    rule: Annotated[
        str | None,
        typer.Option(
            "--rule", help="Rule id (us-fcc-covered-list:hikvision) or list id (us-fcc-covered-list)."
        ),
    ] = None,
    who: Annotated[str, typer.Option("--who", help="Who decided.")] = "",
    why: Annotated[str, typer.Option("--why", help="Why (the justification an auditor reads).")] = "",
    until: Annotated[str, typer.Option("--until", help="Last day it applies (YYYY-MM-DD).")] = "",
    db: DbOption = None,
) -> None:
    """Accept findings for a while (a waiver): for a device, a rule, or a rule on one device. Expired waivers reopen them."""
    from custodiet.cli.render import out, shown
    from custodiet.errors import CustodietError
    from custodiet.store import decisions

    main = _main()
    try:
        with _store(db, readonly=False) as store:
            waiver = decisions.add_waiver(store, host=device, rule=rule, who=who, why=why, until=until)
    except CustodietError as exc:
        raise main.fail(exc) from None
    target = " and ".join(
        x for x in (waiver.device and f"device {waiver.device}", waiver.rule and f"rule {waiver.rule}") if x
    )
    out.print(
        f"waiver {waiver.id}: {shown(target)} until {waiver.until} ({shown(waiver.who)}: {shown(waiver.why)})"
    )


def unwaive(
    waiver_id: Annotated[int, typer.Argument(help="Waiver id (see `custodiet waivers`).")],
    who: Annotated[str, typer.Option("--who", help="Who revokes it.")] = "",
    why: Annotated[str, typer.Option("--why", help="Why.")] = "",
    db: DbOption = None,
) -> None:
    """Revoke a waiver (it stays on record): its findings are open again."""
    from custodiet.cli.render import out
    from custodiet.errors import CustodietError
    from custodiet.store import decisions

    main = _main()
    try:
        with _store(db, readonly=False) as store:
            waiver = decisions.revoke_waiver(store, waiver_id, who=who, why=why)
    except CustodietError as exc:
        raise main.fail(exc) from None
    out.print(f"waiver {waiver.id} revoked on {waiver.revoked}")


def waivers(db: DbOption = None) -> None:
    """List every waiver: active, expired and revoked."""
    from custodiet.cli.render import print_waivers
    from custodiet.errors import CustodietError
    from custodiet.store import decisions, history

    main = _main()
    try:
        with _store(db) as store:
            found = decisions.waivers(store)
    except CustodietError as exc:
        raise main.fail(exc) from None
    print_waivers(found, history.today())


def remediate(
    host: Annotated[str, typer.Argument(help="Device id, IP address, MAC or hostname.")],
    state: Annotated[
        str, typer.Option("--state", help="open, ticketed, replaced, removed or verified-absent.")
    ] = "",
    who: Annotated[str, typer.Option("--who", help="Who records it.")] = "",
    ticket: Annotated[str | None, typer.Option("--ticket", help="Ticket reference.")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note.")] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="When it happened (YYYY-MM-DD; default now).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Record a step of a device's remediation (its state is its latest step)."""
    from custodiet.cli.render import out, shown
    from custodiet.errors import CustodietError
    from custodiet.store import decisions

    main = _main()
    try:
        with _store(db, readonly=False) as store:
            step = decisions.add_remediation(
                store, host=host, state=state, who=who, ticket=ticket, note=note, at=at
            )
    except CustodietError as exc:
        raise main.fail(exc) from None
    out.print(
        f"{shown(step.device)}: {step.state} since {step.at}"
        + (f" ({shown(step.ticket)})" if step.ticket else "")
    )


def remediation(
    host: Annotated[str | None, typer.Argument(help="Only this device.")] = None,
    db: DbOption = None,
) -> None:
    """The remediation log: every step recorded, oldest first."""
    from custodiet.cli.render import print_remediation
    from custodiet.errors import CustodietError
    from custodiet.store import decisions

    main = _main()
    try:
        with _store(db) as store:
            device = decisions.resolve_device(store, host) if host else None
            steps = decisions.remediation_log(store, device)
    except CustodietError as exc:
        raise main.fail(exc) from None
    print_remediation(steps)


def export(
    db: DbOption = None,
    run: RunOption = None,
    fmt: Annotated[
        str, typer.Option("--format", help="csv or jsonl (JSON Lines, one finding per line).")
    ] = "jsonl",
    out_path: Annotated[
        str, typer.Option("--out", "-o", help="File to write, or - for standard output.")
    ] = "-",
    open_only: Annotated[bool, typer.Option("--open", help="Only open findings (not waived).")] = False,
) -> None:
    """Findings with their device, status (open / waived) and remediation, for ticketing systems and SIEMs."""
    from custodiet.cli.output import write_bytes
    from custodiet.errors import CustodietError, UsageError
    from custodiet.report.export import write_export

    main = _main()
    try:
        if fmt not in ("csv", "jsonl"):
            raise UsageError("--format accepts csv or jsonl")
        with _store(db) as store:
            report = store.load_run(run, evidence="none")
        written: list[int] = []
        write_bytes(
            Path(out_path),
            lambda handle: written.append(write_export(report, handle, fmt, open_only=open_only)),
        )
        count = written[0]
    except CustodietError as exc:
        raise main.fail(exc) from None
    if out_path != "-":
        err.print(f"wrote {count:,} findings to {out_path}")


def register(app: typer.Typer) -> None:
    app.command()(diff)
    app.command()(devices)
    app.command("history")(history_command)
    app.command()(waive)
    app.command()(unwaive)
    app.command()(waivers)
    app.command()(remediate)
    app.command()(remediation)
    app.command()(export)
