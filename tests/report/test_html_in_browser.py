"""The HTML report in a real browser (Debian's Chromium driven by Playwright): sorting and
filtering work, nothing leaves the page, and hostile device text stays text."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("html")
    html = out / "report.html"
    subprocess.run(
        [sys.executable, "-m", "custodiet.cli.main", "audit", str(ROOT / "examples"), "--db", str(out / "db.sqlite"),
         "--html", str(html), "--quiet"],
        check=True, timeout=300,
    )  # fmt: skip
    return html


@pytest.fixture(scope="module")
def page(report: Path):  # type: ignore[no-untyped-def]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(java_script_enabled=True)
        tab = context.new_page()
        tab.requests = []  # type: ignore[attr-defined]
        tab.dialogs = []  # type: ignore[attr-defined]
        tab.errors = []  # type: ignore[attr-defined]
        tab.on("request", lambda r: tab.requests.append(r.url))  # type: ignore[attr-defined]
        tab.on("dialog", lambda d: (tab.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
        tab.on("pageerror", lambda e: tab.errors.append(str(e)))  # type: ignore[attr-defined]
        tab.goto(report.as_uri())
        tab.wait_for_selector("#devices")
        yield tab
        browser.close()


def visible_rows(page) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "#devices tbody:not([hidden]) tr.main",
        "rows => rows.map(r => Array.from(r.cells).map(c => c.getAttribute('data-sort') ?? c.textContent))",
    )


def test_page_loads_nothing_from_outside_and_runs_no_injected_script(page) -> None:  # type: ignore[no-untyped-def]
    assert [u for u in page.requests if not u.startswith("file://")] == []
    assert page.dialogs == [] and page.errors == []
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    # the hostile device's banner is on the page as text
    assert "<script>alert(1)</script>" in page.text_content("body")


def test_clicking_a_header_sorts_by_that_column(page) -> None:  # type: ignore[no-untyped-def]
    headers = page.eval_on_selector_all("#devices thead th", "ths => ths.map(t => t.textContent)")
    column = headers.index("Confidence")
    button = page.locator("#devices thead th button").nth(column)
    button.click()
    first = [float(r[column]) for r in visible_rows(page)]
    assert first == sorted(first) and len(first) > 10
    button.click()
    second = [float(r[column]) for r in visible_rows(page)]
    assert second == sorted(second, reverse=True)


def test_filter_and_covered_only(page) -> None:  # type: ignore[no-untyped-def]
    headers = page.eval_on_selector_all("#devices thead th", "ths => ths.map(t => t.textContent)")
    maker = headers.index("Manufacturer")
    page.fill("#filter", "hikvision")
    rows = visible_rows(page)
    assert rows and all("Hikvision" in " ".join(r) for r in rows)
    assert page.inner_text("#shown") == str(len(rows))
    page.fill("#filter", "")
    page.check("#covered-only")
    covered = visible_rows(page)
    assert covered and {r[maker] for r in covered} <= {"Hikvision", "Dahua", "Huawei", "ZTE", "Hytera"}
    page.uncheck("#covered-only")
    assert len(visible_rows(page)) > len(covered)
