"""`custodiet compliance`: the section 889 report of a run, as printable HTML, and as PDF when
Playwright and a Chromium are there to print it (optional: the HTML prints from any browser)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Annotated, BinaryIO

import typer

from custodiet.cli.inventory import DbOption, RunOption, _main, _store
from custodiet.cli.render import err


def _chromium() -> str | None:
    """A Chromium to print with: $CUSTODIET_CHROMIUM, else Debian's, else Playwright's own."""
    for candidate in (os.environ.get("CUSTODIET_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def write_pdf(html_path: Path, pdf_path: Path) -> None:
    """Print the HTML file to PDF with headless Chromium (Playwright), offline: the page loads
    nothing (its CSP allows no request) and the browser runs with networking features off."""
    from custodiet.errors import UsageError

    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise UsageError(
            "--pdf needs Playwright (pip install playwright) and Chromium; or open the HTML report in a "
            "browser and print it to PDF"
        ) from None
    executable = _chromium()
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, args=flags)
        except Exception as exc:
            raise UsageError(
                f"--pdf: cannot start Chromium ({exc.__class__.__name__}): install chromium"
            ) from None
        try:
            page = browser.new_page()
            page.goto(html_path.resolve().as_uri())
            page.pdf(path=str(pdf_path), format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            browser.close()


def compliance(
    html_path: Annotated[Path, typer.Option("--html", help="Write the report as printable HTML here.")],
    db: DbOption = None,
    run: RunOption = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Also print it to PDF (needs Playwright and Chromium).")
    ] = None,
    organisation: Annotated[str | None, typer.Option("--organisation", help="Whose network this is.")] = None,
    contract: Annotated[
        str | None, typer.Option("--contract", help="Contract number (FAR 52.204-25(d)).")
    ] = None,
    order: Annotated[list[str] | None, typer.Option("--order", help="Order number; repeatable.")] = None,
    prepared_by: Annotated[str | None, typer.Option("--prepared-by", help="Who prepared the report.")] = None,
) -> None:
    """Write the section 889 compliance report of a run: what was examined, covered equipment with
    evidence, decisions and remediation, list versions and sources, FAR 52.204-25(d) data, sign-off."""
    from custodiet.cli.output import write_bytes
    from custodiet.errors import CustodietError
    from custodiet.report.compliance import ReportFacts, render_compliance
    from custodiet.store import decisions

    main = _main()
    try:
        with _store(db) as store:
            report = store.load_run(run, evidence="all")
            steps = decisions.remediation_log(store)
        facts = ReportFacts(
            organisation=organisation, contract=contract, orders=tuple(order or ()), prepared_by=prepared_by
        )
        page = render_compliance(report, facts, steps).encode("utf-8")

        def write_page(handle: BinaryIO) -> None:
            handle.write(page)

        write_bytes(html_path, write_page)
        err.print(f"wrote {html_path}")
        if pdf is not None:
            write_pdf(html_path, pdf)
            err.print(f"wrote {pdf}")
    except CustodietError as exc:
        raise main.fail(exc) from None


def register(app: typer.Typer) -> None:
    app.command()(compliance)
