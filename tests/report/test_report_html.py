"""HTML report: complete, self-contained, and no device string can become markup or script."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from report_builders import ATTR_BANNER, BIDI, CONTROL, SCRIPT_BANNER, UNDECODABLE, hostile_run

from custodiet.model import RunReport
from custodiet.report import html as html_report
from custodiet.report import render_html

ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "span", "table", "thead", "tbody",
    "tr", "th", "td", "button", "div", "input", "label", "details", "summary", "ul", "ol", "li", "pre", "code",
    "a", "br", "script", "b",
}  # fmt: skip


class Page(HTMLParser):
    """Everything a browser would see as structure: tags, attributes, script and style bodies, text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.text: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._in = tag
            (self.scripts if tag == "script" else self.styles).append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in = None

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "script":
            self.scripts[-1] += data
        elif self._in == "style":
            self.styles[-1] += data
        else:
            self.text.append(data)


def _parse(run: RunReport) -> tuple[str, Page]:
    out = render_html(run)
    page = Page()
    page.feed(out)
    page.close()
    return out, page


def _sha(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_hostile_strings_never_become_markup() -> None:
    out, page = _parse(hostile_run())
    # Exactly our one script and one style, byte for byte.
    assert page.scripts == [html_report._JS]
    assert page.styles == [html_report._CSS]
    # No tag a banner could have smuggled in, no event handlers, no javascript: or remote URLs.
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in ("src", "srcset", "action", "formaction", "style"), (tag, name)
            if name == "href":
                assert value is not None and re.fullmatch(r"#dev-\d+", value), value
    # The hostile strings are there, as text.
    text = "".join(page.text)
    assert SCRIPT_BANNER + ATTR_BANNER in text
    assert f"cam{SCRIPT_BANNER}.example" in text
    assert f"bad address {ATTR_BANNER}" in text
    assert out.count("<script") == 1 and out.count("<img") == 0


def test_strings_inside_attributes_cannot_break_out() -> None:
    run = hostile_run()
    odd = replace(run.devices[2], addresses=(ATTR_BANNER, "' onmouseover='alert(1)"))
    out, page = _parse(replace(run, devices=(*run.devices[:2], odd)))
    assert {tag for tag, _ in page.tags} <= ALLOWED_TAGS
    assert not [name for _, attrs in page.tags for name in attrs if name.startswith("on")]
    sort_keys = [a["data-sort"] for t, a in page.tags if t == "td" and "data-sort" in a]
    assert f"9:{ATTR_BANNER}" in sort_keys
    titles = [a["title"] for t, a in page.tags if "title" in a]
    assert ATTR_BANNER in titles
    assert out.count("<script") == 1 and out.count("<img") == 0


def test_csp_allows_only_the_pages_own_style_and_script() -> None:
    _, page = _parse(hostile_run())
    csp = [
        a["content"] for t, a in page.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert len(csp) == 1
    policy = csp[0]
    assert "default-src 'none'" in policy
    assert f"script-src '{_sha(page.scripts[0])}'" in policy
    assert f"style-src '{_sha(page.styles[0])}'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_no_external_url_anywhere_but_as_quoted_text() -> None:
    out, page = _parse(hostile_run())
    for _, attrs in page.tags:
        for value in attrs.values():
            assert value is None or "//" not in value
    # URLs a device or a source sent appear only escaped in text (here: a finding's source).
    assert "https://www.fcc.gov/supplychain/coveredlist" in "".join(page.text)
    assert re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", out) is None


def test_controls_are_shown_as_escapes_and_never_raw() -> None:
    out, page = _parse(hostile_run())
    for raw in ("\x00", "\x1b", "\x07", "\x9b", "\r", "\x7f", "\u202e"):
        assert raw not in out, repr(raw)
    text = "".join(page.text)
    assert "ok\\x00nul\\x1b[2J\\x1b]8;;http://evil.example/\\x07link\\x9b31m\\x0d\\x7f" in text
    assert "cam\\u202eexe.txt" in text
    assert UNDECODABLE in text  # \xff as the source wrote it stays as is
    assert CONTROL not in text


def test_megabyte_banner_is_truncated_with_a_note() -> None:
    out, page = _parse(hostile_run())
    assert len(out) < 100_000
    assert "A" * html_report.TEXT_LIMIT in out and "A" * (html_report.TEXT_LIMIT + 1) not in out
    assert "998,000 more characters not shown" in "".join(page.text)


def test_report_content_devices_evidence_conflicts_findings() -> None:
    _, page = _parse(hostile_run())
    text = "".join(page.text)
    bodies = [
        (a.get("class"), a.get("id"))
        for t, a in page.tags
        if t == "tbody" and a.get("id", "").startswith("dev-")
    ]
    # Every device is one sortable <tbody>, covered ones highlighted by class, in the run's order.
    assert bodies == [
        ("device", "dev-0"),
        ("device covered", "dev-1"),
        ("device", "dev-2"),
        ("device review", "dev-3"),
    ]
    assert sum(1 for t, _ in page.tags if t == "details") == 4
    # Evidence rows: field, signature, what it set, strength, file and place.
    for needle in (
        "http.server/hikvision-webs",
        "manufacturer=Hikvision",
        "0.85",
        "scans/site-a.xml",
        "host 10.0.0.5 port 80/tcp",
        "brand=Amcrest, manufacturer=Dahua (relabel of Amcrest)",
        "@inventory.csv",
        "line 3",
    ):
        assert needle in text, needle
    # Conflicts and the confidence explanation.
    assert f"model: DS-2CD2143G0-I (0.85); {ATTR_BANNER} (0.60)" in text
    assert "Confidence 96%: how it was computed" in text
    assert "strong http.server/hikvision-webs: 0.85" in text
    # Findings: rule, list, entity, reason, scope caveat, sources, severity.
    for needle in (
        "us-fcc-covered-list:hikvision",
        "Hangzhou Hikvision Digital Technology Co.",
        f"manufacturer Hikvision (0.96) from {SCRIPT_BANNER}",
        "Covered for public-safety and critical-infrastructure surveillance use",
        "fcc-covered-list, https://www.fcc.gov/supplychain/coveredlist",
        "verify",
    ):
        assert needle in text, needle
    # Inputs: errors shown.
    assert "error: line 3: ok\\x00nul" in text
    assert BIDI not in text
    # Status: one word each; site, serial, owner, first and last seen, remediation.
    for needle in (
        "1 covered",
        "1 need review",
        "needs review",
        f"HQ {SCRIPT_BANNER}",
        "Serial number: SN-0001",
        "Owner: Facilities",
        "first 2025-03-01T10:00:00Z (run 3), last 2025-06-01T10:00:00Z (run 7)",
        f"ticketed 2025-06-02 (INC-{SCRIPT_BANNER})",
    ):
        assert needle in text, needle
    # Decisions: the Amcrest finding is waived (waiver 1, whole list); the Hikvision one is open
    # again (waiver 2 ended).
    assert f"waived until 2099-12-31 by alice (#1): replacement ordered {ATTR_BANNER}" in text
    assert "open (waiver #2 ended 2025-02-01)" in text
    assert "1 open, 1 waived (1 open again: their waiver ended)" in text
    # Lists with their versions, official sources first; what was examined.
    lists = text[text.index("Lists applied") :]
    assert "FCC Covered List" in lists and "2026-04-30" in lists and "2026-03-23" in lists
    assert lists.index("official") < lists.index("A summary")
    assert "10.0.0.0–10.0.0.255" in text and "nmap targets" in text


def test_sort_keys_and_filter_controls() -> None:
    _, page = _parse(hostile_run())
    assert [a.get("id") for t, a in page.tags if t == "input"] == ["filter", "covered-only", "review-only"]
    sort_keys = [a["data-sort"] for t, a in page.tags if t == "td" and "data-sort" in a]
    # address, confidence, covered for each device, in device order.
    assert sort_keys[1:3] == ["0.850000", "0"]
    addresses = sort_keys[0::3]
    # devices: 10.0.0.9, 10.0.0.5, 2001:db8::1, 10.0.0.10 -> numeric order, IPv4 before IPv6
    assert sorted(addresses) == [addresses[i] for i in (1, 0, 3, 2)]


def test_empty_run_renders() -> None:
    run = replace(hostile_run(), inputs=(), devices=(), findings=())
    _, page = _parse(run)
    assert "No finding." in "".join(page.text)
    assert page.scripts == [html_report._JS]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to syntax-check the page script")
def test_page_script_is_valid_javascript(tmp_path: Path) -> None:
    script = tmp_path / "page.js"
    script.write_text(html_report._JS)
    result = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


# A minimal stand-in for the browser DOM, enough for the page script: it lets node run the real
# script against the rendered table and report the row order after clicks and filtering.
FAKE_DOM = r"""
const data = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
function cell(c) { return { textContent: c.text, getAttribute: (n) => (n === "data-sort" && c.sort !== null ? c.sort : null) }; }
const listeners = {};
function on(name) { return { addEventListener: (ev, fn) => { listeners[name + ":" + ev] = fn; } }; }
let bodies = data.bodies.map((b) => ({
  id: b.id, hidden: false, rows: [{ cells: b.cells.map(cell), textContent: b.cells.map((c) => c.text).join("") }],
  classList: { contains: (k) => b.classes.split(" ").includes(k) },
}));
const headers = data.headers.map((h, i) => {
  const th = { attrs: {}, setAttribute(n, v) { this.attrs[n] = v; }, removeAttribute(n) { delete this.attrs[n]; },
               querySelector: () => on("header" + i) };
  return th;
});
const table = {
  getAttribute: (n) => (n === "data-page-size" ? "100" : null),
  tHead: { rows: [{ cells: headers }] },
  get tBodies() { return bodies.slice(); },
  appendChild(b) { bodies = bodies.filter((x) => x !== b); bodies.push(b); },
};
const filter = Object.assign(on("filter"), { value: "" });
const coveredOnly = Object.assign(on("covered"), { checked: false });
const shown = { textContent: "" };
global.document = { getElementById: (id) => ({ devices: table, filter: filter, "covered-only": coveredOnly, shown: shown })[id] };
eval(data.script);
const out = {};
const order = () => bodies.map((b) => b.id);
listeners["header" + data.confidence + ":click"](); out.confidenceUp = order();
listeners["header" + data.confidence + ":click"](); out.confidenceDown = order();
listeners["header0:click"](); out.address = order();
filter.value = "dahua"; listeners["filter:input"](); out.filtered = bodies.filter((b) => !b.hidden).map((b) => b.id);
out.shown = shown.textContent;
filter.value = ""; coveredOnly.checked = true; listeners["covered:change"](); out.covered = bodies.filter((b) => !b.hidden).map((b) => b.id);
console.log(JSON.stringify(out));
"""


class Table(HTMLParser):
    """The device table as data: per tbody its id, classes and main-row cells."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.bodies: list[dict] = []
        self.headers: list[str] = []
        self._cell: dict | None = None
        self._main = False
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tbody" and (a.get("id") or "").startswith("dev-"):
            self.bodies.append({"id": a["id"], "classes": a.get("class", ""), "cells": []})
        elif tag == "tr" and self.bodies:
            self._main = a.get("class") == "main"
        elif tag == "td" and self._main:
            self._cell = {"text": "", "sort": a.get("data-sort")}
            self.bodies[-1]["cells"].append(self._cell)
        elif tag == "th" and a.get("scope") == "col":
            self.headers.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self._cell = None
        if tag == "tr":
            self._main = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell["text"] += data


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node to run the page script")
def test_page_script_sorts_and_filters(tmp_path: Path) -> None:
    parsed = Table()
    parsed.feed(render_html(hostile_run()))
    (tmp_path / "data.json").write_text(
        json.dumps(
            {
                "bodies": parsed.bodies,
                "headers": parsed.headers,
                "script": html_report._JS,
                "confidence": html_report.CONFIDENCE_COLUMN,
            }
        )
    )
    (tmp_path / "dom.js").write_text(FAKE_DOM)
    result = subprocess.run(
        ["node", str(tmp_path / "dom.js"), str(tmp_path / "data.json")],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    # Devices: dev-0 printer 10.0.0.9 (0.85), dev-1 Hikvision 10.0.0.5 (0.9625), dev-2 unknown v6 (0),
    # dev-3 Dahua/Amcrest 10.0.0.10 (0.6).
    assert out["confidenceUp"] == ["dev-2", "dev-3", "dev-0", "dev-1"]
    assert out["confidenceDown"] == ["dev-1", "dev-0", "dev-3", "dev-2"]
    assert out["address"] == ["dev-1", "dev-0", "dev-3", "dev-2"]
    assert out["filtered"] == ["dev-3"] and out["shown"] == "1"
    assert sorted(out["covered"]) == ["dev-1"]
