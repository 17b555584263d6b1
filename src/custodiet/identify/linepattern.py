"""Rewrite a signature pattern so that it can never match a newline.

Why: to scan many short texts in one Hyperscan call, the engine joins them with newlines and
scans the joined buffer once (see engine.Identifier.match_many). A match must then never span
two texts. Texts that go into a joined buffer contain neither a newline nor a NUL byte, so on
those texts a pattern is equivalent to its rewrite in which:
  - a negated class also excludes the newline            [^x]  -> [^\\nx]
  - a class that would accept a newline no longer does    \\s    -> [\\t\\x0b\\x0c\\r ]
  - a literal newline becomes a NUL (never in such texts) \\n    -> \\x00
  - a dot under (?s) excludes the newline.
^ and $ under Hyperscan's multi-line mode match at the joins, exactly as at a text's ends.

The pattern is parsed with Python's own regex parser (never run by it: it is only a parser
here) and printed back for Hyperscan. Anything this module does not understand returns None,
and the engine keeps scanning that field's texts one at a time.
"""

from __future__ import annotations

import re._constants as C
import re._parser as P

NEWLINE = 10
_SPACE = (9, 10, 11, 12, 13, 32)
_DIGIT = tuple(range(48, 58))
_WORD = tuple(range(48, 58)) + tuple(range(65, 91)) + (95,) + tuple(range(97, 123))


class _Unsupported(Exception):
    pass


def _byte(value: int) -> str:
    if value > 255:
        raise _Unsupported("non-byte code point in a class")
    char = chr(value)
    return char if char.isascii() and char.isalnum() else f"\\x{value:02x}"


def _literal(value: int) -> str:
    if value == NEWLINE:
        return "\\x00"
    if value < 128:
        return _byte(value)
    return "".join(f"\\x{b:02x}" for b in chr(value).encode("utf-8"))


def _class_members(items: list) -> tuple[bool, set[int]]:
    """(negated, set of byte values) of a class, categories expanded."""
    negated = False
    members: set[int] = set()
    for op, av in items:
        if op is C.NEGATE:
            negated = True
        elif op is C.LITERAL:
            if av > 255:
                raise _Unsupported("non-byte literal in a class")
            members.add(av)
        elif op is C.RANGE:
            low, high = av
            if high > 255:
                raise _Unsupported("non-byte range in a class")
            members.update(range(low, high + 1))
        elif op is C.CATEGORY:
            members.update(_category(av))
        else:
            raise _Unsupported(f"class item {op}")
    return negated, members


def _category(category: object) -> set[int]:
    everything = set(range(256))
    table = {
        C.CATEGORY_DIGIT: set(_DIGIT),
        C.CATEGORY_NOT_DIGIT: everything - set(_DIGIT),
        C.CATEGORY_SPACE: set(_SPACE),
        C.CATEGORY_NOT_SPACE: everything - set(_SPACE),
        C.CATEGORY_WORD: set(_WORD),
        C.CATEGORY_NOT_WORD: everything - set(_WORD),
    }
    if category not in table:
        raise _Unsupported(f"category {category}")
    return table[category]


def _class(members: set[int], ignore_case: bool) -> str:
    """A positive class of byte values, newline removed, as compact ranges."""
    members = set(members) - {NEWLINE}
    if not members:
        return "\\x00"  # a class that can only have matched a newline: now matches nothing usable
    values = sorted(members)
    parts = []
    start = prev = values[0]
    for value in [*values[1:], None]:
        if value is not None and value == prev + 1:
            prev = value
            continue
        parts.append(_byte(start) if start == prev else f"{_byte(start)}-{_byte(prev)}")
        if value is not None:
            start = prev = value
    return "[" + "".join(parts) + "]"


def _repeat(low: int, high: int, lazy: bool) -> str:
    if high is C.MAXREPEAT:
        text = "*" if low == 0 else "+" if low == 1 else f"{{{low},}}"
    elif low == high:
        text = f"{{{low}}}"
    elif low == 0 and high == 1:
        text = "?"
    else:
        text = f"{{{low},{high}}}"
    return text + ("?" if lazy else "")


def _case_closed(members: set[int]) -> set[int]:
    """Under (?i) Hyperscan matches a class caselessly: complement only a case-closed set."""
    closed = set(members)
    for value in members:
        if 65 <= value <= 90:
            closed.add(value + 32)
        elif 97 <= value <= 122:
            closed.add(value - 32)
    return closed


def _emit(items: list, dotall: bool, icase: bool) -> str:
    out = []
    for op, av in items:
        if op is C.LITERAL:
            out.append(_literal(av))
        elif op is C.NOT_LITERAL:
            excluded = _case_closed({av}) if icase else {av}
            out.append(_class(set(range(256)) - excluded, False))
        elif op is C.ANY:
            out.append("[^\\n]" if dotall else ".")
        elif op is C.IN:
            negated, members = _class_members(av)
            if negated and icase:
                members = _case_closed(members)
            out.append(_class(set(range(256)) - members if negated else members, False))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            low, high, body = av
            out.append(f"(?:{_emit(body, dotall, icase)})" + _repeat(low, high, op is C.MIN_REPEAT))
        elif op is C.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            flags = ""
            if add_flags & C.SRE_FLAG_IGNORECASE:
                flags += "i"
            if add_flags & ~(C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_DOTALL | C.SRE_FLAG_MULTILINE):
                raise _Unsupported("group flags")
            inner_dotall = (dotall or bool(add_flags & C.SRE_FLAG_DOTALL)) and not (
                del_flags & C.SRE_FLAG_DOTALL
            )
            if del_flags & C.SRE_FLAG_IGNORECASE:
                flags += "-i"
            inner_icase = (icase or bool(add_flags & C.SRE_FLAG_IGNORECASE)) and not (
                del_flags & C.SRE_FLAG_IGNORECASE
            )
            prefix = f"(?{flags}:" if flags else "(?:"
            out.append(prefix + _emit(body, inner_dotall, inner_icase) + ")")
        elif op is C.BRANCH:
            out.append("(?:" + "|".join(_emit(b, dotall, icase) for b in av[1]) + ")")
        elif op is C.AT:
            table = {C.AT_BEGINNING: "^", C.AT_END: "$", C.AT_BOUNDARY: "\\b", C.AT_NON_BOUNDARY: "\\B"}
            if av not in table:
                raise _Unsupported(f"anchor {av}")
            out.append(table[av])
        else:
            raise _Unsupported(f"construct {op}")
    return "".join(out)


def single_line(pattern: str, to_line_end: bool = False) -> str | None:
    """The newline-free rewrite of a pattern, or None if it uses something not handled here.

    to_line_end: the rewrite also runs on to the end of the line ((?:P)[^\\n]*$), so that
    Hyperscan, which reports every end offset of every match, reports a hit once per text
    (at its end) rather than once per character a trailing `+` or `*` can take. The texts it
    hits are the same: the rewrite never matches a newline, so whatever follows P up to the
    end of its text is newline-free. A pattern with an end anchor of its own is left as it is
    (Hyperscan takes no anchor inside a pattern; such a pattern has few ends anyway)."""
    try:
        parsed = P.parse(pattern)
        flags = parsed.state.flags
        if flags & ~(C.SRE_FLAG_IGNORECASE | C.SRE_FLAG_DOTALL | C.SRE_FLAG_MULTILINE | C.SRE_FLAG_UNICODE):
            return None
        body = _emit(list(parsed), bool(flags & C.SRE_FLAG_DOTALL), bool(flags & C.SRE_FLAG_IGNORECASE))
    except (_Unsupported, Exception):
        return None
    if to_line_end and "$" not in body:  # (an end anchor, never a literal: literals print as \\x24)
        body = f"(?:{body})[^\\n]*$"
    return ("(?i)" if flags & C.SRE_FLAG_IGNORECASE else "") + body
