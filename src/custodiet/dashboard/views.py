"""What each dashboard page shows, as data: each view returns the page's template, the context
it renders, and the JSON document the same path answers with ".json". Views read the store only
through store.queries, store.history and store.decisions: paged, counted and filtered in SQL."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from typing import Any

from custodiet.dashboard import charts
from custodiet.errors import UsageError
from custodiet.model import REMEDIATION_STATES, status_word
from custodiet.report import digest
from custodiet.report.diff import diff_json
from custodiet.store import Store, codec, decisions, history, queries

DIFF_ROWS = 200  # rows of each diff section on the page (the JSON has them all)


@dataclass
class Page:
    template: str
    context: dict[str, Any]
    data: dict[str, Any]


def _int(params: dict[str, str], name: str, default: int, low: int = 1, high: int = 1 << 31) -> int:
    text = params.get(name)
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except ValueError:
        raise UsageError(f"{name} must be a whole number, not {text!r}") from None
    if not low <= value <= high:
        raise UsageError(f"{name} must be between {low} and {high}")
    return value


NONE = "(none)"  # a facet value that asks for devices without one (no site, say)


def _facet(value: str | None) -> str | None:
    """'' or absent: any value; NONE: no value; else that value."""
    if not value:
        return None
    return "" if value == NONE else value


def _run(store: Store, params: dict[str, str]) -> int:
    run = params.get("run")
    return store._run_id(_int(params, "run", 0) if run else None)


def _row_json(row: queries.DeviceRow) -> dict[str, Any]:
    data = asdict(row)
    data["addresses"] = list(row.addresses)
    data["hostnames"] = list(row.hostnames)
    data["status"] = row.status
    data["needs_review"] = data.pop("review")
    return data


def _open_waived(store: Store, run_id: int, waivers: list, today: str) -> tuple[int, int]:
    total = store._conn.execute(
        "SELECT count(*) FROM run_device r JOIN state_finding f ON f.state_id = r.state_id WHERE r.run_id = ?",
        (run_id,),
    ).fetchone()[0]
    if not waivers:
        return total, 0
    waived = 0
    for device, rule, list_id in store._conn.execute(
        "SELECT r.device_id, f.rule, f.list FROM run_device r JOIN state_finding f ON f.state_id = r.state_id "
        "WHERE r.run_id = ?",
        (run_id,),
    ):
        waived += digest.finding_status(device, rule, list_id, waivers, today).status == "waived"
    return total - waived, waived


def overview(store: Store, params: dict[str, str]) -> Page:
    run_id = _run(store, params)
    info = next(i for i in store.runs() if i.id == run_id)
    today = history.today()
    waivers = decisions.waivers(store)
    open_count, waived = _open_waived(store, run_id, waivers, today)
    facets = queries.facets(store, run_id)
    remediation = Counter(
        state
        for (state,) in store._conn.execute(
            """SELECT m.state FROM remediation m JOIN run_device r ON r.run_id = ? AND r.device_id = m.device_id
               WHERE m.id IN (SELECT max(id) FROM remediation GROUP BY device_id)""",
            (run_id,),
        )
    )
    chart_data = {}
    figures = []
    for dimension, title in (
        ("manufacturer", "Covered devices by manufacturer"),
        ("site", "Covered devices by site"),
        ("device_type", "Covered devices by type"),
    ):
        runs, series = queries.over_time(store, dimension)
        named = {(value or "(none)"): values for value, values in series.items()}
        chart_data[dimension] = {"runs": [r for r, _ in runs], "series": named}
        figures.append(charts.line_chart(f"{title}, over runs", [f"#{r} {s[:10]}" for r, s in runs], named))
    makers = [(v or digest.UNIDENTIFIED, c, d) for v, d, c, _ in facets.get("manufacturer", [])[:12]]
    previous = history.previous_run(store, run_id)
    change = None
    if previous is not None:
        result = history.diff(store, previous, run_id)
        change = {
            "from": previous,
            "to": run_id,
            "new": len(result.new),
            "gone": len(result.gone),
            "changed": len(result.changed),
            "not_examined": len(result.not_examined),
        }
    summary = {
        "run": {
            "id": info.id,
            "started": info.started,
            "finished": info.finished,
            "profile": info.profile,
            "files": list(info.files),
        },
        "devices": info.devices,
        "covered": info.covered,
        "needs_review": info.review,
        "findings": info.findings,
        "open": open_count,
        "waived": waived,
        "remediation": dict(remediation),
        "by_manufacturer": [{"manufacturer": m, "covered": c, "devices": d} for m, c, d in makers],
        "over_time": chart_data,
        "latest_diff": change,
    }
    context = {
        "summary": summary,
        "figures": figures,
        "makers_chart": charts.bar_chart("Devices by manufacturer (covered in red)", makers),
        "runs": store.runs()[-10:][::-1],
    }
    return Page("overview.html", context, summary)


def devices(store: Store, params: dict[str, str]) -> Page:
    run_id = _run(store, params)
    status = params.get("status") or None
    if params.get("covered") in ("1", "true", "yes"):
        status = "covered"
    elif params.get("review") in ("1", "true", "yes"):
        status = "review"
    where = queries.DeviceFilter(
        status=status,
        manufacturer=_facet(params.get("manufacturer")),
        site=_facet(params.get("site")),
        device_type=_facet(params.get("type")),
        remediation=params.get("remediation") or None,
        text=params.get("q") or None,
    )
    per = _int(params, "per", 50, 1, queries.PER_PAGE_MAX)
    page = _int(params, "page", 1)
    sort = params.get("sort") or "status"
    descending = params.get("order") == "desc"
    rows, total = queries.list_devices(
        store, run_id, where, sort=sort, descending=descending, offset=(page - 1) * per, limit=per
    )
    pages = max(1, -(-total // per))
    facets = queries.facets(store, run_id)
    data = {
        "run": run_id,
        "devices": [_row_json(r) for r in rows],
        "total": total,
        "page": page,
        "per": per,
        "pages": pages,
        "sort": sort,
        "order": "desc" if descending else "asc",
    }
    context = {
        "run_id": run_id,
        "rows": rows,
        "total": total,
        "page": page,
        "pages": pages,
        "per": per,
        "sort": sort,
        "descending": descending,
        "params": {k: v for k, v in params.items() if v},
        "status": status or "",
        "sorts": list(queries.SORTS),
        "manufacturers": [v for v, *_ in facets.get("manufacturer", []) if v],
        "sites": [v for v, *_ in facets.get("site", []) if v],
        "types": [v for v, *_ in facets.get("device_type", []) if v],
        "remediation_states": REMEDIATION_STATES,
    }
    return Page("devices.html", context, data)


def device(store: Store, device_id: str, params: dict[str, str]) -> Page:
    run_id = _run(store, params)
    row = queries.device_row(store, run_id, device_id)
    if row is None:
        versions = history.device_history(store, device_id)
        if not versions:
            raise LookupError(f"no device {device_id!r} in the inventory")
        run_id = versions[-1].run_id
        row = queries.device_row(store, run_id, device_id)
        assert row is not None
    detail = store.device_detail_by_id(device_id, run_id)
    today = history.today()
    waivers = decisions.waivers(store)
    findings = []
    for finding in queries.device_findings(store, run_id, device_id):
        status = digest.finding_status(device_id, finding.rule, finding.list, waivers, today)
        findings.append((finding, status, digest.status_line(status)))
    versions = history.device_history(store, device_id)
    steps = decisions.remediation_log(store, device_id)
    applying = [w for w in waivers if w.device in (None, device_id)]
    ident = detail.device.identity
    data = {
        "run": run_id,
        "device": _row_json(row),
        "evidence": [
            {
                "field": e.field,
                "text": e.text,
                "signature": e.signature,
                "sets": dict(e.sets),
                "strength": e.strength,
                "file": e.provenance.file,
                "place": e.provenance.place,
                "port": e.port,
                "relabel": e.relabel,
            }
            for e in ident.evidence
        ],
        "explanation": list(ident.explanation),
        "conflicts": [
            {"attribute": c.attribute, "values": [list(v) for v in c.values]} for c in ident.conflicts
        ],
        "services": [{"port": s.port, "name": s.name, "product": s.product} for s in detail.device.services],
        "findings": [
            {
                **asdict(f),
                "sources": list(f.sources),
                "addresses": list(f.addresses),
                "status": s.status,
                "status_text": line,
            }
            for f, s, line in findings
        ],
        "history": [
            {
                "run": v.run_id,
                "started": v.started,
                "status": v.device.status,
                "manufacturer": v.device.manufacturer,
                "model": v.device.model,
                "firmware": v.device.firmware,
                "site": v.device.site,
                "addresses": list(v.device.addresses),
            }
            for v in versions
        ],
        "waivers": [asdict(w) for w in applying],
        "remediation": [asdict(s) for s in steps],
        "observations": len(detail.observations),
    }
    context = {
        "run_id": run_id,
        "row": row,
        "detail": detail,
        "findings": findings,
        "versions": versions,
        "waivers": applying,
        "steps": steps,
        "today": today,
        "status_word": status_word,
    }
    return Page("device.html", context, data)


def findings(store: Store, params: dict[str, str]) -> Page:
    run_id = _run(store, params)
    per = _int(params, "per", 50, 1, queries.PER_PAGE_MAX)
    page = _int(params, "page", 1)
    severity = params.get("severity") or None
    rule = params.get("rule") or None
    rows, total = queries.list_findings(
        store, run_id, severity=severity, rule=rule, offset=(page - 1) * per, limit=per
    )
    today = history.today()
    waivers = decisions.waivers(store)
    items = []
    for row in rows:
        status = digest.finding_status(row.device, row.rule, row.list, waivers, today)
        items.append((row, status, digest.status_line(status)))
    rules = [
        r[0]
        for r in store._conn.execute(
            "SELECT DISTINCT f.rule FROM run_device r JOIN state_finding f ON f.state_id = r.state_id WHERE r.run_id = ? ORDER BY 1",
            (run_id,),
        )
    ]
    data = {
        "run": run_id,
        "findings": [
            {
                **asdict(r),
                "addresses": list(r.addresses),
                "sources": list(r.sources),
                "status": s.status,
                "status_text": line,
            }
            for r, s, line in items
        ],
        "total": total,
        "page": page,
        "per": per,
    }
    context = {
        "run_id": run_id,
        "items": items,
        "total": total,
        "page": page,
        "pages": max(1, -(-total // per)),
        "per": per,
        "params": {k: v for k, v in params.items() if v},
        "severity": severity or "",
        "rule": rule or "",
        "rules": rules,
    }
    return Page("findings.html", context, data)


def runs(store: Store, params: dict[str, str]) -> Page:
    infos = store.runs()
    data = {"runs": [{**asdict(i), "files": list(i.files)} for i in infos]}
    return Page("runs.html", {"runs": infos[::-1]}, data)


def run(store: Store, run_id: int, params: dict[str, str]) -> Page:
    rid = store._run_id(run_id)
    info = next(i for i in store.runs() if i.id == rid)
    conn = store._conn
    inputs = [
        codec.load_input(row)
        for row in conn.execute(
            f"SELECT {codec.INPUT_SELECT} FROM input WHERE run_id = ? ORDER BY id", (rid,)
        )
    ]
    profile, options, lists = conn.execute(
        "SELECT profile, options, lists FROM run WHERE id = ?", (rid,)
    ).fetchone()
    scope = history.scope_summaries(store, rid)
    data = {
        "run": {**asdict(info), "files": list(info.files)},
        "inputs": [{**asdict(i), "skip_reasons": dict(i.skip_reasons)} for i in inputs],
        "options": codec.loads(options) or {},
        "lists": codec.loads(lists) or [],
        "scope": [
            {
                "input": s.input,
                "kind": s.kind,
                "addresses": s.addresses,
                "ranges_preview": [list(r) for r in s.ranges],
            }
            for s in scope
        ],
    }
    context = {
        "info": info,
        "inputs": inputs,
        "options": sorted((codec.loads(options) or {}).items()),
        "lists": codec.load_lists(lists),
        "scope": scope,
        "profile": profile,
    }
    return Page("run.html", context, data)


def diff(store: Store, params: dict[str, str]) -> Page:
    from_run = _int(params, "from", 0) if params.get("from") else None
    to_run = _int(params, "to", 0) if params.get("to") else None
    runs_ = store.runs()
    if from_run is None and len(runs_) == 1 and to_run in (None, runs_[0].id):
        only = runs_[0]
        note = f"run {only.id} is the only run: a diff needs two (audit again, or another site)"
        data: dict[str, object] = {
            "from_run": None,
            "to_run": {"id": only.id, "started": only.started},
            "new": [],
            "gone": [],
            "changed": [],
            "not_examined": [],
            "note": note,
        }
        return Page("diff.html", {"result": None, "note": note, "limit": DIFF_ROWS, "runs": runs_}, data)
    result = history.diff(store, from_run, to_run)
    data = diff_json(result)
    context = {"result": result, "limit": DIFF_ROWS, "runs": runs_, "note": None}
    return Page("diff.html", context, data)


def sites(store: Store, params: dict[str, str]) -> Page:
    run_id = _run(store, params)
    facets = queries.facets(store, run_id).get("site", [])
    runs_, series = queries.over_time(store, "site")
    named = {(v or "(no site)"): values for v, values in series.items()}
    rows = [
        {"site": v or "", "devices": d, "covered": c, "needs_review": r}
        for v, d, c, r in sorted(facets, key=lambda f: (-f[2], -f[3], f[0]))
    ]
    data = {"run": run_id, "sites": rows}
    context = {
        "run_id": run_id,
        "rows": rows,
        "figure": charts.line_chart(
            "Covered devices by site, over runs", [f"#{r} {s[:10]}" for r, s in runs_], named
        ),
        "bars": charts.bar_chart(
            "Devices by site (covered in red)",
            [(str(r["site"] or "(no site)"), _count(r["covered"]), _count(r["devices"])) for r in rows[:20]],
        ),
    }
    return Page("sites.html", context, data)


def _count(value: object) -> int:
    """A count read from a row of SQL answers (an int, or None for no rows)."""
    return value if isinstance(value, int) else 0
