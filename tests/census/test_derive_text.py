"""derive.derivation_text_sql(): the part of a piece's text that its derivation reads. Pieces that
differ only beyond it go to the matcher once, so the derivation of that part must be the
derivation of the whole piece, for every text: checked here on texts built to break it (white
space of every kind Python's str.strip() knows, blank lines of both spellings in every order,
header lines that are not headers, texts that are not ASCII) and on random ones."""

from __future__ import annotations

import random

import duckdb
import pyarrow as pa

from custodiet.census.derive import Deriver, derivation_text_sql

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
    "Hikvision-Webs", "Key type: ssh-rsa",
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
]


def derivation_text(con: duckdb.DuckDBPyConnection, kind: str, raw: str) -> str:
    return con.execute(
        f"SELECT {derivation_text_sql()} FROM (SELECT ? AS kind, ? AS raw)", [kind, raw]
    ).fetchone()[0]


def test_the_derivation_text_derives_as_the_whole_piece() -> None:
    rng = random.Random(7)
    texts = CRAFTED + ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 14))) for _ in range(1500)]
    pieces = pa.table({"kind": [k for _ in texts for k in KINDS], "raw": [t for t in texts for _ in KINDS]})
    con = duckdb.connect()
    con.register("pieces", pieces)
    cut = con.execute(f"SELECT kind, raw, {derivation_text_sql()} AS text FROM pieces").fetchall()
    assert len(cut) == len(texts) * len(KINDS)
    deriver = Deriver()
    for kind, raw, text in cut:
        assert deriver.derive(kind, text) == deriver.derive(kind, raw), (kind, raw, text)
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
