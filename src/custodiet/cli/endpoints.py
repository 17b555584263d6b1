"""`custodiet endpoints`: the vendor infrastructure custodiet knows, and exports of it for other
tools (Zeek's Intel framework, plain domain lists for DNS filters and SIEM look-ups).

Exports hold content/endpoints.yaml plus the user's files (--endpoints, same schema). Every text
written is one line of printable characters: a user file cannot smuggle a tab or newline into a
Zeek intel row or a domain list.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, BinaryIO

import typer

from custodiet.errors import ContentError, InputError

if TYPE_CHECKING:
    from custodiet.policy.phonehome import EndpointSet

endpoints_app = typer.Typer(
    help="Vendor infrastructure (P2P, DDNS, cloud APIs) that devices phone home to: list and export.",
    no_args_is_help=True,
)

EndpointsOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--endpoints",
        readable=False,
        help="Add a user endpoints file (content/endpoints.yaml schema); repeatable.",
    ),
]

ZEEK_HEADER = "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc"
ZEEK_SOURCE = "custodiet"
DESC_LIMIT = 400


def load(user_files: list[Path] | None) -> EndpointSet:
    """Content endpoints plus user files; a bad user file is an InputError (exit 5)."""
    from custodiet.pipeline.content import load_content
    from custodiet.policy.phonehome import extend_endpoints

    content = load_content()
    files = tuple(user_files or ())
    for path in files:
        if not path.is_file():
            raise InputError("no such endpoints file", file=str(path))
    try:
        return extend_endpoints(content.endpoints, files, content.catalog, set(content.sources))
    except ContentError as exc:
        raise InputError(exc.message, file=exc.file, place=exc.place) from exc


def one_line(text: str, limit: int = DESC_LIMIT) -> str:
    """Printable, single-line, tab-free text for a TSV cell ('-' when empty, as Zeek wants)."""
    cleaned = "".join(ch if ch.isprintable() and not ch.isspace() else " " for ch in text)
    cleaned = " ".join(cleaned.split())[:limit]
    return cleaned or "-"


def zeek_intel(endpoints: EndpointSet) -> str:
    """A Zeek Intel framework file: one indicator per endpoint (Intel::DOMAIN for names, Intel::ADDR
    for single addresses, Intel::SUBNET for blocks). Zeek matches Intel::DOMAIN exactly, not
    subdomains, so the desc says the whole domain is the vendor's."""
    import ipaddress

    lines = [ZEEK_HEADER]
    seen: set[str] = set()
    for endpoint in endpoints.endpoints:
        if endpoint.host:
            indicator, kind = endpoint.host, "Intel::DOMAIN"
        elif endpoint.network:
            network = ipaddress.ip_network(endpoint.network)
            single = network.prefixlen == network.max_prefixlen
            indicator = str(network.network_address) if single else str(network)
            kind = "Intel::ADDR" if single else "Intel::SUBNET"
        else:
            continue  # neither a name nor an address (the loader does not make such an endpoint)
        if indicator in seen:
            continue
        seen.add(indicator)
        brand = f" / {endpoint.brand}" if endpoint.brand else ""
        port = f" port {endpoint.port}" if endpoint.port else ""
        desc = (
            f"{endpoint.owner}{brand} {endpoint.role_label}{port}, confidence {endpoint.confidence}"
            f" (sources: {', '.join(endpoint.sources) or '-'}): {endpoint.note}"
        )
        lines.append("\t".join((one_line(indicator, 300), kind, ZEEK_SOURCE, one_line(desc))))
    return "\n".join(lines) + "\n"


def _write(data: bytes, handle: BinaryIO) -> None:
    handle.write(data)


def domain_list(endpoints: EndpointSet) -> str:
    """Every endpoint host, one per line, sorted and unique (subdomains are the vendor's too)."""
    hosts = sorted({e.host for e in endpoints.endpoints if e.host})
    return "".join(f"{one_line(h, 300)}\n" for h in hosts)


@endpoints_app.command("list")
def list_endpoints(user_files: EndpointsOption = None) -> None:
    """List the endpoint facts (host or address, owner, side, role, port, confidence, sources)."""
    from rich.table import Table

    from custodiet.cli.render import out, shown
    from custodiet.geo import backends

    endpoints = load(user_files)
    table = Table(title=f"{len(endpoints.endpoints)} endpoints")
    for column in ("endpoint", "owner", "side", "role", "port", "confidence", "sources", "file"):
        table.add_column(column, overflow="fold")
    for e in endpoints.endpoints:
        owner = e.owner + (f" / {e.brand}" if e.brand else "")
        table.add_row(
            shown(e.indicator),
            shown(owner),
            e.side,
            shown(e.role),
            shown(e.port or ""),
            e.confidence,
            shown(", ".join(e.sources)),
            shown(e.file),
        )
    out.print(table)
    watch = ", ".join(sorted(endpoints.watch_countries)) or "none"
    out.print(f"watch countries (reported without --home-country): {shown(watch)}")
    data = backends()
    out.print(
        f"offline address data: country {shown(data['country'] or 'not installed')}, "
        f"AS {shown(data['asn'] or 'not installed')}"
    )


@endpoints_app.command("export")
def export(
    zeek_intel_path: Annotated[
        Path | None, typer.Option("--zeek-intel", readable=False, help="Write a Zeek Intel framework file.")
    ] = None,
    domains_path: Annotated[
        Path | None,
        typer.Option("--domains", readable=False, help="Write the endpoint domains, one per line."),
    ] = None,
    user_files: EndpointsOption = None,
) -> None:
    """Export the endpoints for other tools: a Zeek intel file and/or a plain domain list."""
    from custodiet.cli.output import check_targets, write_bytes
    from custodiet.cli.render import err, shown
    from custodiet.errors import UsageError

    if zeek_intel_path is None and domains_path is None:
        raise UsageError("say what to export: --zeek-intel FILE and/or --domains FILE")
    check_targets(zeek_intel_path, domains_path)
    endpoints = load(user_files)
    for path, text in ((zeek_intel_path, zeek_intel), (domains_path, domain_list)):
        if path is None:
            continue
        write_bytes(path, partial(_write, text(endpoints).encode("utf-8")))
        if str(path) != "-":
            err.print(f"wrote {shown(path)}")
