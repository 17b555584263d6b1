"""`custodiet scan TARGET...`: ask the devices in scope who they are, then audit their answers.

Thin like the other commands: options to a ScanRequest, one pipeline call, the same reports and
exit codes as `audit` (0 done, 1 --fail-on matched, 2 bad input or usage, 3 content, 4 store).
This module imports cli.main lazily (main registers this command).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from custodiet.errors import UsageError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress


def scan_command(
    targets: Annotated[
        list[str],
        typer.Argument(
            help="Addresses, CIDR networks (10.0.0.0/24), ranges (10.0.0.5-40), host names, or files of them.",
            show_default=False,
        ),
    ],
    exclude: Annotated[
        list[str] | None,
        typer.Option("--exclude", help="Never contact these (same forms as targets); repeatable."),
    ] = None,
    ports: Annotated[
        str | None,
        typer.Option(
            "--ports",
            help="Ports to probe, e.g. 22,80,443,8000-8010,U:1900,U:3702 (default: the identity ports; "
            "a list without U: entries has no UDP probes).",
        ),
    ] = None,
    rate: Annotated[
        float, typer.Option("--rate", help="New connections and datagrams per second, all hosts together.")
    ] = 1000.0,
    timeout: Annotated[
        float,
        typer.Option("--timeout", help="Seconds to wait for a connection or for the next bytes of a reply."),
    ] = 2.0,
    per_host: Annotated[int, typer.Option("--per-host", help="Connections open at once to one host.")] = 4,
    local_discovery: Annotated[
        bool,
        typer.Option(
            "--local-discovery",
            help="Also ask the local link (SSDP, WS-Discovery, mDNS, Hikvision SADP multicast), only on "
            "interfaces whose whole network is in scope.",
        ),
    ] = False,
    snmp_community: Annotated[
        list[str] | None,
        typer.Option(
            "--snmp-community", help="SNMP community you are allowed to use (v2c); repeatable. Never guessed."
        ),
    ] = None,
    snmp_version: Annotated[
        str, typer.Option("--snmp-version", help="1 or 2c (for --snmp-community).")
    ] = "2c",
    snmp_user: Annotated[
        str | None,
        typer.Option("--snmp-user", help="SNMPv3 user you are allowed to use (USM). Never guessed."),
    ] = None,
    snmp_auth_protocol: Annotated[
        str | None,
        typer.Option(
            "--snmp-auth-protocol",
            help="SNMPv3 authentication: MD5, SHA, SHA-224, SHA-256, SHA-384, SHA-512.",
        ),
    ] = None,
    snmp_auth_password: Annotated[
        str | None,
        typer.Option(
            "--snmp-auth-password",
            envvar="CUSTODIET_SNMP_AUTH_PASSWORD",
            help="SNMPv3 authentication password (or $CUSTODIET_SNMP_AUTH_PASSWORD).",
        ),
    ] = None,
    snmp_priv_protocol: Annotated[
        str | None, typer.Option("--snmp-priv-protocol", help="SNMPv3 privacy: AES (AES-128).")
    ] = None,
    snmp_priv_password: Annotated[
        str | None,
        typer.Option(
            "--snmp-priv-password",
            envvar="CUSTODIET_SNMP_PRIV_PASSWORD",
            help="SNMPv3 privacy password (or $CUSTODIET_SNMP_PRIV_PASSWORD).",
        ),
    ] = None,
    assume_up: Annotated[
        bool, typer.Option("--assume-up", help="Send UDP probes also to hosts that answered nothing on TCP.")
    ] = False,
    replies: Annotated[
        Path | None,
        typer.Option(
            "--replies", help="Where to write the raw replies (JSON Lines; default: beside the inventory)."
        ),
    ] = None,
    inputs: Annotated[
        list[Path] | None,
        typer.Option(
            "--with", help="Other inputs (nmap XML, inventories, captures) audited together; repeatable."
        ),
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="SQLite inventory.")] = None,
    profile: Annotated[str | None, typer.Option("--profile", help="Which lists apply and how.")] = None,
    html: Annotated[Path | None, typer.Option("--html", help="Write a self-contained HTML report.")] = None,
    json_path: Annotated[Path | None, typer.Option("--json", help="Write the report as JSON.")] = None,
    csv_path: Annotated[Path | None, typer.Option("--csv", help="Write the device table as CSV.")] = None,
    fail_on: Annotated[
        str | None,
        typer.Option("--fail-on", help="'covered' or 'exploited': exit 1 when such a finding is made."),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress or summary.")] = False,
) -> None:
    """Probe the devices in scope (read-only identity questions), then judge them like `audit`."""
    from custodiet.cli.main import conclude, inventory_for_writing
    from custodiet.cli.output import check_targets
    from custodiet.cli.render import err, progress_bar
    from custodiet.pipeline.context import load_context
    from custodiet.pipeline.scan import ScanRequest, default_replies_path
    from custodiet.pipeline.scan import scan as run_scan
    from custodiet.scan.engine import ScanPlan
    from custodiet.scan.probes import DEFAULT_TCP_PORTS, DEFAULT_UDP_PORTS
    from custodiet.scan.scope import Scope, interfaces_in_scope, parse_ports
    from custodiet.scan.snmp import SnmpCredentials, SnmpV3User

    if fail_on not in (None, "covered", "exploited"):
        raise UsageError("--fail-on accepts 'covered' or 'exploited'")
    if rate <= 0 or timeout <= 0 or per_host < 1:
        raise UsageError("--rate and --timeout must be positive, --per-host at least 1")
    if snmp_version not in ("1", "2c"):
        raise UsageError("--snmp-version accepts 1 or 2c")
    v3 = None
    if snmp_user:
        try:
            v3 = SnmpV3User(
                snmp_user,
                (snmp_auth_protocol or "SHA").upper() if snmp_auth_password else None,
                snmp_auth_password,
                (snmp_priv_protocol or "AES").upper() if snmp_priv_password else None,
                snmp_priv_password,
            )
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    elif snmp_auth_password or snmp_priv_password:
        raise UsageError("SNMPv3 passwords need --snmp-user")
    scope = Scope.parse(targets, exclude or ())
    tcp, udp = parse_ports(ports, DEFAULT_TCP_PORTS, DEFAULT_UDP_PORTS)
    interfaces: list[tuple[str, str]] = []
    if local_discovery:
        found = interfaces_in_scope(scope)
        interfaces = [(name, address) for name, address, _net in found]
        if not quiet:
            if found:
                shown = ", ".join(f"{name} ({net})" for name, _a, net in found)
                err.print(f"local discovery on {shown}")
            else:
                err.print("local discovery: no interface whose whole network is in scope; skipped")
    plan = ScanPlan(
        scope=scope,
        tcp_ports=tuple(tcp),
        udp_ports=tuple(udp),
        rate=rate,
        timeout=timeout,
        per_host=per_host,
        snmp=SnmpCredentials(tuple(snmp_community or ()), snmp_version, v3) if snmp_community or v3 else None,
        local_discovery=local_discovery,
        multicast_interfaces=tuple(interfaces),
        assume_up=assume_up,
    )
    check_targets(html, json_path, csv_path)
    database = inventory_for_writing(db)
    request = ScanRequest(
        plan=plan,
        db=database,
        replies=replies or default_replies_path(database),
        inputs=tuple(inputs or ()),
    )
    context = load_context(profile=profile)
    with _host_bar(quiet, err) as host_progress, progress_bar(quiet) as audit_progress:
        result = run_scan(request, context, host_progress, audit_progress)
    summary = result.summary
    if not quiet:
        state = "interrupted after" if summary.interrupted else "done:"
        err.print(
            f"scan {state} {summary.hosts_done}/{summary.hosts} hosts, {summary.hosts_up} answered, "
            f"{summary.records} replies in {summary.seconds:.1f} s; {summary.connections} connections, "
            f"{summary.datagrams} datagrams; {summary.refused} destinations refused as out of scope"
            + (
                f", {summary.discovery_ignored} discovery replies from outside the scope ignored"
                if summary.discovery_ignored
                else ""
            )
        )
        err.print(f"raw replies: {result.replies}")
    conclude(
        result.audit,
        request.db,
        html=html,
        json_path=json_path,
        csv_path=csv_path,
        fail_on=fail_on,
        quiet=quiet,
    )


class _host_bar:
    """A Rich progress bar of hosts done / total (none when quiet or not on a terminal)."""

    def __init__(self, quiet: bool, console: Console) -> None:
        self.quiet = quiet
        self.console = console
        self.progress: Progress | None = None

    def __enter__(self) -> Callable[[int, int], None] | None:
        if self.quiet or not self.console.is_terminal:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("scanning"), BarColumn(), MofNCompleteColumn(), TextColumn("hosts"), TimeElapsedColumn(),
            console=self.console,
        )  # fmt: skip
        self.progress.__enter__()
        task = self.progress.add_task("hosts", total=None)
        progress = self.progress

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.progress is not None:
            self.progress.__exit__(None, None, None)
