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
        "gh-exonvif-fixture",
        "https://github.com/gBillal/ex_onvif/blob/master/test/fixtures/get_device_information.xml",
        "ex_onvif test fixture get_device_information.xml (Milesight MS-C8165-PE answer)",
        Rec(
            "onvif.device_information",
            devinfo(
                Manufacturer="Milesight Technology Co.,Ltd.",
                Model="MS-C8165-PE",
                FirmwareVersion="61.8.0.3-r8",
                SerialNumber="EM82V102329001403",
                HardwareId="V1.0",
            ),
            "Milesight",
        ),
    ),
    Source(
        "gh-evercam-onvif-test",
        "https://github.com/vqc/evercam-server/blob/master/test/onvif/device_management_test.exs",
        "evercam-server test/onvif/device_management_test.exs (live Hikvision DS-2DF7286-A answer)",
        Rec(
            "onvif.device_information",
            devinfo(
                Manufacturer="HIKVISION",
                Model="DS-2DF7286-A",
                FirmwareVersion="V5.1.8 build 140616",
                SerialNumber="DS-2DF7286-A20140705CCWR471699220B",
                HardwareId="88",
            ),
            "Hikvision",
        ),
    ),
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
