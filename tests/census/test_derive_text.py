"""derive.derivation_texts_sql(): the part of a piece's text that its derivation reads. Pieces that
differ only beyond it go to the matcher once, so the derivation of that part must be the
derivation of the whole piece, for every text: checked here on texts built to break it (white
space of every kind Python's str.strip() knows, blank lines of both spellings in every order,
header lines that are not headers, texts that are not ASCII, Date lines in every spelling) and
on random ones. The derivations are compared as the matcher reads them: a header block or reply
without its Date values (identify.components.without_date_values)."""

from __future__ import annotations

import random

import duckdb
import pyarrow as pa

from custodiet.census import derive as derive_module
from custodiet.census.derive import Deriver, Pairs, derivation_texts_sql
from custodiet.identify.components import HEADER_PARTS, without_date_values
from custodiet.model.observation import MAX_TEXT

KINDS = (
    "banner:ssh",
    "banner:http",
    "banner:rtsp",
    "banner:sip",
    "banner:upnp",
    "banner:telnet",
    "http.title",
)
ALPHABET = [
    "\r", "\n", "\r\n", "\r\n\r\n", "\n\n", " ", "\t", "\x0b", "\x1c", "\x85", "\xa0", "\u3000", "\u2028", "\x00",
    "a", "é", "Server", "server", "User-Agent", "WWW-Authenticate", ":", ": ", "/", "SSH-2.0-", "HTTP/1.1 200 OK",
    "Hikvision-Webs", "Key type: ssh-rsa", "Date: Mon, 01 Jan 2024 00:00:00 GMT", "date:", "DATE:x", "dAtE : y",
    "\nDate: ", "\r\nDaTe:\r", "Date\n:", " SERVER\x1f", "user-agent", "Call-ID: 9", "USN: uuid:1", ";branch=z",
]  # fmt: skip
CRAFTED = [
    "SSH-2.0-OpenSSH_7.4\nKey type: ssh-rsa\nKey: AAAAB3NzaC1yc2E\nFingerprint: 5a:1b",
    "  \n SSH-2.0-dropbear\nKey: x",
    "\u3000\u2028SSH-2.0-x\u3000\r\nKey: y",
    "\x1c\x1d\nSSH-2.0-after-separators",
    "\n",
    "SSH-2.0-only",
    "HTTP/1.1 200 OK\r\nServer: Hikvision-Webs\r\n\r\nServer: not-a-header-any-more",
    "HTTP/1.1 200 OK\nServer: a\n\nServer: b\r\n\r\n",
    "HTTP/1.1 200 OK\r\nServer: a\r\n\r",
    "\r\n\r\nServer: after-a-blank-start",
    'RTSP/1.0 401 Unauthorized\r\nWWW-Authenticate: Digest realm="x"\r\n\r\n',
    "SIP/2.0 200 OK\r\nUser-Agent: Hytera\r\nServer: é\r\n\r\nServer: z",
    "HTTP/1.1 200 OK\r\nServer: café\r\n\r\nServer: z",
    "Date: first\r\nServer: a\r\nDATE: again\r\n\r\n",
    "HTTP/1.1 200 OK\r\nDate: Hikvision\rServer: x\n date: indented\r\n\r\nDate: body",
    "SIP/2.0 200 OK\r\n" + "X-Filler: 1\r\n" * 300 + "Server: past-the-lines-read\r\n\r\n",
    "HTTP/1.1 200 OK\r\nDate: " + "9" * MAX_TEXT + "\r\nServer: after-a-long-date\r\n\r\n",
]


def derivation_text(con: duckdb.DuckDBPyConnection, kind: str, raw: str) -> str:
    [(text,)] = con.execute(
        f"SELECT text FROM ({derivation_texts_sql('(SELECT ? AS kind, ? AS raw)')})", [kind, raw]
    ).fetchall()
    return text


def read(pairs: Pairs) -> Pairs:
    """The pairs as the matcher reads them (a header block or reply without its Date values)."""
    return [(f, without_date_values(t) if f in HEADER_PARTS else t) for f, t in pairs]


def test_the_derivation_text_is_read_as_the_whole_piece() -> None:
    rng = random.Random(7)
    texts = CRAFTED + ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 14))) for _ in range(1500)]
    pieces = pa.table({"kind": [k for _ in texts for k in KINDS], "raw": [t for t in texts for _ in KINDS]})
    con = duckdb.connect()
    con.register("pieces", pieces)
    cut = con.execute(f"SELECT kind, raw, text FROM ({derivation_texts_sql('pieces')})").fetchall()
    assert len(cut) == len(texts) * len(KINDS)
    deriver = Deriver()
    for kind, raw, text in cut:
        assert read(deriver.derive(kind, text)) == read(deriver.derive(kind, raw)), (kind, raw, text)
    assert (
        sum(text != raw for _, raw, text in cut) > 1000
    )  # the cut is taken, not only where it changes nothing


def test_what_is_cut_and_what_is_kept() -> None:
    con = duckdb.connect()
    assert derivation_text(con, "banner:ssh", CRAFTED[0]) == "SSH-2.0-OpenSSH_7.4"
    assert derivation_text(con, "banner:ssh", CRAFTED[1]) == CRAFTED[1]  # first line only white space
    assert (
        derivation_text(con, "banner:http", CRAFTED[6]) == "HTTP/1.1 200 OK\r\nServer: Hikvision-Webs\r\n\r\n"
    )
    assert derivation_text(con, "banner:http", CRAFTED[12]) == CRAFTED[12]  # not ASCII: as it is
    assert derivation_text(con, "banner:telnet", CRAFTED[6]) == CRAFTED[6]
    # a SIP or UPnP reply: only the lines whose fields are derived
    sip = "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP a;branch=z9\r\nCall-ID: 7\r\n user-AGENT\x1f: Hytera\r\nServer: b\r\n\r\n"
    assert derivation_text(con, "banner:sip", sip) == " user-AGENT\x1f: Hytera\r\nServer: b\r"
    upnp = "HTTP/1.1 200 OK\r\nLOCATION: http://192.0.2.1:80/d.xml\r\nSERVER: Linux UPnP/1.0\r\nUSN: uuid:1\r\n\r\n"
    assert derivation_text(con, "banner:upnp", upnp) == "SERVER: Linux UPnP/1.0\r"
    assert derivation_text(con, "banner:sip", CRAFTED[-2]) == CRAFTED[-2][: CRAFTED[-2].index("\r\n\r\n") + 4]


def test_date_values_go_as_the_matcher_drops_them() -> None:
    con = duckdb.connect()
    block = (
        "HTTP/1.1 200 OK\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\nServer: a\r\ndate:x\ry\r\n\r\nDate: body"
    )
    assert (
        derivation_text(con, "banner:http", block)
        == "HTTP/1.1 200 OK\r\nDate:\r\nServer: a\r\nDate:\ry\r\n\r\n"
    )
    long = CRAFTED[-1]
    assert derivation_text(con, "banner:http", long) == long  # cut to MAX_TEXT before the value would go
    assert derivation_text(con, "banner:telnet", block) == block
    # the SQL and Python's without_date_values() alike on ASCII texts
    rng = random.Random(11)
    texts = [t for t in CRAFTED[:-1] if t.isascii()] + [
        "".join(rng.choice([a for a in ALPHABET if a.isascii()]) for _ in range(rng.randint(1, 16)))
        for _ in range(3000)
    ]
    con.register("texts", pa.table({"raw": texts}))
    got = con.execute(
        f"SELECT raw, regexp_replace(raw, '{derive_module._DATE_LINE_SQL}', 'Date:', 'g') FROM texts"
    ).fetchall()
    assert all(sql == without_date_values(raw) for raw, sql in got)
    assert sum(sql != raw for raw, sql in got) > 500
