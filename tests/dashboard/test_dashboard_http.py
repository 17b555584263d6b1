"""The dashboard over HTTP: every page and its JSON, filters, sorting and paging done by the
server, escaping, headers, read-only, and clear answers to bad requests."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import urllib.parse
from pathlib import Path

import pytest
from dashboard_server import Server, get

from custodiet.store import Store, history

PAGES = ("/", "/devices", "/findings", "/sites", "/runs", "/runs/2", "/diff")


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_in_html_and_json(server: Server, path: str) -> None:
    status, headers, body = get(server.base + path)
    assert status == 200 and headers["content-type"].startswith("text/html")
    assert b"<script" not in body
    json_path = "/index.json" if path == "/" else path + ".json"
    status, headers, body = get(server.base + json_path)
    assert status == 200 and headers["content-type"] == "application/json"
    assert isinstance(json.loads(body), dict)


def test_devices_json_covered_matches_the_inventory(server: Server, inventory: Path) -> None:
    _, _, body = get(server.base + "/devices.json?covered=1")
    doc = json.loads(body)
    with Store(inventory) as store:
        run = store.load_run(evidence="none")
    covered = sorted(d.id for d in run.devices if d.covered)
    assert doc["total"] == len(covered) >= 10
    assert sorted(d["id"] for d in doc["devices"]) == covered
    assert all(d["covered"] and d["status"] == "covered" for d in doc["devices"])
    _, _, body = get(server.base + "/devices.json?status=review")
    review = json.loads(body)
    assert review["total"] == sum(d.review for d in run.devices) and all(
        d["needs_review"] for d in review["devices"]
    )


def test_server_side_paging_and_sorting(server: Server) -> None:
    _, _, body = get(server.base + "/devices.json?sort=address&per=7")
    first = json.loads(body)
    assert first["total"] == 32 and first["pages"] == 5 and len(first["devices"]) == 7
    pages = [first["devices"]]
    for page in range(2, 6):
        _, _, body = get(server.base + f"/devices.json?sort=address&per=7&page={page}")
        pages.append(json.loads(body)["devices"])
    ids = [d["id"] for page in pages for d in page]
    assert len(ids) == len(set(ids)) == 32
    firsts = [d["addresses"][0] if d["addresses"] else "" for page in pages for d in page]
    v4 = [a for a in firsts if a.count(".") == 3]
    assert v4 == sorted(v4, key=lambda a: tuple(int(x) for x in a.split(".")))  # numeric, not text order
    _, _, body = get(server.base + "/devices.json?sort=address&order=desc&per=3")
    assert [d["id"] for d in json.loads(body)["devices"]] == ids[::-1][:3]


def test_filters_by_site_maker_type_search_and_remediation(server: Server) -> None:
    def devices(query: str) -> dict:
        return json.loads(get(server.base + "/devices.json?" + query)[2])

    lobby = devices(urllib.parse.urlencode({"site": "HQ / Floor 0 / Lobby"}))
    assert lobby["total"] == 1 and lobby["devices"][0]["manufacturer"] == "Hikvision"
    dahua = devices("manufacturer=Dahua")
    assert dahua["total"] == 5 and {d["manufacturer"] for d in dahua["devices"]} == {"Dahua"}
    no_site = devices("site=(none)")
    assert no_site["total"] == 16 and all(d["site"] is None for d in no_site["devices"])
    searched = devices("q=warehouse+dahua")
    assert searched["total"] >= 1 and all("Warehouse" in (d["site"] or "") for d in searched["devices"])
    ticketed = devices("remediation=ticketed")
    assert [d["addresses"][0] for d in ticketed["devices"]] == ["127.0.0.20"]
    assert devices("type=router&status=review")["total"] == 2


def test_device_page_shows_evidence_history_and_decisions(server: Server) -> None:
    _, _, body = get(server.base + "/devices.json?q=127.0.0.25")
    device_id = json.loads(body)["devices"][0]["id"]
    status, _, page = get(server.base + "/devices/" + urllib.parse.quote(device_id))
    assert status == 200
    text = page.decode()
    assert "Evidence" in text and "History (2 runs)" in text and "isolated &lt;b&gt;VLAN&lt;/b&gt;" in text
    _, _, body = get(server.base + "/devices/" + urllib.parse.quote(device_id) + ".json")
    doc = json.loads(body)
    assert doc["device"]["id"] == device_id and doc["evidence"] and len(doc["history"]) == 2
    assert [w["who"] for w in doc["waivers"]] == ["bob"]
    ndaa = [f for f in doc["findings"] if f["list"] == "us-ndaa-fy2019-s889"]
    assert ndaa and all(f["status"] == "waived" for f in ndaa)
    assert all(f["status"] == "open" for f in doc["findings"] if f["list"] != "us-ndaa-fy2019-s889")


def test_diff_json_has_new_gone_changed(server: Server, inventory: Path) -> None:
    _, _, body = get(server.base + "/diff.json?from=1&to=2")
    doc = json.loads(body)
    assert set(doc) >= {"new", "gone", "changed", "not_examined"}
    with Store(inventory) as store:
        expected = history.diff(store, 1, 2)
    assert [d["id"] for d in doc["new"]] == [d.id for d in expected.new] and len(doc["new"]) >= 5
    assert doc["gone"] == [] and [c["id"] for c in doc["changed"]] == [c.device.id for c in expected.changed]
    for device in doc["new"]:
        assert {"id", "addresses", "manufacturer", "covered"} <= set(device)


def test_hostile_device_text_is_escaped(server: Server) -> None:
    status, _, _body = get(server.base + "/devices?q=127.0.0.37")
    assert status == 200
    _, _, doc = get(server.base + "/devices.json?q=127.0.0.37")
    device_id = json.loads(doc)["devices"][0]["id"]
    _, _, page = get(server.base + "/devices/" + urllib.parse.quote(device_id))
    text = page.decode()
    assert "<script" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert not any(raw in text for raw in ("\x00", "\x1b", "\x07", "\u202e"))  # shown escaped, never raw


def test_headers_methods_and_hosts(server: Server) -> None:
    _, headers, _ = get(server.base + "/devices")
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
    assert get(server.base + "/devices", method="POST")[0] == 405
    assert get(server.base + "/devices", headers={"Host": "evil.example"})[0] == 400
    status, headers, body = get(server.base + "/static/style.css")
    assert status == 200 and headers["content-type"].startswith("text/css") and b"--covered" in body


@pytest.mark.parametrize(
    ("path", "status", "message"),
    [
        ("/devices?run=99", 404, "has no finished run 99 (runs: 1-2"),
        ("/devices.json?run=99", 404, "has no finished run 99"),
        ("/runs/99", 404, "has no finished run 99"),
        ("/runs/x", 404, "no run 'x'"),
        ("/devices/mac:00:00:00:00:00:01", 404, "no device 'mac:00:00:00:00:00:01'"),
        ("/devices.json?page=x", 400, "page must be a whole number"),
        ("/devices.json?sort=bogus", 400, "cannot sort by 'bogus'"),
        ("/devices.json?per=100000", 400, "per must be between 1 and 500"),
        ("/diff.json?from=1&to=77", 404, "has no finished run 77"),
        ("/nothing-here", 404, "no page /nothing-here"),
    ],
)
def test_bad_requests_get_a_clear_answer(server: Server, path: str, status: int, message: str) -> None:
    code, _, body = get(server.base + path)
    assert code == status
    text = body.decode()
    if path.endswith(".json") or ".json?" in path:
        assert message in json.loads(text)["error"]
    else:
        assert message.replace("'", "&#39;") in text or message in text


def test_the_dashboard_writes_nothing(server: Server, inventory: Path) -> None:
    before = hashlib.sha256(inventory.read_bytes()).hexdigest()
    for path in PAGES:
        get(server.base + path)
    assert hashlib.sha256(inventory.read_bytes()).hexdigest() == before


def test_a_locked_inventory_gives_503_and_the_dashboard_recovers(inventory: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.sqlite"
    source = sqlite3.connect(inventory)
    target = sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    holder = sqlite3.connect(copy, isolation_level=None)
    holder.execute("PRAGMA journal_mode = WAL")
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")  # what another program holding the file looks like
    server = Server(copy, wait_for="/static/style.css")
    try:
        status, _, body = get(server.base + "/devices.json")
        assert status == 503 and "locked" in json.loads(body)["error"]
        status, _, body = get(server.base + "/devices")
        assert status == 503 and b"locked" in body
        holder.execute("ROLLBACK")
        holder.execute("PRAGMA locking_mode = NORMAL")
        holder.execute("SELECT count(*) FROM run").fetchone()  # releases the exclusive lock
        holder.close()
        assert get(server.base + "/devices.json")[0] == 200
    finally:
        server.stop()
