"""census.html: one self-contained page, offline, with charts and a world map.

Charts are SVG written here (no chart library, no CDN); the map's country shapes ship in
census/assets (Natural Earth, public domain; see its README). Safety as in report/html.py:
every text goes through html.escape; a Content-Security-Policy allows exactly this page's one
<style> and one <script> (by hash) and no load from anywhere; the script only hides rows and
reorders them, reading textContent.

What the page shows: the units; covered hosts per country on a map; the top countries as
stacked bars with their confidence band (high-confidence hosts .. hosts + hints); each maker's
footprint with its confidence bands and how much of it carries other brands (relabel shares);
the comparison with Carnegie's AIGS index; trends over the kept snapshots; one table per country.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
from collections import defaultdict
from functools import lru_cache
from html import escape
from importlib import resources

import pyarrow as pa

from custodiet.census.model import UNKNOWN_COUNTRY, CensusTables
from custodiet.census.outputs import HOST_UNIT, SERVICE_UNIT

PALETTE = ("#b00020", "#e8710a", "#1a73e8", "#188038", "#9334e6", "#c5221f", "#007b83", "#5f6368")
MAP_SCALE = ("#f1f3f4", "#fde0dc", "#f9bdbb", "#f69988", "#f36c60", "#e84e40", "#d01716", "#a00000")

_CSS = """
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 1.5rem; color: #202124; max-width: 1200px; }
h1 { font-size: 1.4rem; margin: 0 0 .3rem; } h2 { font-size: 1.1rem; margin: 2rem 0 .5rem; }
.meta, .note { color: #5f6368; } .units { background: #f1f3f4; padding: .5rem .8rem; border-radius: 4px; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 1rem; }
th, td { text-align: left; padding: .25rem .5rem; border-bottom: 1px solid #dadce0; vertical-align: top; }
th { cursor: pointer; user-select: none; } td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.covered { color: #b00020; font-weight: 600; }
svg text { font: 11px system-ui, sans-serif; fill: #202124; }
svg .country:hover { stroke: #202124; stroke-width: 1; }
details { margin: .2rem 0; } summary { cursor: pointer; }
input[type=search] { padding: .3rem .5rem; width: 20rem; margin: .3rem 0; }
.legend span { display: inline-block; margin-right: 1rem; } .sw { display: inline-block; width: .8rem; height: .8rem; vertical-align: middle; margin-right: .3rem; }
"""

_JS = """
document.querySelectorAll('input[data-filter]').forEach(function (box) {
  var target = document.getElementById(box.getAttribute('data-filter'));
  box.addEventListener('input', function () {
    var q = box.value.toLowerCase();
    target.querySelectorAll('[data-row]').forEach(function (row) {
      row.hidden = q !== '' && row.textContent.toLowerCase().indexOf(q) < 0;
    });
  });
});
document.querySelectorAll('table.sortable th').forEach(function (th, index) {
  th.addEventListener('click', function () {
    var table = th.closest('table'), body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var numeric = th.classList.contains('n'), down = th.getAttribute('data-down') !== '1';
    rows.sort(function (a, b) {
      var x = a.cells[th.cellIndex].textContent, y = b.cells[th.cellIndex].textContent;
      var r = numeric ? (parseFloat(x) || 0) - (parseFloat(y) || 0) : x.localeCompare(y);
      return down ? -r : r;
    });
    th.setAttribute('data-down', down ? '1' : '0');
    rows.forEach(function (row) { body.appendChild(row); });
  });
});
"""


def _hash(text: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


_CSP = (
    f"default-src 'none'; style-src '{_hash(_CSS)}'; script-src '{_hash(_JS)}'; "
    "img-src 'none'; base-uri 'none'; form-action 'none'"
)


def h(value: object) -> str:
    """Text for element content or attribute values."""
    return escape("" if value is None else str(value), quote=True)


@lru_cache(maxsize=1)
def world() -> dict:
    """The shipped country shapes (assets/world-110m.json)."""
    with (
        resources.files("custodiet.census.assets")
        .joinpath("world-110m.json")
        .open("r", encoding="utf-8") as f
    ):
        return json.load(f)


def render(tables: CensusTables, comparison: pa.Table, trends: pa.Table, summary: dict) -> str:
    """The page (see the module docstring)."""
    footprint = tables.footprint.to_pylist()
    countries = tables.countries.to_pylist()
    names = {code: shape["name"] for code, shape in world()["countries"].items()}
    for row in comparison.to_pylist():
        if row["name"]:
            names.setdefault(row["country"], row["name"])
    names[UNKNOWN_COUNTRY] = "unknown country"
    parts = [
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n',
        '<meta name="referrer" content="no-referrer">\n',
        f"<title>custodiet census {h(summary['snapshot'])}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        _header(summary),
        _map(countries, names),
        _top_countries(footprint, names),
        _makers(footprint),
        _brands(tables.brands.to_pylist()),
        _comparison(comparison.to_pylist()),
        _trends(trends.to_pylist()),
        _per_country(footprint, countries, names),
        _inputs(summary),
        f"<script>{_JS}</script>\n</body>\n</html>\n",
    ]
    return "".join(parts)


def _header(summary: dict) -> str:
    return (
        f"<h1>Census of covered equipment, snapshot {h(summary['snapshot'])}</h1>\n"
        f'<p class="meta">engine {h(summary["engine"])}, content {h(summary["content_version"])}, '
        f"profile {h(summary['profile'])}; {summary['hosts']:,} hosts seen, "
        f"{summary['identified_hosts']:,} identified, "
        f'<span class="covered">{summary["covered_hosts"]:,} covered</span></p>\n'
        f'<p class="units" id="units">Units: a <b>{h(HOST_UNIT)}</b>; a <b>{h(SERVICE_UNIT)}</b>. '
        "A host counts under the one maker its evidence names (fused as <code>custodiet audit</code> does). "
        "Countries come from the scan record when it has one, else from registry data (where the address "
        f"block is registered); {UNKNOWN_COUNTRY} means neither knows.</p>\n"
    )


def _color(value: int, top: int) -> str:
    if value <= 0 or top <= 0:
        return MAP_SCALE[0]
    step = 1 + int((len(MAP_SCALE) - 2) * math.log1p(value) / math.log1p(top))
    return MAP_SCALE[min(step, len(MAP_SCALE) - 1)]


def _map(countries: list[dict], names: dict[str, str]) -> str:
    shapes = world()
    by_code = {row["country"]: row for row in countries}
    top = max((row["covered_hosts"] for row in countries), default=0)
    paths = []
    for code, shape in shapes["countries"].items():
        row = by_code.get(code)
        covered = row["covered_hosts"] if row else 0
        title = f"{shape['name']} ({code})" + (
            f": {row['hosts']:,} hosts, {row['identified_hosts']:,} identified, {covered:,} covered"
            if row
            else ": no hosts"
        )
        paths.append(
            f'<path class="country" data-country="{h(code)}" fill="{_color(covered, top)}" stroke="#ffffff" '
            f'stroke-width="0.4" d="{h(shape["d"])}"><title>{h(title)}</title></path>'
        )
    width, height = shapes["width"], shapes["height"]
    swatches = "".join(
        f'<rect x="{10 + 22 * i}" y="{height + 8}" width="20" height="10" fill="{c}"/>'
        for i, c in enumerate(MAP_SCALE)
    )
    return (
        '<h2 id="map">Covered hosts by country</h2>\n'
        f'<svg id="world" viewBox="0 0 {width} {height + 40}" width="100%" role="img" '
        'aria-label="World map of covered hosts by country">'
        + "".join(paths)
        + swatches
        + f'<text x="{16 + 22 * len(MAP_SCALE)}" y="{height + 17}">0 .. {top:,} covered hosts (log scale); '
        "grey: none or not seen</text></svg>\n"
        '<p class="note">Shapes: Natural Earth 1:110m (public domain). Hover a country for its counts.</p>\n'
    )


def _top_countries(footprint: list[dict], names: dict[str, str]) -> str:
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    band: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # high, hosts, hosts + hints
    for row in footprint:
        if not row["covered"]:
            continue
        per[row["country"]][row["manufacturer"]] += row["hosts"]
        band[row["country"]][0] += row["hosts_high"]
        band[row["country"]][1] += row["hosts"]
        band[row["country"]][2] += row["hosts"] + row["hint_hosts"]
    ranked = sorted(per, key=lambda c: (-band[c][1], c))[:20]
    if not ranked:
        return '<h2 id="top">Top countries</h2>\n<p class="note">No covered host in this snapshot.</p>\n'
    makers = sorted({m for c in ranked for m in per[c]}, key=lambda m: -sum(per[c][m] for c in ranked))
    colors = {m: PALETTE[i % len(PALETTE)] for i, m in enumerate(makers)}
    top = max(band[c][2] for c in ranked) or 1
    left, width, row_h = 150, 600, 22
    bars = []
    for i, code in enumerate(ranked):
        y = 10 + i * row_h
        x = float(left)
        bars.append(
            f'<text x="{left - 6}" y="{y + 13}" text-anchor="end">{h(names.get(code, code))} ({h(code)})</text>'
        )
        for maker in makers:
            value = per[code].get(maker, 0)
            if not value:
                continue
            w = width * value / top
            bars.append(
                f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="14" fill="{colors[maker]}">'
                f"<title>{h(maker)}: {value:,} hosts</title></rect>"
            )
            x += w
        low, mid, high = band[code]
        bars.append(
            f'<line class="band" x1="{left + width * low / top:.1f}" x2="{left + width * high / top:.1f}" '
            f'y1="{y + 10}" y2="{y + 10}" stroke="#202124" stroke-width="1.5">'
            f"<title>band {low:,} (high confidence) .. {high:,} (with hints)</title></line>"
        )
        bars.append(f'<text x="{left + width * high / top + 6:.1f}" y="{y + 13}">{mid:,}</text>')
    legend = "".join(
        f'<rect x="{left + 110 * i}" y="{10 + len(ranked) * row_h + 6}" width="10" height="10" fill="{colors[m]}"/>'
        f'<text x="{left + 110 * i + 14}" y="{10 + len(ranked) * row_h + 15}">{h(m)}</text>'
        for i, m in enumerate(makers[:6])
    )
    total_h = 10 + len(ranked) * row_h + 30
    return (
        '<h2 id="top">Top countries by covered hosts</h2>\n'
        f'<svg id="top-chart" viewBox="0 0 820 {total_h}" width="100%" role="img" aria-label="Covered hosts per country">'
        + "".join(bars)
        + legend
        + '</svg>\n<p class="note">Bars: hosts (confidence at least 0.45) by maker. Line: the confidence band, '
        "from the hosts identified with high confidence (at least 0.85) to the hosts plus the hints below 0.45.</p>\n"
    )


def _makers(footprint: list[dict]) -> str:
    per: dict[str, dict] = {}
    for row in footprint:
        entry = per.setdefault(
            row["manufacturer"],
            {"covered": row["covered"], "hosts": 0, "services": 0, "countries": set(), "high": 0, "medium": 0,
             "low": 0, "hint": 0, "own": 0, "relabel": 0},
        )  # fmt: skip
        entry["hosts"] += row["hosts"]
        entry["services"] += row["services"]
        entry["high"] += row["hosts_high"]
        entry["medium"] += row["hosts_medium"]
        entry["low"] += row["hosts_low"]
        entry["hint"] += row["hint_hosts"]
        entry["own"] += row["own_brand_hosts"]
        entry["relabel"] += row["relabel_hosts"]
        if row["hosts"]:
            entry["countries"].add(row["country"])
    order = sorted(per, key=lambda m: (not per[m]["covered"], -per[m]["hosts"], m))
    rows = []
    for maker in order:
        e = per[maker]
        share = (e["own"] + e["relabel"]) / e["hosts"] if e["hosts"] else 0.0
        rows.append(
            f'<tr data-row><td class="{"covered" if e["covered"] else ""}">{h(maker)}</td>'
            f'<td>{"covered" if e["covered"] else ""}</td><td class="n">{e["hosts"]:,}</td>'
            f'<td class="n">{e["services"]:,}</td><td class="n">{len(e["countries"])}</td>'
            f'<td class="n">{e["high"]:,}</td><td class="n">{e["medium"]:,}</td><td class="n">{e["low"]:,}</td>'
            f'<td class="n">{e["hint"]:,}</td><td class="n">{e["own"]:,}</td><td class="n">{e["relabel"]:,}</td>'
            f'<td class="n">{share:.1%}</td></tr>'
        )
    return (
        '<h2 id="makers">Makers: footprint, confidence bands and relabel shares</h2>\n'
        '<input type="search" placeholder="filter makers" data-filter="makers-table">\n'
        '<table id="makers-table" class="sortable"><thead><tr><th>manufacturer</th><th>list</th>'
        '<th class="n">hosts</th><th class="n">services</th><th class="n">countries</th>'
        '<th class="n">high</th><th class="n">medium</th><th class="n">low</th><th class="n">hints</th>'
        '<th class="n">own brands</th><th class="n">relabels</th><th class="n">under other brands</th></tr></thead><tbody>'
        + "".join(rows)
        + "</tbody></table>\n"
        '<p class="note">Bands: high confidence at least 0.85, medium 0.6 to 0.85, low 0.45 to 0.6; hints (below 0.45) '
        "are not counted in hosts. Under other brands: the share of the maker's hosts labelled with another "
        "brand, its own (EZVIZ for Hikvision) or another company's (an OEM relabel).</p>\n"
    )


def _brands(brands: list[dict]) -> str:
    total: dict[tuple[str, str, str], int] = defaultdict(int)
    for row in brands:
        total[(row["manufacturer"], row["brand"], row["brand_kind"])] += row["hosts"]
    rows = "".join(
        f'<tr data-row><td>{h(m)}</td><td>{h(b)}</td><td>{h(k)}</td><td class="n">{n:,}</td></tr>'
        for (m, b, k), n in sorted(total.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1]))
    )
    return (
        '<h2 id="brands">Brands on the hosts (relabels)</h2>\n'
        '<table id="brands-table" class="sortable"><thead><tr><th>manufacturer</th><th>brand</th><th>kind</th>'
        '<th class="n">hosts</th></tr></thead><tbody>'
        + (rows or '<tr><td colspan="4">none</td></tr>')
        + "</tbody></table>\n"
    )


def _yes(value: object) -> str:
    return "" if value is None else ("yes" if value else "no")


def _comparison(rows: list[dict]) -> str:
    body = []
    for r in rows:
        if not (r["aigs_2019_listed"] or r["aigs_2022_listed"] or r["census_covered_hosts"]):
            continue
        body.append(
            f"<tr data-row><td>{h(r['country'])}</td><td>{h(r['name'])}</td>"
            f"<td>{_yes(r['aigs_2019_listed'])}</td><td>{_yes(r['aigs_2019_safe_city'])}</td>"
            f"<td>{_yes(r['aigs_2019_facial_recognition'])}</td><td>{h(r['aigs_2019_covered_suppliers'])}</td>"
            f'<td>{_yes(r["aigs_2022_listed"])}</td><td class="n">{h(r["aigs_2022_technologies"])}</td>'
            f'<td class="n">{r["census_hosts"]:,}</td><td class="n">{r["census_covered_hosts"]:,}</td>'
            f'<td class="n">{"" if r["census_covered_share"] is None else format(r["census_covered_share"], ".1%")}</td>'
            f"<td>{h(r['census_covered_makers'])}</td><td>{h(r['documented_and_measured'])}</td>"
            f"<td>{h(r['documented_not_measured'])}</td><td>{h(r['measured_not_documented'])}</td></tr>"
        )
    return (
        '<h2 id="comparison">Documented adoption (Carnegie AIGS) and what the census measured</h2>\n'
        '<p class="note">AIGS documents state use of AI surveillance and its suppliers from public reporting '
        "(2019 edition with suppliers, 2022 with technologies; Feldstein, Carnegie Endowment). The census measures "
        "equipment exposed in scan data. Neither explains the other; comparison.csv has every column.</p>\n"
        '<input type="search" placeholder="filter countries" data-filter="comparison-table">\n'
        '<table id="comparison-table" class="sortable"><thead><tr><th>code</th><th>country</th><th>AIGS 2019</th>'
        "<th>safe city</th><th>facial rec.</th><th>covered suppliers named</th><th>AIGS 2022</th>"
        '<th class="n">technologies 2022</th><th class="n">hosts</th><th class="n">covered hosts</th>'
        '<th class="n">covered share</th><th>covered makers measured</th><th>documented and measured</th>'
        "<th>documented, not measured</th><th>measured, not documented</th></tr></thead><tbody>"
        + "".join(body)
        + "</tbody></table>\n"
    )


def _trends(rows: list[dict]) -> str:
    snapshots = sorted({r["snapshot"] for r in rows})
    head = '<h2 id="trends">Trends over snapshots</h2>\n'
    if len(snapshots) < 2:
        return head + (
            f'<p class="note">One snapshot so far ({h(snapshots[0]) if snapshots else "none"}). Run the census again '
            "with --snapshot DATE into the same folder: each snapshot is kept and trends.csv follows them.</p>\n"
        )
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in rows:
        if r["covered"]:
            per[r["manufacturer"]][r["snapshot"]] += r["hosts"]
    makers = sorted(per, key=lambda m: -sum(per[m].values()))[:8]
    top = max((v for m in makers for v in per[m].values()), default=1) or 1
    left, width, height = 60, 700, 220
    step = width / (len(snapshots) - 1)
    lines = []
    for i, maker in enumerate(makers):
        points = " ".join(
            f"{left + j * step:.1f},{10 + height - height * per[maker].get(s, 0) / top:.1f}"
            for j, s in enumerate(snapshots)
        )
        color = PALETTE[i % len(PALETTE)]
        lines.append(
            f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{points}"><title>{h(maker)}</title></polyline>'
        )
        lines.append(f'<text x="{left + width + 6}" y="{14 + 14 * i}" fill="{color}">{h(maker)}</text>')
    axis = "".join(
        f'<text x="{left + j * step:.1f}" y="{height + 28}" text-anchor="middle">{h(s)}</text>'
        for j, s in enumerate(snapshots)
    )
    return (
        head
        + f'<svg id="trend-chart" viewBox="0 0 900 {height + 40}" width="100%" role="img" aria-label="Covered hosts per snapshot">'
        + f'<text x="4" y="16">{top:,}</text><text x="4" y="{height + 10}">0</text>'
        + "".join(lines)
        + axis
        + '</svg>\n<p class="note">Covered hosts per maker and snapshot (all countries); trends.csv has them per country.</p>\n'
    )


def _per_country(footprint: list[dict], countries: list[dict], names: dict[str, str]) -> str:
    rows_by: dict[str, list[dict]] = defaultdict(list)
    for row in footprint:
        rows_by[row["country"]].append(row)
    totals = {r["country"]: r for r in countries}
    order = sorted(totals, key=lambda c: (-totals[c]["covered_hosts"], -totals[c]["hosts"], c))
    out = [
        '<h2 id="countries">Per country</h2>\n<input type="search" placeholder="filter countries or makers" '
        'data-filter="country-list">\n<div id="country-list">'
    ]
    for code in order:
        t = totals[code]
        body = "".join(
            f'<tr><td class="{"covered" if r["covered"] else ""}">{h(r["manufacturer"])}</td><td>{h(r["device_type"])}</td>'
            f'<td class="n">{r["hosts"]:,}</td><td class="n">{r["services"]:,}</td><td class="n">{r["hosts_high"]:,}</td>'
            f'<td class="n">{r["hosts_medium"]:,}</td><td class="n">{r["hosts_low"]:,}</td><td class="n">{r["hint_hosts"]:,}</td>'
            f'<td class="n">{r["own_brand_hosts"] + r["relabel_hosts"]:,}</td></tr>'
            for r in sorted(
                rows_by.get(code, []), key=lambda r: (not r["covered"], -r["hosts"], r["manufacturer"])
            )
        )
        out.append(
            f'<details data-row id="country-{h(code)}"><summary>{h(names.get(code, code))} ({h(code)}): '
            f"{t['hosts']:,} hosts, {t['identified_hosts']:,} identified, {t['covered_hosts']:,} covered"
            f" (country from records {t['country_from_record']:,}, from registry {t['country_from_registry']:,})</summary>"
            '<table class="sortable"><thead><tr><th>manufacturer</th><th>device type</th><th class="n">hosts</th>'
            '<th class="n">services</th><th class="n">high</th><th class="n">medium</th><th class="n">low</th>'
            f'<th class="n">hints</th><th class="n">other brands</th></tr></thead><tbody>{body}</tbody></table></details>\n'
        )
    out.append("</div>\n")
    return "".join(out)


def _inputs(summary: dict) -> str:
    rows = []
    for f in summary["inputs"]:
        skipped = "; ".join(f"{reason}: {count:,}" for reason, count in sorted(f["skipped"].items()))
        rows.append(
            f'<tr><td>{h(f["file"])}</td><td>{h(f["format"])}</td><td class="n">{f["records"]:,}</td>'
            f"<td>{h(skipped)}</td><td>{h(f['error'] or '')}</td></tr>"
        )
    return (
        '<h2 id="inputs">Inputs</h2>\n<table><thead><tr><th>file</th><th>format</th><th class="n">records used</th>'
        "<th>skipped, per reason</th><th>error</th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table>\n"
    )
