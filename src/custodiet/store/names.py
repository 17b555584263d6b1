"""How a user may name a device: its id, an IP address, a MAC in any notation, or a hostname.

Every name is stored typed ("ip:", "mac:", "host:", "id:") and normalised, so that "AA-BB-CC-DD-EE-FF",
"aabb.ccdd.eeff" and "aa:bb:cc:dd:ee:ff" find the same device, "2001:DB8::0:1" finds "2001:db8::1",
and a hostname that happens to look like a MAC cannot be confused with one.
"""

from __future__ import annotations

import ipaddress

from custodiet.model import Device

_MAC_SEPARATORS = str.maketrans("", "", ":-. ")
_HEX = frozenset("0123456789abcdef")


_DIGITS = frozenset("0123456789")


def _plain_ipv4(text: str) -> bool:
    """A dotted quad as ipaddress writes it (no leading zeros, each part <= 255): its own
    normal form. Checked without ipaddress, which costs more than the rest of a device's names."""
    parts = text.split(".")
    if len(parts) != 4:
        return False
    for part in parts:
        if not part or len(part) > 3 or not _DIGITS.issuperset(part):
            return False
        if (len(part) > 1 and part[0] == "0") or (len(part) == 3 and part > "255"):
            return False
    return True


def _ip(text: str) -> str | None:
    if _plain_ipv4(text):
        return text
    candidate = text.strip("[]")
    try:
        return ipaddress.ip_address(candidate).compressed.lower()
    except ValueError:
        return None


def _mac(text: str) -> str | None:
    digits = text.translate(_MAC_SEPARATORS).lower()
    if len(digits) == 12 and _HEX.issuperset(digits):
        return digits
    return None


def _host(text: str) -> str:
    return text.strip().lower().rstrip(".")


def device_names(device: Device) -> set[str]:
    """Every typed name under which `show` should find this device."""
    names = {"id:" + device.id.lower()}
    for address in device.addresses:
        names.add("ip:" + (_ip(address) or address.lower()))
    if device.mac:
        names.add("mac:" + (_mac(device.mac) or device.mac.lower()))
    for hostname in device.hostnames:
        if hostname.strip():
            names.add("host:" + _host(hostname))
    return names


def query_names(host: str) -> set[str]:
    """Typed names that the user's string may mean (exact matches)."""
    text = host.strip()
    lower = text.lower()
    names = {"id:" + lower, "host:" + _host(text)}
    rest = lower
    for prefix in ("ip:", "mac:"):
        if lower.startswith(prefix):
            rest = lower[len(prefix) :]
    for candidate in {lower, rest}:
        ip = _ip(candidate)
        if ip:
            names.add("ip:" + ip)
            names.add("id:ip:" + ip)
        mac = _mac(candidate)
        if mac:
            names.add("mac:" + mac)
    return names


def host_prefix(host: str) -> str:
    """'host:cam1.' : the start of every fully qualified name whose first label is `host`."""
    return "host:" + _host(host) + "."
