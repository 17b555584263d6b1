"""The dashboard in a real browser (Debian's Chromium through Playwright): pages render with their
charts, the filter form and the sort links and pager are served by the server, no script runs,
nothing loads from elsewhere. Screenshots are kept in the test's temporary folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dashboard_server import Server

from custodiet.store import Store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")


@pytest.fixture(scope="module")
def browser_page(server: Server):  # type: ignore[no-untyped-def]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.requests = []  # type: ignore[attr-defined]
        page.errors = []  # type: ignore[attr-defined]
        page.on("request", lambda r: page.requests.append(r.url))  # type: ignore[attr-defined]
        page.on("pageerror", lambda e: page.errors.append(str(e)))  # type: ignore[attr-defined]
        page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
        yield page
        browser.close()


def rows(page) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        "#device-table tbody tr", "trs => trs.map(tr => Array.from(tr.cells).map(c => c.innerText.trim()))"
    )


def _covered(inventory: Path) -> int:
    with Store(inventory) as store:
        return store.runs()[-1].covered


def test_overview_renders_with_charts_and_loads_nothing_else(
    browser_page, server: Server, inventory: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.goto(server.base + "/")
    assert page.inner_text("h1") == "Inventory overview"
    assert page.locator("svg.chart").count() == 4
    assert page.locator(".card.bad b").inner_text() == str(_covered(inventory))
    assert page.evaluate("document.scripts.length") == 0
    assert (
        page.evaluate("getComputedStyle(document.querySelector('header')).display") == "flex"
    )  # the stylesheet applied
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)
    assert [u for u in page.requests if not u.startswith(server.base)] == []
    assert page.errors == []


def test_filter_form_sorting_and_paging(
    browser_page, server: Server, inventory: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.goto(server.base + "/devices?per=10")
    assert page.inner_text("#total") == "32" and len(rows(page)) == 10
    page.select_option("select[name=status]", "covered")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/devices?*status=covered*")
    assert page.inner_text("#total") == str(_covered(inventory))
    assert all("covered" in r[8] for r in rows(page))
    page.screenshot(path=str(tmp_path / "devices-covered.png"), full_page=True)
    # Sort by address (a link the server answers), then page through.
    page.goto(server.base + "/devices?per=10")
    page.click("#device-table th a:text('Address')")
    first_page = [r[0] for r in rows(page)]
    assert first_page[:3] == ["127.0.0.20", "127.0.0.21", "127.0.0.22"]
    page.click("nav.pager a[rel=next] >> nth=0")
    second_page = [r[0] for r in rows(page)]
    assert second_page and not set(second_page) & set(first_page)
    assert "page 2 of 4" in page.inner_text("nav.pager")
    page.click("#device-table th a:text('Address')")  # again: reversed
    assert next(r[0] for r in rows(page)) != first_page[0]
    page.fill("input[name=q]", "lobby")
    page.click("form.filters button[type=submit]")
    assert page.inner_text("#total") == "1"
    assert page.errors == []


def test_device_page_from_the_list(browser_page, server: Server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = browser_page
    page.goto(server.base + "/devices?q=127.0.0.20")
    page.click("#device-table tbody tr >> nth=0 >> a")
    page.wait_for_selector("text=History (2 runs)")
    assert "ticketed" in page.inner_text("main")
    assert page.locator("h2:text('Evidence')").count() == 1
    page.screenshot(path=str(tmp_path / "device.png"), full_page=True)
    page.goto(server.base + "/diff")
    assert int(page.inner_text("#count-new")) >= 5 and page.inner_text("#count-gone") == "0"
    page.goto(server.base + "/sites")
    assert page.locator("svg.chart").count() == 2
    page.screenshot(path=str(tmp_path / "sites.png"), full_page=True)
    assert page.errors == []
