"""An observation: one piece of text a source read about one host, and where it read it."""

from __future__ import annotations

from dataclasses import dataclass

# Texts longer than this are cut by the sources: a hostile banner of megabytes must not
# grow memory or reports. 64 KiB keeps whole login pages and device-description XML.
MAX_TEXT = 65536


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a fact came from, precisely enough to show an auditor.

    file: the input path as the user gave it; place: a human-readable position in it
    ("line 42", "host 10.0.0.5 port 80/tcp script http-title", "packet 1234").
    """

    file: str
    place: str


@dataclass(frozen=True, slots=True)
class Subject:
    """The host an observation is about, as the source identified it.

    address is a normalised IP address (IPv4 dotted quad or compressed IPv6), mac an
    upper-case colon-separated MAC. At least one of them is set.
    """

    address: str | None
    mac: str | None = None


@dataclass(frozen=True, slots=True)
class Observation:
    """One text about one host: a banner, a header, an inventory cell, a MAC.

    field is one of model.fields (IDENTIFY_FIELDS or DESCRIPTIVE_FIELDS); text is as raw as
    the source had it (decoded as UTF-8 with undecodable bytes kept as \\xNN escapes) and
    bounded to MAX_TEXT characters; port is "80/tcp" style when the text came from a service.
    """

    subject: Subject
    field: str
    text: str
    provenance: Provenance
    port: str | None = None
