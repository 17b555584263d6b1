"""Making device strings safe to show: visible control characters, bounded length.

Every string a report shows may come from a hostile device (a banner, a hostname, a certificate
subject) or a hostile input file. Before any renderer escapes for its own syntax (Rich markup,
HTML, CSV), text goes through `visible`:

- C0 and C1 control characters and DEL become \\xNN, so an ESC cannot drive the terminal, a NUL
  cannot cut a string short, and a CR cannot overwrite what a line showed;
- invisible format characters that change how text reads (bidi overrides and isolates as in
  "Trojan Source", zero-width characters, line and paragraph separators, BOM) become \\uNNNN;
- lone surrogates (not valid Unicode, unencodable on output) become \\udcNN.

Sources already write undecodable bytes as \\xNN, so \\x1b in a report means "the byte 1B", whether
the device sent it raw or as an invalid UTF-8 sequence.

`excerpt` cuts before escaping (escaping a megabyte banner to show 2,000 characters of it would be
wasted work) and says how much it left out.
"""

from __future__ import annotations

_INVISIBLE = (
    0x061C,  # Arabic letter mark
    *range(0x200B, 0x2010),  # zero-width space, (non-)joiner, LRM, RLM
    0x2028,  # line separator
    0x2029,  # paragraph separator
    *range(0x202A, 0x202F),  # bidi embeddings and overrides
    *range(0x2060, 0x2065),  # word joiner, invisible operators
    *range(0x2066, 0x206A),  # bidi isolates
    0xFEFF,  # BOM / zero-width no-break space
    *range(0xFFF9, 0xFFFC),  # interlinear annotation
)


def _table(keep: str) -> dict[int, str]:
    table: dict[int, str] = {}
    for code in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]:
        if chr(code) not in keep:
            table[code] = f"\\x{code:02x}"
    for code in _INVISIBLE:
        table[code] = f"\\u{code:04x}"
    for code in range(0xD800, 0xE000):
        table[code] = f"\\u{code:04x}"
    return table


_ONE_LINE = _table(keep="")
_MULTI_LINE = _table(keep="\n")


def visible(text: str, *, newlines: bool = False) -> str:
    """text with control and invisible characters written as escapes (newlines kept if asked)."""
    return text.translate(_MULTI_LINE if newlines else _ONE_LINE)


def excerpt(text: str, limit: int, *, newlines: bool = False) -> str:
    """visible() of at most `limit` characters of text, with a note of how many were left out."""
    if len(text) <= limit:
        return visible(text, newlines=newlines)
    return visible(text[:limit], newlines=newlines) + f" … [{len(text) - limit:,} more characters not shown]"


def percent(confidence: float) -> str:
    """0.8725 -> '87%': what people read; the exact value stays in JSON and CSV."""
    return f"{confidence * 100:.0f}%"
