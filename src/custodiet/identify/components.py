"""The parts of a composite text that other fields' signatures are written for.

A header block holds a Server line, WWW-Authenticate challenges and Set-Cookie lines; an RTSP
reply holds Server and WWW-Authenticate; a page holds its <title>. Their signatures are written
once, for the field that carries the part alone (http.server, http.www_authenticate,
http.cookie, rtsp.server, http.title), and the matcher applies them to the parts of the
composite too, so that a user who sends a whole header block, reply or page (as a scanner or a
capture gives it) gets every signature that its parts would get.

Plain string operations only (device text is untrusted): the parts are found by splitting lines
and comparing header names, with bounds on how many lines and how much of each is read.

A composite header text is matched without the values of its Date lines (without_date_values):
a Date value is the moment the reply was sent, which says nothing of who made the device, and
it makes nearly every reply a scan records distinct (a census would match each one anew).
The line and its name stay, so a signature that counts or orders header lines still sees it.
"""

from __future__ import annotations

from custodiet.markup import title_bytes

# composite field -> {header name (lower case): field of the value}
HEADER_PARTS: dict[str, dict[str, str]] = {
    "http.headers": {
        "server": "http.server",
        "www-authenticate": "http.www_authenticate",
        "set-cookie": "http.cookie",
    },
    "rtsp.response": {
        "server": "rtsp.server",
        "www-authenticate": "http.www_authenticate",
    },
}
TITLE_PARTS: dict[str, str] = {"http.body": "http.title"}
# First letters of the header names read, both cases, and the blanks of an indented line: other
# lines are passed over unsplit.
_INITIALS = {
    field: "".join({n[0] for n in names} | {n[0].upper() for n in names} | {" ", "\t"})
    for field, names in HEADER_PARTS.items()
}
COMPOSITE_FIELDS = frozenset(HEADER_PARTS) | frozenset(TITLE_PARTS)

MAX_LINES = 64  # header lines read; a longer block is a body or an attack
MAX_PARTS = 16
MAX_VALUE = 1024  # characters of one part
MAX_TITLE_SEARCH = 16 * 1024  # characters of a page searched for its title


# Every ASCII spelling of a Date header's name with its colon (a line must begin with one).
_DATE_NAMES = frozenset(
    "".join(c.upper() if bit & (1 << i) else c for i, c in enumerate("date")) + ":" for bit in range(16)
)
DATE_LINE = "Date:"  # what a Date line becomes


def without_date_values(text: str) -> str:
    """`text` with each Date line's value removed: a line (at the text's start or after a
    newline) that begins with "date:" in any ASCII case becomes "Date:" followed by what the
    line held from its first carriage return on. The census does the same in SQL
    (census/derive.py, regexp '(?m)^[Dd][Aa][Tt][Ee]:[^\\r\\n]*' -> 'Date:'); the tests hold
    them alike."""
    if "date:" not in text.lower():  # lower() finds every ASCII spelling: most texts stop here
        return text
    lines = text.split("\n")
    changed = False
    for i, line in enumerate(lines):
        if line[:5] in _DATE_NAMES:
            cr = line.find("\r", 5)
            lines[i] = DATE_LINE if cr < 0 else DATE_LINE + line[cr:]
            changed = True
    return "\n".join(lines) if changed else text


def parts(field: str, text: str) -> list[tuple[str, str]]:
    """[(field, value)] of the parts of a composite text, in order, without repeats."""
    names = HEADER_PARTS.get(field)
    if names is not None:
        return _header_parts(text, names, _INITIALS[field])
    title_field = TITLE_PARTS.get(field)
    if title_field is not None:
        title = page_title(text)
        return [(title_field, title)] if title else []
    return []


def _header_parts(text: str, names: dict[str, str], initials: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for line in text.split("\n", MAX_LINES)[:MAX_LINES]:
        if not line or line[0] not in initials:
            continue
        if line[0] == " " or line[0] == "\t":  # scanner output indents its header lines
            line = line.lstrip(" \t")
            if not line or line[0] not in initials:
                continue
        name, colon, value = line.partition(":")
        if not colon or len(name) > 32:
            continue
        part_field = names.get(name.strip().lower())
        if part_field is None:
            continue
        item = (part_field, value.strip()[:MAX_VALUE])
        if item[1] and item not in found:
            found.append(item)
            if len(found) >= MAX_PARTS:
                break
    return found


def page_title(text: str) -> str:
    """The text of a page's first <title> element, whitespace collapsed ('' when none)."""
    title = title_bytes(text[:MAX_TITLE_SEARCH].encode("utf-8", "surrogatepass"))
    if not title:
        return ""
    return " ".join(title.decode("utf-8", "surrogatepass").split())[:MAX_VALUE]


def part_offset(field: str, part_field: str, data: bytes) -> int | None:
    """Where in a composite text (as UTF-8) its part of `part_field` begins, for display."""
    lower = data.lower()  # ASCII letters only: offsets stay those of data
    if TITLE_PARTS.get(field) == part_field:
        found = lower.find(b"<title")
        return found if found >= 0 else None
    for name, named_field in HEADER_PARTS.get(field, {}).items():
        if named_field == part_field:
            found = lower.find(b"\n" + name.encode() + b":")
            if found >= 0:
                return found + 1
    return None
