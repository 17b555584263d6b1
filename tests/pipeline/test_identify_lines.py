"""The `custodiet identify` JSON-Lines contract, through the library and the real command."""

from __future__ import annotations

import io
import subprocess
import sys

import orjson
import pytest

from custodiet.pipeline.context import Context, load_context
from custodiet.pipeline.identify_lines import identify_lines

KEYS = [
    "id",
    "manufacturer",
    "brand",
    "product",
    "model",
    "version",
    "device_type",
    "covered",
    "lists",
    "signature",
    "confidence",
]


@pytest.fixture(scope="module")
def context() -> Context:
    return load_context()


def run(context: Context, lines: list[bytes]) -> list[dict]:
    out = io.BytesIO()
    identify_lines(io.BytesIO(b"\n".join(lines) + b"\n"), out, context)
    return [orjson.loads(line) for line in out.getvalue().splitlines()]


def test_one_answer_per_line_in_order_with_the_contract_keys(context: Context) -> None:
    lines = [
        orjson.dumps({"id": i, "field": "mac", "text": mac})
        for i, mac in enumerate(
            ["BC:AD:28:01:02:03", "00:00:00:00:00:00", "E0:50:8B:01:02:03", "64:F8:1C:00:00:01"]
        )
    ]
    answers = run(context, lines)
    assert [a["id"] for a in answers] == [0, 1, 2, 3]
    assert all(list(a) == KEYS for a in answers)
    assert [a["manufacturer"] for a in answers] == ["Hikvision", None, "Dahua", "Huawei"]
    assert answers[0]["covered"] is True and "us-fcc-covered-list" in answers[0]["lists"]
    assert answers[1]["covered"] is False and answers[1]["lists"] == [] and answers[1]["signature"] is None


def test_ids_of_any_json_type_come_back_unchanged(context: Context) -> None:
    ids = ["a", 1.5, None, {"k": [1, 2]}, [3], True]
    answers = run(context, [orjson.dumps({"id": i, "field": "hostname", "text": "x"}) for i in ids])
    assert [a["id"] for a in answers] == ids


def test_bad_lines_give_errors_with_line_numbers_and_the_run_goes_on(context: Context) -> None:
    answers = run(
        context,
        [
            b'{"id": 1, "field": "mac", "text": "BC:AD:28:01:02:03"}',
            b"{not json",
            b'{"id": 3, "field": "no.such.field", "text": "x"}',
            b'{"id": 4, "field": "mac", "text": 42}',
            b"[1, 2]",
            b'{"id": 6, "field": "inventory.vendor", "text": "ZTE"}',
        ],
    )
    assert answers[0]["manufacturer"] == "Hikvision"
    assert answers[1] == {"id": None, "error": answers[1]["error"]} and answers[1]["error"].startswith(
        "line 2: bad JSON"
    )
    assert answers[2]["id"] == 3 and answers[2]["error"] == "line 3: unknown field 'no.such.field'"
    assert answers[3]["error"].startswith("line 4:")
    assert answers[4]["error"].startswith("line 5:")
    assert answers[5]["manufacturer"] == "ZTE" and answers[5]["covered"] is True


def test_brand_reports_brand_and_maker(context: Context) -> None:
    (answer,) = run(context, [orjson.dumps({"id": 1, "field": "inventory.vendor", "text": "EZVIZ"})])
    assert (answer["manufacturer"], answer["brand"], answer["covered"]) == ("Hikvision", "EZVIZ", True)


def test_the_real_command_reads_stdin(tmp_path) -> None:
    data = b'{"id": "x", "field": "mac", "text": "9C:06:6E:00:00:01"}\nnope\n'
    proc = subprocess.run(
        [sys.executable, "-m", "custodiet.cli.main", "identify", "-"],
        input=data,
        capture_output=True,
        check=True,
        timeout=120,
    )
    first, second = (orjson.loads(x) for x in proc.stdout.splitlines())
    assert first["manufacturer"] == "Hytera" and first["id"] == "x"
    assert second["error"].startswith("line 2:")


def test_a_weak_claim_is_withheld_as_a_hint(context: Context) -> None:
    """A single weak token (strength 0.3) is below the reporting floor: no manufacturer, not covered."""
    (answer,) = run(
        context, [orjson.dumps({"id": 1, "field": "mac", "text": "90:6A:94:00:00:01"})]
    )  # low-confidence Imou block
    assert answer["manufacturer"] is None and answer["covered"] is False
    assert answer["signature"] == "oui/dahua" and answer["confidence"] == 0.3


GOOD = [
    b'{"id":1.50,"field":"mac","text":"BC:AD:28:01:02:03"}',
    b'  {"text":"App-webs/", "id": {"a": [1, 2]}, "field":"http.server"}\r',
    b'{"field":"hostname","text":"x","id":"caf\xc3\xa9"}',
    b'{"id":123456789012345678901234567890,"field":"snmp.sysobjectid","text":"1.3.6.1.4.1.2011.2.23.398"}',
]
BAD = [
    (b"", "bad JSON"),
    (b'{"id":"\xff","field":"mac","text":"x"}', "bad JSON"),  # not UTF-8, in the part echoed back
    (b'{"id":' + b"[" * 3000 + b"]" * 3000 + b',"field":"mac","text":"x"}', "bad JSON"),
    (b'{"id":1,"field":"mac","text":"x"} trailing', "bad JSON"),
    (b'{"id":7,"field":"mac"}', "'text' must be a string"),
    (b'{"id":7,"text":"x"}', "missing 'field'"),
]


def test_ids_are_echoed_as_sent_and_good_lines_answered_alike_beside_bad_ones(context: Context) -> None:
    alone = io.BytesIO()
    identify_lines(io.BytesIO(b"\n".join(GOOD) + b"\n"), alone, context)
    answers = alone.getvalue().splitlines()
    assert [a.split(b',"manufacturer"')[0] for a in answers] == [
        b'{"id":1.50',
        b'{"id":{"a": [1, 2]}',
        b'{"id":"caf\xc3\xa9"',
        b'{"id":123456789012345678901234567890',
    ]
    assert [orjson.loads(a)["manufacturer"] for a in answers] == ["Hikvision", "Hikvision", None, "Huawei"]
    for bad, reason in BAD:  # a bad line sends its batch down the line-by-line path
        mixed = io.BytesIO()
        lines, errors = identify_lines(
            io.BytesIO(b"\n".join([*GOOD[:2], bad, *GOOD[2:]]) + b"\n"), mixed, context
        )
        got = mixed.getvalue().splitlines()
        assert (lines, errors) == (5, 1)
        assert got[:2] + got[3:] == answers
        error = orjson.loads(got[2])["error"]
        assert error.startswith("line 3: ") and reason in error, error


CHARS = 4 * 1024 * 1024


def test_the_answer_cache_holds_a_bounded_amount_of_text(
    context: Context, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracemalloc

    from custodiet.pipeline import identify_lines as module

    monkeypatch.setattr(module, "_CACHE_CHARS", CHARS)
    page = "<html><title>Login</title>" + "x" * 256 * 1024
    lines = [orjson.dumps({"id": i, "field": "http.body", "text": f"{i}{page}"}) for i in range(120)]
    lines.append(orjson.dumps({"id": "again", "field": "http.body", "text": f"119{page}"}))
    data = io.BytesIO(b"\n".join(lines) + b"\n")  # 31 MB of distinct pages
    out = io.BytesIO()
    tracemalloc.start()
    try:
        assert identify_lines(data, out, context) == (121, 0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # reading and matching hold a few 4 MiB chunks (~25 MB here); keeping every page took 50 MB
    assert peak < 36 * 1024 * 1024, peak
    answers = [orjson.loads(line) for line in out.getvalue().splitlines()]
    assert len(answers) == 121 and answers[-1]["id"] == "again"
    assert {a["signature"] for a in answers[:-1]} == {answers[-1]["signature"]}
