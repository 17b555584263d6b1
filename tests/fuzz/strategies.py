"""Inputs for the fuzz targets: real files mutated the way damage and attackers mutate them.

Random bytes alone rarely get past a format's first check, so each target starts from seeds of
its format (the project's test data and hostile corpus) and changes them: bytes flipped, cut,
duplicated, and tokens that break parsers spliced in (quotes, angle brackets, NUL, byte-order
marks, escapes, huge numbers, separators, encodings)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import strategies as st

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "sources" / "data"
HOSTILE = ROOT / "tests" / "sources" / "hostile"

TOKENS = [
    b'"', b"'", b"<", b">", b"&", b"&#0;", b"&#x110000;", b"&amp", b"]]>", b"-->", b"<!--", b"<?", b"<![CDATA[",
    b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\xc3", b"\xe6\x97", b"\\x", b"\\xZZ", b"\r", b"\n", b"\r\n",
    b"\t", b",", b";", b"|", b"{", b"}", b"[", b"]", b":", b"-1", b"-6", b"1e400", b"NaN", b"99999999999999999999999",
    b"0x7fffffff", b"null", b"true", b'"\\u0000"', b'"\\ud800"', b"#fields", b"#separator \\x09", b"lease ", b"{}",
    b'encoding="x-klingon"', b'encoding="utf-7"', b"%", b"\\", b"\x1b[2J", b"\xc0\x0c", b"\x30\x84\xff\xff\xff\xff",
]  # fmt: skip


def seed(*names: str) -> list[bytes]:
    """Seed files by path relative to the repository."""
    return [(ROOT / name).read_bytes() for name in names]


@st.composite
def mutated(draw: st.DrawFn, seeds: list[bytes], max_size: int = 200_000) -> bytes:
    """A seed with a few of: byte flips, tokens spliced in, a slice duplicated or removed, a cut."""
    data = bytearray(draw(st.sampled_from(seeds))[:max_size])
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            data += draw(st.binary(max_size=16))
            continue
        pos = draw(st.integers(0, len(data) - 1))
        action = draw(st.integers(0, 4))
        if action == 0:
            data[pos] = draw(st.integers(0, 255))
        elif action == 1:
            data[pos:pos] = draw(st.sampled_from(TOKENS)) * draw(st.integers(1, 3))
        elif action == 2:
            end = min(len(data), pos + draw(st.integers(1, 200)))
            data[pos:pos] = data[pos:end] * draw(st.integers(1, 20))
        elif action == 3:
            del data[pos : pos + draw(st.integers(1, 64))]
        else:
            data = data[: pos + 1]
    return bytes(data)


def inputs(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """Mostly mutated seeds, sometimes raw random bytes."""
    return st.one_of(mutated(seeds), mutated(seeds), mutated(seeds), st.binary(max_size=2000))
