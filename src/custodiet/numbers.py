"""Whole numbers written in text, as every reader of hostile or typed-in text needs them.

Why not str.isdigit() then int(): isdigit() also takes superscripts and other digits ("²",
"①") that int() refuses, so a hostile Content-Length or XML attribute raised ValueError past
the check; and int() takes digits of other scripts ("٣") that no protocol field or address
writes. Only ASCII digits make a number here."""

from __future__ import annotations


def whole_number(text: str) -> int | None:
    """`text` as a non-negative integer when it is ASCII digits only (no sign, no space), else None."""
    return int(text) if text.isascii() and text.isdigit() else None
