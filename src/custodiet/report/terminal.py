"""The run summary on the terminal (Rich).

Device strings never reach Rich as markup: they go through text.excerpt (control characters as
\\xNN, bounded length) and then into rich.text.Text objects, which Rich renders literally: no
markup, no emoji codes, no highlighting. That is stronger than rich.markup.escape on a markup
string (which has had edge cases around backslashes), and `markup` below is the one place where a
string is built as markup, with escape() on everything variable.
"""

from __future__ import annotations

from collections import Counter

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from custodiet.model import RunReport
from custodiet.report import digest
from custodiet.report.text import excerpt, percent

NAME_LIMIT = 60  # addresses, makers, models, paths in table cells
EVIDENCE_LIMIT = 160
COVERED_STYLE = "bold red"


def _t(value: object, limit: int = NAME_LIMIT, style: str = "") -> Text:
    """A table cell from an untrusted value: literal text, escapes visible, length bounded."""
    return Text(excerpt("" if value is None else str(value), limit), style=style)


def markup(template: str, *values: object) -> str:
    """A Rich markup string whose {} slots are filled with escaped, visible values."""
    return template.format(*(escape(excerpt(str(v), NAME_LIMIT)) for v in values))


def render_summary(run: RunReport, console: Console, *, max_devices: int = 50) -> None:
    """Inputs, devices by manufacturer, findings by rule, and the covered devices of one run.

    max_devices bounds the covered-devices table (most confident first): a terminal summary of
    thousands of rows helps nobody; the HTML, JSON and CSV reports list them all.
    """
    covered = [d for d in run.devices if d.covered]
    review = [d for d in run.devices if d.review]
    console.print(
        markup(
            "[bold]custodiet run {}[/] {} → {}  profile {}  content {}",
            run.run_id,
            run.started,
            run.finished,
            run.profile or "-",
            run.content_version,
        ),
        highlight=False,
    )
    decisions = digest.decision_counts(run)
    waived = f" ({decisions.open:,} open, {decisions.waived:,} waived)" if decisions.waived else ""
    console.print(
        markup(
            "{} inputs, {} devices, [{}]{} covered[/], [{}]{} need review[/], {} findings" + waived,
            len(run.inputs),
            len(run.devices),
            COVERED_STYLE if covered else "green",
            len(covered),
            "yellow" if review else "green",
            len(review),
            len(run.findings),
        ),
        highlight=False,
    )
    console.print(
        Text(
            "covered: a listed maker, confidently identified; needs review: a finding a human must settle "
            "(severity verify)",
            style="dim",
        )
    )
    console.print(_inputs(run))
    if run.devices:
        console.print(_manufacturers(run))
        if any(d.site for d in run.devices):
            console.print(_sites(run))
    if run.findings:
        console.print(_rules(run))
    if covered:
        console.print(_covered(run, max_devices))
        if len(covered) > max_devices:
            console.print(
                Text(
                    f"… and {len(covered) - max_devices:,} more covered devices: see the HTML, JSON or CSV report."
                )
            )
    else:
        console.print(Text("No covered device was identified.", style="green"))
    if review:
        console.print(_review(run, max_devices))
        if len(review) > max_devices:
            console.print(Text(f"… and {len(review) - max_devices:,} more devices that need review."))
    if run.remediation:
        states = Counter(step.state for step in run.remediation)
        console.print(
            Text("Remediation: " + ", ".join(f"{count} {state}" for state, count in sorted(states.items())))
        )
    if run.phone_home:
        _print_phone_home(run, console)
    exploited = sum(1 for f in run.findings if f.severity == "exploited")
    if exploited:
        console.print(
            Text(
                f"{exploited} finding(s) of known-exploited vulnerabilities (CISA KEV) on identified models and firmware.",
                style=COVERED_STYLE,
            )
        )
    verify = sum(1 for f in run.findings if f.severity == "verify")
    if verify:
        console.print(
            Text(
                f"{verify} finding(s) need a human check (severity 'verify'): see the HTML report.",
                style="yellow",
            )
        )
    if decisions.reopened:
        console.print(
            Text(f"{decisions.reopened} finding(s) are open again: their waiver ended.", style="yellow")
        )


def _inputs(run: RunReport) -> Table:
    table = Table(title="Inputs", box=box.SIMPLE_HEAD, title_justify="left")
    for name, justify in (
        ("File", "left"),
        ("Format", "left"),
        ("Records", "right"),
        ("Observations", "right"),
    ):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_column("Skipped", justify="right")
    table.add_column("Problems", overflow="fold")
    for item in run.inputs:
        reasons = ", ".join(f"{reason} ({count})" for reason, count in item.skip_reasons)
        problems = Text()
        if item.error:
            problems.append(excerpt(f"error: {item.error}", EVIDENCE_LIMIT), style="bold red")
        elif reasons:
            problems.append(excerpt(reasons, EVIDENCE_LIMIT), style="yellow")
        table.add_row(
            _t(item.path),
            _t(item.format, 20),
            _t(f"{item.records:,}"),
            _t(f"{item.observations:,}"),
            _t(f"{item.skipped:,}", style="yellow" if item.skipped else ""),
            problems,
        )
    return table


def _manufacturers(run: RunReport) -> Table:
    return _counts("Devices by manufacturer", "Manufacturer", digest.by_manufacturer(run.devices))


def _sites(run: RunReport) -> Table:
    return _counts("Devices by site", "Site", digest.by_site(run.devices))


def _counts(title: str, label: str, rows: list[digest.MakerCount]) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column(label)
    table.add_column("Devices", justify="right")
    table.add_column("Covered", justify="right")
    table.add_column("Needs review", justify="right")
    for row in rows:
        style = COVERED_STYLE if row.covered else ""
        table.add_row(
            _t(row.manufacturer, style=style),
            _t(f"{row.devices:,}"),
            _t(f"{row.covered:,}", style=style),
            _t(f"{row.review:,}", style="yellow" if row.review else ""),
        )
    return table


def _review(run: RunReport, limit: int) -> Table:
    table = Table(title="Needs review", box=box.SIMPLE_HEAD, title_justify="left", title_style="yellow")
    for name in ("Address", "Manufacturer / brand", "Model", "Confidence"):
        table.add_column(name, justify="right" if name == "Confidence" else "left")
    table.add_column("What to check", overflow="fold")
    by_device = digest.findings_by_device(run.findings)
    devices = sorted((d for d in run.devices if d.review), key=lambda d: (-d.identity.confidence, d.id))
    for device in devices[:limit]:
        checks = [
            f.reason.split("verify: ", 1)[-1] for f in by_device.get(device.id, []) if f.severity == "verify"
        ]
        table.add_row(
            _t(digest.address(device), style="bold"),
            _t(digest.maker(device)),
            _t(device.identity.model),
            _t(percent(device.identity.confidence)),
            _t(checks[0] if checks else "", EVIDENCE_LIMIT),
        )
    return table


def _rules(run: RunReport) -> Table:
    table = Table(title="Findings by list and rule", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("List")
    table.add_column("Rule")
    table.add_column("Entity")
    table.add_column("Devices", justify="right")
    table.add_column("Severity")
    for row in digest.by_rule(run.findings):
        severity = Text()
        for i, (name, count) in enumerate(row.severities):
            if i:
                severity.append(", ")
            severity.append(
                excerpt(f"{name} {count}", 30),
                style=COVERED_STYLE if name in ("covered", "exploited") else "",
            )
        table.add_row(_t(row.list), _t(row.rule), _t(row.entity), _t(f"{row.devices:,}"), severity)
    return table


def _covered(run: RunReport, limit: int) -> Table:
    table = Table(
        title="Covered devices", box=box.SIMPLE_HEAD, title_justify="left", title_style=COVERED_STYLE
    )
    for name in ("Address", "Manufacturer / brand", "Model", "Firmware", "Confidence"):
        table.add_column(name, justify="right" if name == "Confidence" else "left")
    table.add_column("Strongest evidence", overflow="fold")  # fold: long tokens wrap, nothing hidden
    devices = sorted((d for d in run.devices if d.covered), key=lambda d: (-d.identity.confidence, d.id))
    for device in devices[:limit]:
        ident = device.identity
        table.add_row(
            _t(digest.address(device), style="bold"),
            _t(digest.maker(device), style=COVERED_STYLE),
            _t(ident.model),
            _t(ident.firmware),
            _t(percent(ident.confidence)),
            _t(digest.evidence_line(digest.strongest(device)), EVIDENCE_LIMIT),
        )
    return table


def _print_phone_home(run: RunReport, console: Console) -> None:
    """Vendor endpoints reached (by owner and role) and foreign networks (by country)."""
    vendor = digest.phone_home_by_owner(run.phone_home)
    if vendor:
        table = Table(
            title="Phone home: vendor infrastructure reached",
            box=box.SIMPLE_HEAD,
            title_justify="left",
            title_style=COVERED_STYLE,
        )
        for name in ("Owner", "Role", "Confidence", "Devices", "Contacts"):
            table.add_column(name, justify="right" if name in ("Devices", "Contacts") else "left")
        table.add_column("Endpoints", overflow="fold")
        for row in vendor:
            endpoints = ", ".join(row.endpoints[:4])
            if len(row.endpoints) > 4:
                endpoints += f" … and {len(row.endpoints) - 4} more"
            table.add_row(
                _t(row.owner, style=COVERED_STYLE),
                _t(row.role),
                _t(row.confidence, 10),
                _t(f"{row.devices:,}"),
                _t(f"{row.contacts:,}"),
                _t(endpoints, EVIDENCE_LIMIT),
            )
        console.print(table)
    foreign = digest.foreign_by_country(run.phone_home)
    if foreign:
        table = Table(title="Phone home: foreign networks", box=box.SIMPLE_HEAD, title_justify="left")
        for name in ("Country", "Devices", "Addresses", "Bytes sent"):
            table.add_column(name, justify="left" if name == "Country" else "right")
        table.add_column("Busiest networks", overflow="fold")
        for country in foreign:
            table.add_row(
                _t(country.country, 8),
                _t(f"{country.devices:,}"),
                _t(f"{country.addresses:,}"),
                _t(f"{country.bytes_out:,}"),
                _t("; ".join(country.networks), EVIDENCE_LIMIT),
            )
        console.print(table)
