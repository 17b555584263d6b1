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
    assert doc["devices"][2]["covered"] is False and doc["devices"][2]["manufacturer"] is None
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
    }


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
