"""Reports that leave custodiet are inert wherever they are opened (issue 12, row 9 and the JSON
note): a CSV split on "," or ";" shows no formula cell, and the JSON can sit in a <script>."""

from __future__ import annotations

import csv
import io
from dataclasses import replace

import orjson
from report_builders import SCRIPT_BANNER, hostile_run

from custodiet.report import write_csv, write_json

FORMULA = ("=", "+", "-", "@")
HOSTILE_NAMES = (
    "x;=cmd|' /C calc'!A0",
    "y,+SUM(1,2)",
    "z; -2+3",
    "w;;@SUM(A1)",
)


def _csv(run) -> str:
    buffer = io.StringIO(newline="")
    write_csv(run, buffer)
    return buffer.getvalue()


def _hostile_hostnames_run():
    base = hostile_run()
    device = replace(base.devices[0], hostnames=HOSTILE_NAMES, id="ip:10.0.0.9;=1+1")
    return replace(base, devices=(device,), findings=())


def test_no_cell_starts_a_formula_whichever_separator_a_spreadsheet_splits_on() -> None:
    text = _csv(_hostile_hostnames_run())
    for delimiter in (",", ";"):
        for line in text.splitlines():  # split as an importer that ignores the quoting would
            for value in line.split(delimiter):
                assert not value.lstrip(' "').startswith(FORMULA), (delimiter, value)
    # Every field quoted; the text itself is kept, with a quote before each formula start.
    lines = text.splitlines()
    assert all(line.startswith('"') and line.endswith('"') for line in lines)
    row = next(csv.DictReader(io.StringIO(text, newline="")))
    assert row["hostnames"] == "x;'=cmd|' /C calc'!A0 y,'+SUM(1,2) z; '-2+3 w;;'@SUM(A1)"
    assert row["id"] == "ip:10.0.0.9;'=1+1"


def test_plain_values_with_separators_are_left_alone() -> None:
    base = hostile_run()
    device = replace(base.devices[0], hostnames=("a.example;b.example", "c, d"))
    row = next(csv.DictReader(io.StringIO(_csv(replace(base, devices=(device,))), newline="")))
    assert row["hostnames"] == "a.example;b.example c, d"


def test_json_can_be_embedded_in_a_script_element() -> None:
    buffer = io.BytesIO()
    write_json(hostile_run(), buffer)
    data = buffer.getvalue()
    assert b"</script" not in data.lower() and b"<!--" not in data
    assert b"<\\/script>" in data
    doc = orjson.loads(data)  # still valid JSON, with the exact text
    texts = [e["text"] for d in doc["devices"] for e in d["evidence"]]
    assert any(t.startswith(SCRIPT_BANNER) for t in texts)
    comment = replace(hostile_run(), devices=(replace(hostile_run().devices[0], hostnames=("<!--x",)),))
    buffer = io.BytesIO()
    write_json(comment, buffer)
    assert b"<!--" not in buffer.getvalue()
    assert orjson.loads(buffer.getvalue())["devices"][0]["hostnames"] == ["<!--x"]
