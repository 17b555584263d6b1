"""The section 889 report: the facts an officer signs, escaped, offline, and without script."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from report_builders import ATTR_BANNER, SCRIPT_BANNER, hostile_run

from custodiet.model import Remediation
from custodiet.report.compliance import ReportFacts, render_compliance


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _render() -> tuple[str, Tags]:
    run = hostile_run()
    steps = (
        Remediation(4, run.devices[1].id, "open", "2025-06-01T09:00:00Z", "soc"),
        *run.remediation,
    )
    out = render_compliance(
        run,
        ReportFacts(organisation=f"Org {SCRIPT_BANNER}", contract="W91-1", orders=("0001", "0002")),
        steps,
    )
    tags = Tags()
    tags.feed(out)
    return out, tags


def test_sections_and_far_data() -> None:
    _, tags = _render()
    text = " ".join("".join(tags.text).split())
    for section in (
        "1. Executive summary",
        "2. What was examined",
        "3. Lists applied, versions and sources",
        "4. Covered equipment found (1)",
        "5. Equipment that needs review (1)",
        "6. FAR 52.204-25(d) report data",
        "7. Decisions",
        "9. Review and sign-off",
    ):
        assert section in text, section
    # What was examined: the full hash and the scope.
    assert "0" * 64 in text and "10.0.0.0–10.0.0.255" in text
    # The FAR (d)(2)(i) row of the covered camera: brand, model number, item description, serial, site.
    far = text[text.index("6. FAR") : text.index("7. Decisions")]
    assert "Contract number: W91-1. Order number(s): 0001, 0002." in far
    for value in ("Hikvision", "DS-2CD2143G0-I", "camera", "SN-0001"):
        assert value in far, value
    assert f"HQ {SCRIPT_BANNER}" in far and "to be completed" in far
    assert "open 2025-06-01; ticketed 2025-06-02 (INC-" in far
    # Official sources first, marked so.
    lists = text[text.index("3. Lists applied") : text.index("4. Covered")]
    assert lists.index("[official] Covered List") < lists.index("[secondary] A summary")
    # The relabel that needs review is not in the FAR table, and its waiver is listed.
    assert "Amcrest" not in far
    assert f"replacement ordered {ATTR_BANNER}" in text


def test_no_markup_from_data_no_script_no_remote_loads() -> None:
    out, tags = _render()
    assert "<script" not in out.replace("&lt;script", "")
    assert {t for t, _ in tags.tags} <= {
        "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "p", "div", "span", "b", "table",
        "thead", "tbody", "tr", "th", "td", "ul", "ol", "li", "code", "br", "colgroup", "col",
    }  # fmt: skip
    assert not [
        name for _, attrs in tags.tags for name in attrs if name.startswith("on") or name in ("src", "href")
    ]
    csp = next(
        a["content"] for t, a in tags.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"
    )
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert re.search(r"@media print", out)
