"""Whole numbers in hostile or typed-in text: ASCII digits only. str.isdigit() also takes "²",
which int() refuses: before custodiet.numbers, such a Content-Length in a capture, an nmap start
attribute, a dashboard run id or a scope range raised ValueError past the check."""

from __future__ import annotations

from pathlib import Path

import pytest

from custodiet.errors import UsageError
from custodiet.numbers import whole_number
from custodiet.pipeline import scope as input_scope
from custodiet.scan.scope import Scope
from custodiet.sources.pcap import http


@pytest.mark.parametrize(
    ("text", "want"),
    [("0", 0), ("80", 80), ("007", 7), ("", None), ("²", None), ("1²", None), ("٣", None), ("-1", None),
     (" 1", None), ("1.0", None), ("①", None)],
)  # fmt: skip
def test_whole_number(text: str, want: int | None) -> None:
    assert whole_number(text) == want


def test_a_superscript_content_length_is_no_length() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Length: \xc2\xb2\r\n\r\n"
    assert http.response_wants_more(head) is True  # no length: the usual amount of body is awaited
    assert http.response_wants_more(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab") is False


def test_a_superscript_nmap_start_time_is_no_time(tmp_path: Path) -> None:
    scan = tmp_path / "scan.xml"
    scan.write_text(
        '<?xml version="1.0"?>\n<nmaprun scanner="nmap" start="\u00b2" args="nmap x"></nmaprun>\n'
    )
    taken = input_scope.taken(scan, "nmap-xml")
    assert taken is not None and taken.endswith("Z")  # the file's modification time instead
    scan.write_text('<?xml version="1.0"?>\n<nmaprun scanner="nmap" start="86400" args="nmap x"></nmaprun>\n')
    assert input_scope.taken(scan, "nmap-xml") == "1970-01-02T00:00:00Z"


def test_superscripts_in_ranges_are_no_numbers() -> None:
    assert input_scope.target_ranges("10.0.0.\u00b2") == []
    assert input_scope.target_ranges("10.0.0.1-\u00b2") == []
    assert len(input_scope.target_ranges("10.0.0.1-3")) == 1
    with pytest.raises(UsageError, match="not an address range"):
        Scope.parse(["10.0.0.5-\u00b2"])
    assert Scope.parse(["10.0.0.5-7"]).size() == 3
