"""`custodiet identify` on hostile lines: bounded memory for a long text repeating a name, and the
line limit held exactly (issue 12, rows 7 and 10)."""

from __future__ import annotations

import io
import tracemalloc

import orjson
import pytest

from custodiet.pipeline.context import Context, load_context
from custodiet.pipeline.identify_lines import MAX_LINE, identify_lines


@pytest.fixture(scope="module")
def context() -> Context:
    return load_context()


def answers(context: Context, data: bytes) -> list[dict]:
    out = io.BytesIO()
    identify_lines(io.BytesIO(data), out, context)
    return [orjson.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize("field", ["nmap.service", "inventory.vendor"])
@pytest.mark.parametrize("alone", [True, False], ids=["alone", "in-a-batch"])
def test_a_long_line_repeating_a_name_is_answered_in_bounded_memory(
    context: Context, field: str, alone: bool
) -> None:
    """Every Hyperscan report of a name used to be kept (a tuple each): 54x the line's size."""
    line = orjson.dumps({"id": 1, "field": field, "text": "ZTE " * 500_000})
    others = [] if alone else [orjson.dumps({"id": 2, "field": field, "text": "ZTE"})]
    data = b"\n".join([line, *others]) + b"\n"
    tracemalloc.start()
    try:
        found = answers(context, data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [a["manufacturer"] for a in found] == ["ZTE"] * (1 + len(others))
    assert peak < 10 * len(line), f"peak {peak / len(line):.1f}x the line"


def _line_of_size(size: int) -> bytes:
    head, tail = b'{"id":7,"field":"http.title","text":"', b'"}'
    return head + b"a" * (size - len(head) - len(tail)) + tail


def test_the_line_limit_is_held_to_the_byte(context: Context) -> None:
    """A 17 MiB line was answered: the limit was checked on the unfinished part only."""
    for size in (MAX_LINE + 1, 17 * 1024 * 1024):
        found = answers(
            context,
            _line_of_size(size) + b"\n" + orjson.dumps({"id": 2, "field": "hostname", "text": "x"}) + b"\n",
        )
        assert found[0] == {"id": None, "error": f"line 1: line longer than {MAX_LINE} bytes"}
        assert found[1]["id"] == 2
    at_limit = answers(context, _line_of_size(MAX_LINE) + b"\n")
    assert at_limit[0]["id"] == 7 and "error" not in at_limit[0]
    unterminated = answers(context, _line_of_size(MAX_LINE + 5))
    assert "error" in unterminated[0]
