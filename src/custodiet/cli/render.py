"""Terminal output of the CLI that is not a report: progress, explanations, content listings."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from rich.console import Console, ConsoleDimensions
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from custodiet.errors import OutputError
from custodiet.model import Finding, RunReport
from custodiet.numbers import whole_number

if TYPE_CHECKING:
    from custodiet.identify.verify import Problem
    from custodiet.pipeline.content import ContentListing
    from custodiet.store import DeviceDetail, RunInfo

# Width of output that goes to a file or a pipe: wide enough that no line is wrapped (grep and
# scripts see one line per row), not so wide that a table padded to it would be absurd.
UNWRAPPED = 4096


class _Console(Console):
    """A console that reads $COLUMNS when it prints, not only when it is created (the CLI's
    consoles live as long as the process; tests and wrappers set COLUMNS later), and that does
    not wrap at 80 columns when its output is not a terminal (Rich's default)."""

    @property
    def size(self) -> ConsoleDimensions:
        size = Console.size.fget(self)  # type: ignore[attr-defined]
        columns = os.environ.get("COLUMNS", "")
        width = whole_number(columns)
        if width:
            return ConsoleDimensions(width, size.height)
        if not self.is_terminal:
            return ConsoleDimensions(UNWRAPPED, size.height)
        return size

    @size.setter
    def size(self, new_size: tuple[int, int]) -> None:
        Console.size.fset(self, new_size)  # type: ignore[attr-defined]


out = _Console(highlight=False)
err = _Console(stderr=True, highlight=False)


def shown(text: object) -> str:
    """Device text made safe for the terminal: Rich markup escaped, control bytes as \\xNN."""
    raw = str(text)
    safe = "".join(
        ch if ch.isprintable() or ch == " " else f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}"
        for ch in raw
    )
    return escape(safe)


@contextmanager
def progress_bar(quiet: bool) -> Iterator:
    """A Rich progress display fed by the pipeline's progress(path, records, done) callback."""
    if quiet or not err.is_terminal:
        yield None
        return
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[records]:,} records"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as progress:
        tasks: dict[str, TaskID] = {}

        def update(path: str, records: int, done: bool) -> None:
            if path not in tasks:
                tasks[path] = progress.add_task(shown(path), total=None, records=0)
            progress.update(tasks[path], records=records)
            if done:
                progress.update(tasks[path], total=1, completed=1)

        yield update


def write_reports(
    run: RunReport, *, quiet: bool, html: Path | None, json_path: Path | None, csv_path: Path | None
) -> list[OutputError]:
    """The terminal summary and every report asked for; a report that cannot be written does not
    stop the others: its OutputError is returned. When a report goes to standard output (-),
    the summary goes to stderr."""
    from custodiet.cli.output import is_stdout, write_bytes, write_text
    from custodiet.report.csv_report import write_csv
    from custodiet.report.html import render_html
    from custodiet.report.json_report import write_json

    if not quiet:
        from custodiet.report.terminal import render_summary

        piped = any(is_stdout(p) for p in (html, json_path, csv_path))
        render_summary(run, err if piped else out)
        out.file.flush()
    failed: list[OutputError] = []

    def html_report(handle: BinaryIO) -> None:
        handle.write(render_html(run).encode("utf-8"))

    jobs: list[tuple[Path | None, Callable[[Path], None]]] = [
        (html, lambda p: write_bytes(p, html_report)),
        (json_path, lambda p: write_bytes(p, lambda h: write_json(run, h))),
        (csv_path, lambda p: write_text(p, lambda h: write_csv(run, h))),
    ]
    for path, job in jobs:
        if path is None:
            continue
        try:
            job(path)
        except OutputError as exc:
            failed.append(exc)
            continue
        if not is_stdout(path):
            _wrote(path, quiet)
    return failed


def _wrote(path: Path, quiet: bool) -> None:
    if not quiet:
        err.print(f"wrote {shown(path)}")


def print_explanation(detail: DeviceDetail, findings: list[Finding]) -> None:
    device = detail.device
    identity = device.identity
    out.print(
        f"[bold]{shown(device.id)}[/bold]  addresses {shown(', '.join(device.addresses))}"
        + (f"  hostnames {shown(', '.join(device.hostnames))}" if device.hostnames else "")
    )
    label = identity.manufacturer or "unidentified"
    if identity.brand:
        label += f" (brand {identity.brand})"
    out.print(
        f"identity: [bold]{shown(label)}[/bold] model {shown(identity.model or '-')} firmware {shown(identity.firmware or '-')} "
        f"type {shown(identity.device_type or '-')}  confidence [bold]{identity.confidence:.3f}[/bold]"
    )
    table = Table(title="Observations", show_lines=False)
    for column in ("source", "field", "text", "signature", "sets", "strength"):
        table.add_column(column, overflow="fold")
    for obs, matches in detail.observations:
        where = f"{obs.provenance.file} {obs.provenance.place}"
        excerpt = obs.text if len(obs.text) <= 160 else obs.text[:157] + "..."
        if not matches:
            table.add_row(shown(where), shown(obs.field), shown(excerpt), "-", "", "")
        for match in matches:
            sets = ", ".join(f"{k}={v}" for k, v in match.sets.items())
            if match.relabel:
                sets += f" (possible maker {match.relabel})"
            table.add_row(
                shown(where),
                shown(obs.field),
                shown(excerpt),
                shown(match.signature),
                shown(sets),
                f"{match.strength:.2f}",
            )
    out.print(table)
    out.print("[bold]How the confidence came out[/bold]")
    for line in identity.explanation or ("no evidence names a manufacturer",):
        out.print(f"  {shown(line)}")
    for conflict in identity.conflicts:
        values = ", ".join(f"{v} ({s:.2f})" for v, s in conflict.values)
        out.print(f"  [yellow]conflict[/yellow] on {shown(conflict.attribute)}: {shown(values)}")
    _print_traffic(detail)
    if findings:
        out.print("[bold]Findings[/bold]")
        for finding in findings:
            out.print(
                f"  [{'red' if finding.severity in ('covered', 'exploited') else 'yellow'}]{shown(finding.severity)}[/] "
                f"{shown(finding.rule)}: {shown(finding.reason)}"
            )
            out.print(f"    scope: {shown(finding.scope)}")


MAX_CONTACTS_SHOWN = 50


def _print_traffic(detail: DeviceDetail) -> None:
    """The device's traffic (busiest contacts first) and what it reached (phone-home)."""
    contacts = list(getattr(detail, "contacts", None) or ())
    if contacts:
        contacts.sort(key=lambda c: (-(c.bytes_out + c.bytes_in), -c.count))
        table = Table(title=f"Traffic ({len(contacts)} contacts, busiest first)")
        for column in (
            "kind",
            "name",
            "remote",
            "port",
            "first seen",
            "last seen",
            "count",
            "bytes out/in",
            "seen at",
        ):
            table.add_column(column, overflow="fold")
        for c in contacts[:MAX_CONTACTS_SHOWN]:
            first = c.evidence[0] if c.evidence else None
            where = f"{first.file} {first.place}" if first else ""
            if c.evidence_count > 1:
                where += f" (+{c.evidence_count - 1})"
            table.add_row(
                shown(c.kind),
                shown(c.name or ""),
                shown(c.remote or ""),
                shown(c.port or ""),
                shown(c.first_seen or ""),
                shown(c.last_seen or ""),
                f"{c.count:,}",
                f"{c.bytes_out:,}/{c.bytes_in:,}",
                shown(where),
            )
        out.print(table)
        if len(contacts) > MAX_CONTACTS_SHOWN:
            out.print(f"  … and {len(contacts) - MAX_CONTACTS_SHOWN:,} more contacts")
    facts = list(getattr(detail, "phone_home", None) or ())
    if facts:
        out.print("[bold]Phone home[/bold]")
        for fact in facts:
            where = " ".join(v for v in (fact.country, fact.asn) if v)
            style = "yellow" if fact.role == "foreign network" else "red"
            out.print(
                f"  [{style}]{shown(fact.owner)}[/] {shown(fact.role)} {shown(fact.endpoint)}"
                + (f" ({shown(where)})" if where else "")
                + f"  confidence {shown(fact.confidence)}, {fact.count:,} contacts, "
                f"{fact.bytes_out:,} bytes out, {fact.bytes_in:,} in, "
                f"{shown(fact.first_seen or '?')} → {shown(fact.last_seen or '?')}"
            )
            places = "; ".join(f"{e.file} {e.place}" for e in fact.evidence[:5])
            if places:
                out.print(f"    seen at {shown(places)}" + (" …" if len(fact.evidence) > 5 else ""))
            if fact.sources:
                out.print(f"    sources: {shown(', '.join(fact.sources))}")


def print_runs(runs: Iterable[RunInfo]) -> None:
    table = Table(title="Audit runs")
    for column in (
        "run",
        "started",
        "finished",
        "profile",
        "inputs",
        "devices",
        "covered",
        "needs review",
        "findings",
    ):
        table.add_column(column)
    table.add_column("files", overflow="fold")
    for info in runs:
        files = ", ".join(info.files[:4]) + (f" … +{len(info.files) - 4}" if len(info.files) > 4 else "")
        table.add_row(
            str(info.id),
            shown(info.started),
            shown(info.finished or "-"),
            shown(info.profile or "-"),
            str(info.inputs),
            str(info.devices),
            str(info.covered),
            str(info.review),
            str(info.findings),
            shown(files),
        )
    out.print(table)


def _status_cell(covered: bool, review: bool) -> str:
    if covered:
        return "[bold red]covered[/]"
    return "[yellow]needs review[/]" if review else "not covered"


def print_devices(run_id: int, rows, total: int) -> None:
    table = Table(title=f"Devices of run {run_id}: {len(rows):,} of {total:,}")
    for column in (
        "device",
        "addresses",
        "manufacturer / brand",
        "model",
        "site",
        "status",
        "first seen",
        "last seen",
        "remediation",
    ):
        table.add_column(column, overflow="fold")
    for row in rows:
        maker = row.manufacturer or "(unidentified)"
        if row.brand and row.brand != row.manufacturer:
            maker += f" / {row.brand}"
        table.add_row(
            shown(row.id),
            shown(", ".join(row.addresses)),
            shown(maker),
            shown(row.model or ""),
            shown(row.site or ""),
            _status_cell(row.covered, row.review),
            f"{row.first_seen[:10]} (run {row.first_run})",
            f"{row.last_seen[:10]} (run {row.last_run})",
            shown(row.remediation or ""),
        )
    out.print(table)


def print_device_history(device_id: str, versions, steps, waivers, today: str) -> None:
    out.print(f"[bold]{shown(device_id)}[/bold]")
    if versions:
        out.print(
            f"first seen {shown(versions[0].started)} (run {versions[0].run_id}), "
            f"last seen {shown(versions[-1].started)} (run {versions[-1].run_id}), in {len(versions)} run(s)"
        )
    table = Table(title="Seen in")
    for column in (
        "run",
        "started",
        "addresses",
        "manufacturer",
        "model",
        "firmware",
        "site",
        "status",
        "changed",
    ):
        table.add_column(column, overflow="fold")
    previous = None
    for version in versions:
        device = version.device
        changed = ""
        if previous is not None:
            names = [
                n
                for n in ("manufacturer", "model", "firmware", "site", "status", "addresses")
                if previous.value(n) != device.value(n)
            ]
            changed = ", ".join(names)
        table.add_row(
            str(version.run_id),
            shown(version.started),
            shown(", ".join(device.addresses)),
            shown(device.manufacturer or ""),
            shown(device.model or ""),
            shown(device.firmware or ""),
            shown(device.site or ""),
            _status_cell(device.covered, device.review),
            shown(changed),
        )
        previous = device
    out.print(table)
    if waivers:
        print_waivers(waivers, today)
    if steps:
        print_remediation(steps)


def waiver_state(waiver, today: str) -> str:
    if waiver.revoked:
        return f"revoked {waiver.revoked[:10]}"
    if today > waiver.until:
        return "expired"
    return "active"


def print_waivers(waivers, today: str) -> None:
    table = Table(title="Waivers")
    for column in ("id", "device", "rule", "until", "state", "who", "why", "created"):
        table.add_column(column, overflow="fold")
    for waiver in waivers:
        state = waiver_state(waiver, today)
        style = "green" if state == "active" else "yellow" if state == "expired" else "dim"
        table.add_row(
            str(waiver.id),
            shown(waiver.device or "(every device)"),
            shown(waiver.rule or "(every rule)"),
            shown(waiver.until),
            f"[{style}]{shown(state)}[/]",
            shown(waiver.who),
            shown(waiver.why),
            shown(waiver.created),
        )
    out.print(table)


def print_remediation(steps) -> None:
    table = Table(title="Remediation")
    for column in ("device", "state", "at", "who", "ticket", "note"):
        table.add_column(column, overflow="fold")
    for step in steps:
        table.add_row(
            shown(step.device),
            shown(step.state),
            shown(step.at),
            shown(step.who),
            shown(step.ticket or ""),
            shown(step.note or ""),
        )
    out.print(table)


def print_verify(problems: Sequence[Problem], counts: dict[str, int]) -> None:
    for problem in problems:
        err.print(f"[red]✗[/red] {shown(problem)}")
    summary = ", ".join(f"{v} {k.replace('_', '-')}" for k, v in counts.items())
    if problems:
        err.print(f"[red]{len(problems)} problem(s)[/red] in {summary}")
    else:
        out.print(f"[green]content OK[/green]: {summary}")


def print_content_list(listing: ContentListing) -> None:
    table = Table(title=f"{len(listing.signatures)} signatures")
    for column in ("id", "fields", "sets", "strength", "sources"):
        table.add_column(column, overflow="fold")
    for sig in listing.signatures:
        table.add_row(
            shown(sig.id),
            shown(", ".join(sig.fields)),
            shown(", ".join(f"{k}={v}" for k, v in sig.sets.items())),
            sig.strength,
            shown(", ".join(sig.sources)),
        )
    out.print(table)
    lists = Table(title="Lists")
    for column in ("id", "jurisdiction", "entries"):
        lists.add_column(column)
    for lst in listing.lists.values():
        lists.add_row(lst.id, lst.jurisdiction, ", ".join(e.id for e in lst.entries))
    out.print(lists)
    profiles = Table(title="Profiles (--profile)")
    for column in ("id", "default", "lists"):
        profiles.add_column(column, overflow="fold")
    for profile in listing.profiles.values():
        profiles.add_row(
            profile.id,
            "yes" if profile.default else "",
            ", ".join(f"{k} ({v})" for k, v in profile.lists.items()),
        )
    out.print(profiles)


def print_content_stats(listing: ContentListing) -> None:
    per_vendor: Counter[str] = Counter()
    per_field: Counter[str] = Counter()
    grid: Counter[tuple[str, str]] = Counter()
    for sig in listing.signatures:
        maker = sig.sets.get("manufacturer") or (
            f"brand {sig.sets['brand']}" if sig.sets.get("brand") else "(attributes only)"
        )
        per_vendor[maker] += 1
        for field in sig.fields:
            per_field[field] += 1
            grid[(maker, field)] += 1
    fields = sorted(per_field)
    table = Table(title=f"Signatures per manufacturer and field ({len(listing.signatures)} signatures)")
    table.add_column("manufacturer")
    table.add_column("total", justify="right")
    for field in fields:
        table.add_column(field, justify="right")
    for maker, total in per_vendor.most_common():
        table.add_row(shown(maker), str(total), *[str(grid[(maker, f)] or "") for f in fields])
    out.print(table)
