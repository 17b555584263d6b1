"""MAC address -> registered organisation, from the IEEE MA-L registry shipped by netaddr.

We read netaddr's copy of the IEEE file ourselves (once, then cached with the compiled content)
because a plain dict lookup is ~50x faster than netaddr's per-call index lookup, and because we
also want each organisation's registered country.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def registry_path() -> Path:
    return Path(str(files("netaddr.eui") / "oui.txt"))


def load_registry(path: Path | None = None) -> dict[int, tuple[str, str]]:
    """{24-bit prefix: (organisation, country code)} for every MA-L block."""
    path = path or registry_path()
    table: dict[int, tuple[str, str]] = {}
    prefix: int | None = None
    org = ""
    country = ""
    with path.open("r", encoding="utf-8", errors="replace") as handle:
        for raw in handle:
            line = raw.strip()
            if "(hex)" in line:
                if prefix is not None:
                    table[prefix] = (org, country)
                hexpart, _, rest = line.partition("(hex)")
                try:
                    prefix = int(hexpart.strip().replace("-", ""), 16)
                except ValueError:
                    prefix = None
                    continue
                org = rest.strip()
                country = ""
            elif prefix is not None and line and "(base 16)" not in line:
                country = line if len(line) == 2 and line.isalpha() else country
    if prefix is not None:
        table[prefix] = (org, country)
    return table


_SEPARATORS = str.maketrans("", "", ":-. \t")


def _hex12(text: str) -> str | None:
    """The 12 hex digits of a MAC written with : - . or space separators (or none), else None."""
    digits = text.strip()[:64].translate(_SEPARATORS)
    if len(digits) != 12:
        return None
    try:
        int(digits, 16)
    except ValueError:
        return None
    return digits


def mac_prefix(text: str) -> int | None:
    """The 24-bit OUI of a MAC in any common notation, or None if it is not a MAC or is not
    globally administered (randomised and locally administered MACs name no vendor)."""
    digits = _hex12(text)
    if digits is None:
        return None
    if digits.strip("0") == "" or digits.lower().strip("f") == "":
        return None  # all-zero and broadcast are placeholders, not hardware
    value = int(digits[:6], 16)
    if value & 0x020000:  # locally administered bit of the first octet
        return None
    if value & 0x010000:  # multicast / group address
        return None
    return value


def normalise_mac(text: str) -> str | None:
    digits = _hex12(text)
    if digits is None:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2)).upper()
