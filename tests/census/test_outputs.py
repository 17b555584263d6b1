"""What a census writes: the footprint with its units, the AIGS comparison as data, trends over
kept snapshots, CSV cells safe in spreadsheets, and the page in a real browser (offline)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from custodiet.census import aigs
from custodiet.census.run import CensusRequest, census
from custodiet.errors import UsageError

from . import synth

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HOSTS = synth.hosts(400, seed=21, covered_share=0.5)


@pytest.fixture(scope="module")
def out(context, tmp_path_factory) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("outputs")
    first = folder / "a.jsonl"
    first.write_bytes(synth.shodan(HOSTS[:200]))
    both = folder / "b.jsonl"
    both.write_bytes(synth.shodan(HOSTS))
    census(CensusRequest(paths=(first,), out=folder / "out", snapshot="2025-01-15"), context)
    census(CensusRequest(paths=(both,), out=folder / "out", snapshot="2025-07-15"), context)
    return folder / "out"


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_footprint_and_units(out: Path) -> None:
    rows = read_csv(out / "footprint.csv")
    assert list(rows[0])[:7] == [
        "country",
        "manufacturer",
        "device_type",
        "covered",
        "lists",
        "hosts",
        "services",
    ]
    labelled: dict[tuple[str, str], int] = {}
    for host in HOSTS:
        if host.label in ("Hikvision", "Huawei", "ZTE"):  # makers every public banner of names
            labelled[(host.country, host.label)] = labelled.get((host.country, host.label), 0) + 1
    counted: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["country"], row["manufacturer"])
        if key in labelled:
            counted[key] = counted.get(key, 0) + int(row["hosts"])
    assert counted == labelled
    meta = json.loads((out / "footprint.csv-metadata.json").read_text())
    assert "a host is one IP address" in meta["dc:description"].replace(
        "host: one IP address", "a host is one IP address"
    )
    hosts_column = next(c for c in meta["tableSchema"]["columns"] if c["name"] == "hosts")
    assert "IP address" in hosts_column["dc:description"]
    schema = pq.read_schema(out / "footprint.parquet")
    assert b"IP address" in schema.metadata[b"units"]
    assert b"IP address" in schema.field("hosts").metadata[b"description"]
    summary = json.loads((out / "census.json").read_text())
    assert summary["units"]["hosts"] == "host: one IP address" and summary["snapshot"] == "2025-07-15"


def test_trends_over_snapshots(out: Path) -> None:
    rows = read_csv(out / "trends.csv")
    assert {r["snapshot"] for r in rows} == {"2025-01-15", "2025-07-15"}
    totals = {
        s: sum(int(r["hosts"]) for r in rows if r["snapshot"] == s and r["covered"] == "true")
        for s in ("2025-01-15", "2025-07-15")
    }
    assert 0 < totals["2025-01-15"] < totals["2025-07-15"]
    assert (out / "snapshots" / "2025-01-15" / "footprint.parquet").exists()


def test_comparison_is_data(out: Path, context) -> None:  # type: ignore[no-untyped-def]
    rows = {r["country"]: r for r in read_csv(out / "comparison.csv")}
    argentina = rows["AR"]  # 2019: "Axis, Bosch, Dahua, Huawei, NEC, ZTE"
    assert argentina["aigs_2019_listed"] == "true"
    assert argentina["aigs_2019_covered_suppliers"] == "Dahua;Huawei;ZTE"
    assert rows["US"]["aigs_2022_technologies"] == "4"
    measured = {m.split(":")[0] for m in rows["US"]["census_covered_makers"].split(";") if m}
    assert measured and measured <= {"Hikvision", "Dahua", "Huawei", "ZTE"}
    assert set(rows["US"]["documented_and_measured"].split(";")) - {""} <= measured
    assert len([r for r in rows.values() if r["aigs_2019_listed"] == "true"]) == 75
    assert len([r for r in rows.values() if r["aigs_2022_listed"] == "true"]) == 97


def test_aigs_tables_and_names() -> None:
    docs = aigs.documented()
    assert sum(d.listed_2019 for d in docs.values()) == 75
    assert sum(d.listed_2022 for d in docs.values()) == 97
    assert sum(bool(d.safe_city_2019) for d in docs.values()) == 56
    assert sum(bool(d.chinese_supplier_2019) for d in docs.values()) == 63
    assert sum(bool(d.facial_recognition_2022) for d in docs.values()) == 78
    assert (
        docs["MM"].listed_2019 and docs["GB"].listed_2019 and docs["CI"].listed_2022
    )  # cut-off names mapped
    assert all(len(code) == 2 and code.isupper() for code in aigs.iso_map().values())


def test_csv_cells_are_formula_safe(context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import pyarrow as pa

    from custodiet.census.outputs import write_csv

    write_csv(tmp_path / "x.csv", pa.table({"brand": ['=HYPERLINK("x")', "+1", "ok"], "hosts": [1, 2, 3]}))
    cells = [r["brand"] for r in read_csv(tmp_path / "x.csv")]
    assert cells == ['\'=HYPERLINK("x")', "'+1", "ok"]


def test_bad_snapshot_date(context, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "a.jsonl"
    path.write_bytes(synth.shodan(HOSTS[:3]))
    for bad in ("2025-13-01", "yesterday", "../../etc"):
        with pytest.raises(UsageError):
            census(CensusRequest(paths=(path,), out=tmp_path / "o", snapshot=bad), context)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
def test_page_in_browser(out: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
    ]
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        page = browser.new_page()
        requests: list[str] = []
        errors: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto((out / "census.html").as_uri())
        assert requests == [(out / "census.html").as_uri()]  # nothing else is loaded
        assert errors == []
        assert page.locator("#world path.country").count() > 150
        us = page.locator('#world path[data-country="US"]')
        assert us.get_attribute("fill") != "#f1f3f4"  # covered hosts there: coloured
        assert "covered" in us.locator("title").text_content()
        assert page.locator("#top-chart rect").count() > 5
        assert page.locator("#trend-chart polyline").count() >= 1
        assert "IP address" in page.locator("#units").text_content()
        box = page.locator('input[data-filter="country-list"]')
        total = page.locator("#country-list details").count()
        box.fill("Brazil")
        visible = page.locator("#country-list details:not([hidden])").count()
        assert total > 10 and visible == 1
        browser.close()
