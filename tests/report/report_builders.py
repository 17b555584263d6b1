"""A RunReport with everything a renderer must survive: covered and plain devices, a relabel,
conflicts, hostile banners, undecodable bytes as sources write them, and a 1 MB banner.

(A plain module, not conftest.py: test modules import it by a name no other test folder uses.)
"""

from __future__ import annotations

from custodiet.model import (
    Conflict,
    Device,
    DeviceSeen,
    Evidence,
    Finding,
    Identity,
    InputSummary,
    ListVersion,
    Provenance,
    Remediation,
    RunReport,
    ScopeSummary,
    Service,
    SourceRef,
    Waiver,
)

SCRIPT_BANNER = "<script>alert(1)</script>"
ATTR_BANNER = '"><img src=x onerror=alert(1)>'
# What a source makes of bytes that are not UTF-8 (\xNN text), plus raw control characters.
UNDECODABLE = "Webs\\xff\\xfe/1.0"
CONTROL = "ok\x00nul\x1b[2J\x1b]8;;http://evil.example/\x07link\x9b31m\r\x7f"
BIDI = "cam\u202eexe.txt"
MARKUP = "[bold red]not markup[/] [link=http://evil.example]x[/link] :smile:"
HUGE = "A" * 1_000_000


def _evidence(text: str, signature: str, strength: float, **sets: str) -> Evidence:
    return Evidence(
        field="http.server",
        text=text,
        provenance=Provenance(file="scans/site-a.xml", place="host 10.0.0.5 port 80/tcp"),
        signature=signature,
        sets=sets,
        strength=strength,
        port="80/tcp",
    )


def hostile_run() -> RunReport:
    hik = Device(
        id="mac:44:19:B6:00:00:01",
        addresses=("10.0.0.5",),
        mac="44:19:B6:00:00:01",
        hostnames=(f"cam{SCRIPT_BANNER}.example", '=HYPERLINK("http://evil.example","x")'),
        services=(Service("80/tcp", "http", ATTR_BANNER), Service("554/tcp", "rtsp", "")),
        identity=Identity(
            manufacturer="Hikvision",
            model="DS-2CD2143G0-I",
            firmware="V5.5.0",
            device_type="camera",
            confidence=0.9625,
            evidence=(
                _evidence(
                    SCRIPT_BANNER + ATTR_BANNER, "http.server/hikvision-webs", 0.85, manufacturer="Hikvision"
                ),
                _evidence(CONTROL + MARKUP + BIDI, "http.title/hik-title", 0.6, model=ATTR_BANNER),
                _evidence(HUGE, "http.body/hik-login", 0.3, device_type="camera"),
            ),
            conflicts=(Conflict("model", (("DS-2CD2143G0-I", 0.85), (ATTR_BANNER, 0.6))),),
            explanation=("strong http.server/hikvision-webs: 0.85", f"title says {SCRIPT_BANNER}: 0.96"),
        ),
        covered=True,
        site=f"HQ {SCRIPT_BANNER}",
        serial="SN-0001",
        owner="Facilities",
    )
    amcrest = Device(
        id="ip:10.0.0.10",
        addresses=("10.0.0.10",),
        mac=None,
        hostnames=(),
        services=(),
        identity=Identity(
            manufacturer="Dahua",
            brand="Amcrest",
            model="+IP2M-841",
            firmware="-2.800",
            device_type="camera",
            confidence=0.6,
            evidence=(
                Evidence(
                    field="http.www_authenticate",
                    text=UNDECODABLE,
                    provenance=Provenance(file="@inventory.csv", place="line 3"),
                    signature="http.www_authenticate/amcrest",
                    sets={"brand": "Amcrest", "manufacturer": "Dahua"},
                    strength=0.6,
                    relabel="Amcrest",
                ),
            ),
        ),
        review=True,
        site="Warehouse",
    )
    printer = Device(
        id="ip:10.0.0.9",
        addresses=("10.0.0.9",),
        mac="00:00:48:11:22:33",
        hostnames=("printer.example",),
        services=(Service("9100/tcp", "jetdirect"),),
        identity=Identity(manufacturer="Seiko Epson", device_type="printer", confidence=0.85),
    )
    unknown = Device(
        id="ip:2001:db8::1",
        addresses=("2001:db8::1",),
        mac=None,
        hostnames=(BIDI,),
        services=(),
        identity=Identity(),
    )
    findings = (
        Finding(
            device=hik.id,
            rule="us-fcc-covered-list:hikvision",
            list="us-fcc-covered-list",
            entity="Hangzhou Hikvision Digital Technology Co.",
            reason=f"manufacturer Hikvision (0.96) from {SCRIPT_BANNER}",
            scope="Covered for public-safety and critical-infrastructure surveillance use",
            severity="covered",
            sources=("fcc-covered-list", "https://www.fcc.gov/supplychain/coveredlist"),
        ),
        Finding(
            device=amcrest.id,
            rule="us-fcc-covered-list:dahua",
            list="us-fcc-covered-list",
            entity="Dahua Technology Company",
            reason="brand Amcrest is an OEM relabel of Dahua (medium)",
            scope=ATTR_BANNER,
            severity="verify",
            sources=("fcc-covered-list",),
        ),
    )
    inputs = (
        InputSummary(
            path=f"scans/{SCRIPT_BANNER}.xml",
            format="nmap-xml",
            sha256="0" * 64,
            records=4,
            observations=12,
            skipped=1,
            skip_reasons=((f"bad address {ATTR_BANNER}", 1),),
        ),
        InputSummary(
            path="=cmd|' /C calc'!A0.csv",
            format="csv",
            sha256=ATTR_BANNER,  # never hostile in practice (we compute it), but it lands in an attribute
            records=2,
            observations=2,
            error=f"line 3: {CONTROL}",
        ),
    )
    return RunReport(
        run_id=7,
        started="2025-06-01T10:00:00Z",
        finished="2025-06-01T10:02:00Z",
        content_version="2025.06",
        inputs=inputs,
        devices=(printer, hik, unknown, amcrest),
        findings=findings,
        profile="us-federal",
        lists=(
            ListVersion(
                id="us-fcc-covered-list",
                name="FCC Covered List",
                jurisdiction="US",
                severity="covered",
                as_of="2026-04-30",
                first_published="2021-03-12",
                latest_entry="2026-03-23",
                entries=9,
                url="https://www.fcc.gov/supplychain/coveredlist",
                sources=(
                    SourceRef(
                        "fcc-coveredlist",
                        "Covered List",
                        "https://www.fcc.gov/supplychain/coveredlist",
                        "FCC",
                        rank=0,
                    ),
                    SourceRef("law-firm", f"A summary {SCRIPT_BANNER}", "https://example.org/x", rank=3),
                ),
            ),
        ),
        scope=(
            ScopeSummary(f"scans/{SCRIPT_BANNER}.xml", "nmap targets", 256, (("10.0.0.0", "10.0.0.255"),)),
        ),
        seen=(DeviceSeen(hik.id, 3, "2025-03-01T10:00:00Z", 7, "2025-06-01T10:00:00Z"),),
        waivers=(
            Waiver(
                1,
                amcrest.id,
                "us-fcc-covered-list",
                "alice",
                f"replacement ordered {ATTR_BANNER}",
                "2025-05-01T00:00:00Z",
                "2099-12-31",
            ),
            Waiver(2, hik.id, None, "bob", "pilot", "2025-01-01T00:00:00Z", "2025-02-01"),
        ),
        remediation=(
            Remediation(5, hik.id, "ticketed", "2025-06-02T09:00:00Z", "carol", f"INC-{SCRIPT_BANNER}"),
        ),
        as_of="2025-06-03",
    )
