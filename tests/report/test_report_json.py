"""JSON report: the documented shape, exact strings, bounded size."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import orjson
from report_builders import ATTR_BANNER, CONTROL, HUGE, MARKUP, SCRIPT_BANNER, UNDECODABLE, hostile_run

from custodiet.report import json_report, write_json

DEVICE_KEYS = {
    "id", "addresses", "mac", "hostnames", "manufacturer", "brand", "model", "firmware", "device_type",
    "covered", "confidence", "evidence", "conflicts",
}  # fmt: skip
EVIDENCE_KEYS = {"field", "text", "signature", "sets", "strength", "file", "place", "port"}
FINDING_KEYS = {"device", "rule", "list", "entity", "reason", "scope", "severity", "sources"}


def _doc(run=None) -> tuple[bytes, dict]:
    buffer = io.BytesIO()
    write_json(run or hostile_run(), buffer)
    data = buffer.getvalue()
    return data, orjson.loads(data)


def test_shape_and_values() -> None:
    data, doc = _doc()
    assert json.loads(data) == doc  # plain json agrees: standard JSON, not an orjson dialect
    assert set(doc) >= {"run", "inputs", "devices", "findings"}
    assert doc["run"] == {
        "id": 7,
        "started": "2025-06-01T10:00:00Z",
        "finished": "2025-06-01T10:02:00Z",
        "content_version": "2025.06",
        "profile": "us-federal",
        "options": {},
    }
    assert doc["summary"] == {
        "devices": 4,
        "covered": 1,
        "needs_review": 1,
        "findings": 2,
        "open": 1,
        "waived": 1,
        "as_of": "2025-06-03",
    }
    assert doc["inputs"][0]["skip_reasons"] == {f"bad address {ATTR_BANNER}": 1}
    assert doc["inputs"][1]["error"] == f"line 3: {CONTROL}"
    assert [d["id"] for d in doc["devices"]] == [
        "ip:10.0.0.9",
        "mac:44:19:B6:00:00:01",
        "ip:2001:db8::1",
        "ip:10.0.0.10",
    ]
    for device in doc["devices"]:
        assert set(device) >= DEVICE_KEYS
        for evidence in device["evidence"]:
            assert set(evidence) >= EVIDENCE_KEYS
    hik = doc["devices"][1]
    assert hik["covered"] is True and hik["confidence"] == 0.9625
    assert hik["status"] == "covered" and hik["needs_review"] is False
    assert (
        hik["site"] == f"HQ {SCRIPT_BANNER}" and hik["serial"] == "SN-0001" and hik["owner"] == "Facilities"
    )
    assert hik["first_seen"] == "2025-03-01T10:00:00Z" and hik["last_seen"] == "2025-06-01T10:00:00Z"
    assert hik["remediation"] == {
        "state": "ticketed",
        "at": "2025-06-02T09:00:00Z",
        "who": "carol",
        "ticket": f"INC-{SCRIPT_BANNER}",
        "note": None,
    }
    assert hik["mac"] == "44:19:B6:00:00:01"
    assert hik["manufacturer"] == "Hikvision" and hik["brand"] is None
    assert hik["evidence"][0] == {
        "field": "http.server",
        "text": SCRIPT_BANNER + ATTR_BANNER,
        "signature": "http.server/hikvision-webs",
        "sets": {"manufacturer": "Hikvision"},
        "strength": 0.85,
        "file": "scans/site-a.xml",
        "place": "host 10.0.0.5 port 80/tcp",
        "port": "80/tcp",
        "relabel": None,
        "text_truncated": False,
    }
    assert hik["conflicts"] == [
        {
            "attribute": "model",
            "values": [{"value": "DS-2CD2143G0-I", "score": 0.85}, {"value": ATTR_BANNER, "score": 0.6}],
        }
    ]
    amcrest = doc["devices"][3]
    assert amcrest["brand"] == "Amcrest" and amcrest["evidence"][0]["relabel"] == "Amcrest"
    assert amcrest["evidence"][0]["text"] == UNDECODABLE
    assert (
        amcrest["covered"] is False
        and amcrest["needs_review"] is True
        and amcrest["status"] == "needs review"
    )
    assert doc["devices"][2]["covered"] is False and doc["devices"][2]["manufacturer"] is None
    assert doc["devices"][2]["status"] == "not covered" and doc["devices"][2]["remediation"] is None
    assert len(doc["findings"]) == 2
    for finding in doc["findings"]:
        assert set(finding) >= FINDING_KEYS
    assert doc["findings"][1] == {
        "device": "ip:10.0.0.10",
        "rule": "us-fcc-covered-list:dahua",
        "list": "us-fcc-covered-list",
        "entity": "Dahua Technology Company",
        "reason": "brand Amcrest is an OEM relabel of Dahua (medium)",
        "scope": ATTR_BANNER,
        "severity": "verify",
        "sources": ["fcc-covered-list"],
        "status": "waived",
        "waiver": {
            "id": 1,
            "until": "2099-12-31",
            "who": "alice",
            "why": f"replacement ordered {ATTR_BANNER}",
        },
        "waiver_ended": None,
    }
    assert doc["findings"][0]["status"] == "open" and doc["findings"][0]["waiver_ended"] == "2025-02-01"
    fcc = doc["lists"][0]
    assert fcc["id"] == "us-fcc-covered-list" and fcc["as_of"] == "2026-04-30"
    assert [s["official"] for s in fcc["sources"]] == [True, False]
    assert doc["scope"][0]["kind"] == "nmap targets" and doc["scope"][0]["addresses"] == 256
    assert [w["id"] for w in doc["waivers"]] == [1, 2]


def test_strings_are_exact_controls_included() -> None:
    data, doc = _doc()
    assert doc["devices"][1]["evidence"][1]["text"] == CONTROL + MARKUP + "cam\u202eexe.txt"
    assert b"\x00" not in data and b"\x1b" not in data  # JSON writes them as \u0000, \u001b


def test_megabyte_banner_is_cut_and_flagged() -> None:
    data, doc = _doc()
    evidence = doc["devices"][1]["evidence"][2]
    assert evidence["text"] == HUGE[: json_report.TEXT_LIMIT]
    assert evidence["text_truncated"] is True
    assert len(data) < 50_000


def test_lone_surrogates_do_not_break_the_document() -> None:
    run = hostile_run()
    odd = replace(run.devices[0], hostnames=("bad\udcffname",))
    _, doc = _doc(replace(run, devices=(odd,)))
    assert doc["devices"][0]["hostnames"] == ["bad\\udcffname"]


def test_empty_run() -> None:
    _, doc = _doc(replace(hostile_run(), inputs=(), devices=(), findings=()))
    assert doc["inputs"] == [] and doc["devices"] == [] and doc["findings"] == []
