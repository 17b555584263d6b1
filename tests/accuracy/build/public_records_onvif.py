"""ONVIF GetDeviceInformation answers transcribed from public captures.

The text of an `onvif.device_information` record is the GetDeviceInformationResponse element as the
device service returns it (ONVIF Core spec, device management 8.3.1): Manufacturer, Model,
FirmwareVersion, SerialNumber, HardwareId with the `tds:` prefix, one per line. When the source
shows the answer as parsed values (a test assertion, a printed dict) rather than XML, the values
are put back into that element unchanged, in the spec's order; fields the source does not show
are left out. Labelling: the maker the Manufacturer/Model values name (the catalogue's canonical
name), None for software that answers ONVIF on anybody's hardware (proxies, emulators) or a
Manufacturer that names no maker we can settle.
"""

from __future__ import annotations

from public_records import Rec, Source

_ORDER = ("Manufacturer", "Model", "FirmwareVersion", "SerialNumber", "HardwareId")


def devinfo(**values: str) -> str:
    """The GetDeviceInformationResponse element for the values given (spec order)."""
    inner = "".join(f"\n  <tds:{k}>{values[k]}</tds:{k}>" for k in _ORDER if k in values)
    return f"<tds:GetDeviceInformationResponse>{inner}\n</tds:GetDeviceInformationResponse>"


SOURCES: list[Source] = [
    Source(
        "gh-ha-92308",
        "https://github.com/home-assistant/core/issues/92308",
        "home-assistant #92308: CamHipro WiFi camera ONVIF (zeep debug log of GetDeviceInformation)",
        Rec(
            "onvif.device_information",
            '<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tds="http://www.onvif.org/ver10/device/wsdl" '
            'xmlns:hikwsd="http://www.onvifext.com/onvif/ext/ver10/wsdl" xmlns:hikxsd="http://www.onvifext.com/onvif/ext/ver10/schema" >'
            "<s:Body><tds:GetDeviceInformationResponse><tds:Manufacturer>IPCAM</tds:Manufacturer>",
            None,
            "hard negative: a no-name CamHipro camera; Manufacturer 'IPCAM' names no maker and the 'hikwsd' namespace "
            "prefix (onvifext.com) is not Hikvision's. The answer as the log shows it, cut after Manufacturer where the "
            "log excerpt ends; namespace declarations irrelevant to the device trimmed",
        ),
    ),
]
