"""CISA KEV matching: firmware parsing, range logic at the edges, series patterns, the 'verify'
paths (version unknown, unreadable, unconfirmed listing, weak identity) and Policy.findings."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from custodiet.errors import ContentError, ContentErrors
from custodiet.identify.compile import content_dir
from custodiet.model import Conflict, Device, Evidence, Identity, Provenance
from custodiet.pipeline.content import load_content, read_content
from custodiet.policy.evaluate import Policy
from custodiet.policy.kev import (
    KevEntry,
    Rule,
    judge,
    kev_findings,
    kev_sources,
    load_kev,
    normalise_model,
    parse_firmware,
)

from .policies import load_policy

HERE = Provenance("scan.xml", "host 10.0.0.7 port 80/tcp")


@pytest.fixture(scope="module")
def entries() -> dict[str, KevEntry]:
    return {e.cve: e for e in load_kev(content_dir())}


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(content_dir())


def rule(entries: dict[str, KevEntry], cve: str, series: str) -> Rule:
    return next(r for r in entries[cve].rules or () if r.series == series)


def identity(
    manufacturer: str | None,
    model: str | None,
    firmware: str | None,
    confidence: float = 0.93,
    conflicts: tuple[Conflict, ...] = (),
) -> Identity:
    sets = {"manufacturer": manufacturer} if manufacturer else {}
    model_sets = {**sets, "model": model} if model else sets
    evidence = [
        Evidence("http.server", "App-webs/", HERE, "http.server/hikvision-app-webs", sets, 0.85, "80/tcp")
    ]
    if model:
        text = f"<tds:Model>{model}</tds:Model>"
        evidence.append(
            Evidence("onvif.device_information", text, HERE, "onvif/model", model_sets, 0.95, "80/tcp")
        )
    if firmware:
        text = f"<tds:FirmwareVersion>{firmware}</tds:FirmwareVersion>"
        evidence.append(
            Evidence(
                "onvif.device_information",
                text,
                HERE,
                "onvif/firmware",
                {"version": firmware},
                0.95,
                "80/tcp",
            )
        )
    return Identity(
        manufacturer=manufacturer,
        model=model,
        firmware=firmware,
        device_type="camera",
        confidence=confidence,
        evidence=tuple(evidence),
        conflicts=conflicts,
    )


def findings(entries: dict[str, KevEntry], vendor: str, ident: Identity) -> dict[str, object]:
    return {f.rule: f for f in kev_findings("ip:10.0.0.7", ident, vendor, tuple(entries.values()))}


# ------------------------------------------------------------------------------ firmware parsing


@pytest.mark.parametrize(
    ("text", "version", "build"),
    [
        ("V5.4.0 build 160530", (5, 4, 0), dt.date(2016, 5, 30)),
        ("V5.7.13 build 230504", (5, 7, 13), dt.date(2023, 5, 4)),
        ("V5.7.1 build 220118", (5, 7, 1), dt.date(2022, 1, 18)),
        ("V4.30.085 build 200916", (4, 30, 85), dt.date(2020, 9, 16)),
        ("V5.5.800build210628", (5, 5, 800), dt.date(2021, 6, 28)),
        ("V5.3.0 Build 150410", (5, 3, 0), dt.date(2015, 4, 10)),
        ("V5.6.820", (5, 6, 820), None),
        ("2.420.0001.0.R, build 2014-05-24", (2, 420, 1, 0), dt.date(2014, 5, 24)),
        ("V2.800.0000000.3.R, Build Date: 2021-03-19", (2, 800, 0, 3), dt.date(2021, 3, 19)),
        ("2.811.0000013.0.R, Build Date 2023-12-20", (2, 811, 13, 0), dt.date(2023, 12, 20)),
        ("V2.622.0000000.31.R, Build Date: 2019/04/29", (2, 622, 0, 31), dt.date(2019, 4, 29)),
        ("V2.800.0000018.0.R", (2, 800, 18, 0), None),
        ("2.460.0001.5.R", (2, 460, 1, 5), None),
        ("5.4.5", (5, 4, 5), None),
        ("Firmware V4.31.000 build 210108", (4, 31, 0), dt.date(2021, 1, 8)),
        ("build 20200403 V4.001.0000000.0.R", (4, 1, 0, 0), dt.date(2020, 4, 3)),
    ],
)
def test_parse_firmware_as_vendors_write_it(
    text: str, version: tuple[int, ...], build: dt.date | None
) -> None:
    firmware = parse_firmware(text)
    assert firmware is not None and firmware.readable
    assert firmware.version == version
    assert firmware.build == build


def test_parse_firmware_release_tag_and_unreadable_strings() -> None:
    tagged = parse_firmware("2.800.0000000.29.r.210630")
    assert tagged is not None and tagged.version == (2, 800, 0, 29) and tagged.release == 210630
    assert tagged.build is None  # the tag is not taken for a build date
    huawei = parse_firmware("V100R001C00SPC100")
    assert huawei is not None and not huawei.readable
    assert parse_firmware(None) is None and parse_firmware("   ") is None
    bad_date = parse_firmware("V5.4.0 build 161340")
    assert bad_date is not None and bad_date.version == (5, 4, 0) and bad_date.build is None
    assert parse_firmware("2021-03-19").readable is False  # a date alone is no version


def test_parse_firmware_is_bounded_on_hostile_text() -> None:
    firmware = parse_firmware("V" + "1." * 50_000 + " build 160530")
    assert firmware is not None and len(firmware.text) <= 200
    assert firmware.build is None  # the build keyword lies beyond the bound


# ------------------------------------------------------------------------------------ ranges


@pytest.mark.parametrize(
    ("text", "affected"),
    [
        ("V5.2.0 build 140721", True),  # lower bound, included
        ("V5.2.0 build 140720", False),  # one day before
        ("V5.4.0 build 160530", True),  # upper bound, included
        ("V5.4.0 build 160531", False),  # one day after
        ("V5.3.0 build 150101", True),
        ("V5.3.0", True),  # strictly inside: the build does not matter
        ("V5.4.0", None),  # on the boundary without a build date
        ("V5.4", None),  # 5.4 == 5.4.0
        ("V5.2.0", None),
        ("V5.1.9 build 160101", False),
        ("V5.4.1 build 160101", False),
        ("V5.4.5 build 170101", False),
        ("build 150101", None),  # a build date but no version
        ("garbage", None),
    ],
)
def test_hikvision_range_edges(entries: dict[str, KevEntry], text: str, affected: bool | None) -> None:
    verdict = judge(rule(entries, "CVE-2017-7921", "DS-2CD2xx2F-I Series"), parse_firmware(text))
    assert verdict.affected is affected, verdict.why


def test_unknown_firmware_is_version_unknown(entries: dict[str, KevEntry]) -> None:
    verdict = judge(rule(entries, "CVE-2017-7921", "DS-2CD2xx2F-I Series"), None)
    assert verdict.affected is None and verdict.why == "version unknown"


@pytest.mark.parametrize(
    ("text", "affected"),
    [
        ("V2.800.0000000.3.R, Build Date: 2021-05-31", True),
        ("V2.800.0000000.3.R, Build Date: 2021-06-01", False),
        ("2.420.0001.0.R, build 2014-05-24", True),
        ("V2.800.0000000.3.R", None),  # no build date, below NVD's fixed version: a human checks
        ("V2.800.0000000.30.R", False),  # above the fixed version
        ("V2.820.0000000.1.R", False),
        ("2.800.0000000.29.R.210630", False),  # the fixed version itself
        ("2.800.0000000.29.R.210601", None),  # same number, earlier tag
        ("V2.800.0000000.29.R", None),  # same number, tag unknown
    ],
)
def test_dahua_build_date_cutoff(entries: dict[str, KevEntry], text: str, affected: bool | None) -> None:
    verdict = judge(rule(entries, "CVE-2021-33044", "IPC-HX3XXX"), parse_firmware(text))
    assert verdict.affected is affected, verdict.why


def test_dahua_cutoff_without_fixed_version_needs_a_build_date(entries: dict[str, KevEntry]) -> None:
    sd49 = rule(entries, "CVE-2021-33044", "SD49 PTZ domes")
    assert judge(sd49, parse_firmware("V2.812.0000099.0.R")).affected is None
    assert judge(sd49, parse_firmware("V2.812.0000099.0.R, Build Date: 2022-01-01")).affected is False


def test_33045_has_its_own_cutoffs(entries: dict[str, KevEntry]) -> None:
    ipc = rule(entries, "CVE-2021-33045", "IPC-HX3XXX")
    assert judge(ipc, parse_firmware("V2.800.0000000.3.R, Build Date: 2020-04-30")).affected is True
    assert judge(ipc, parse_firmware("V2.800.0000000.3.R, Build Date: 2020-05-01")).affected is False
    nvr = rule(entries, "CVE-2021-33045", "NVR2XXX")
    assert judge(nvr, parse_firmware("V4.001.0000000.0.R, Build Date: 2019-11-30")).affected is True
    assert judge(nvr, parse_firmware("V4.001.0000000.0.R, Build Date: 2019-12-01")).affected is False


@pytest.mark.parametrize(
    ("text", "affected"),
    [("V4.30.210 build 200916", True), ("V4.31.000", True), ("V4.31.001", False), ("V4.30.209", False)],
)
def test_nvr_version_range_without_builds(entries: dict[str, KevEntry], text: str, affected: bool) -> None:
    nvr = rule(entries, "CVE-2021-36260", "NVRs DS-76xxNI-K1/Q1/Q2, firmware 4.30.210 to 4.31.000 (NVD)")
    assert judge(nvr, parse_firmware(text)).affected is affected


# ---------------------------------------------------------------------------------- series


@pytest.mark.parametrize(
    ("model", "series"),
    [
        ("DS-2CD2032F-I", {"DS-2CD2xx2F-I Series"}),
        ("DS-2CD2132F-IS", {"DS-2CD2xx2F-I Series"}),
        ("DS-2CD2412F-IW", {"DS-2CD2xx2F-I Series"}),
        ("ds-2cd2032f-i (2.8mm)", {"DS-2CD2xx2F-I Series"}),
        # No 'F': the series name does not cover it; NVD's configuration lists it (verify only).
        ("DS-2CD2032-I", {"models NVD lists for this CVE outside the series names above"}),
        ("DS-2CD2T32-I5", {"models NVD lists for this CVE outside the series names above"}),
        ("DS-2CD2142FWD-I", {"DS-2CD2xx2FWD Series"}),
        ("DS-2CD2020F-I", {"DS-2CD2xx0F-I Series"}),
        ("DS-2CD4A26FWD-IZ", {"DS-2CD4x2xFWD Series"}),
        ("DS-2CD4025FWD-A", {"DS-2CD4x2xFWD Series", "DS-2CD4xx5 Series"}),
        ("DS-2DF8225IX-AEL(T5)", {"DS-2DFx Series"}),
        ("DS-2CD6332FWD-IS", {"DS-2CD63xx Series"}),
        ("DS-2CD2143G2-I", set()),
        ("DS-2CD2T42WD-I8", set()),
        ("DS-7608NI-K2", set()),
    ],
)
def test_cve_2017_7921_series(entries: dict[str, KevEntry], model: str, series: set[str]) -> None:
    matched = {r.series for r in entries["CVE-2017-7921"].rules or () if r.matches(normalise_model(model))}
    assert matched == series


@pytest.mark.parametrize(
    ("model", "cve", "series"),
    [
        ("IPC-HFW3241E-SA", "CVE-2021-33044", "IPC-HX3XXX"),
        ("DH-IPC-HDW3441TM-AS", "CVE-2021-33044", "IPC-HX3XXX"),
        ("IPC-HDBW5442R-ASE", "CVE-2021-33044", "IPC-HX5XXX"),
        ("IPC-HUM7241-E1", "CVE-2021-33044", "IPC-HUM7XXX"),
        ("DHI-VTO6521F", "CVE-2021-33044", "VTO65XXX"),
        ("VTH5421H", "CVE-2021-33044", "VTH542XH"),
        ("DH-SD49225XA-HNR", "CVE-2021-33044", "SD49 PTZ domes"),
        ("TPC-BF5421-T", "CVE-2021-33044", "TPC-BF5XXX"),
        ("NVR608-32-4KS2", "CVE-2021-33045", "NVR6XX"),
        ("DHI-NVR2104HS-S2", "CVE-2021-33045", "NVR2XXX"),
        ("XVR5108HS-X", "CVE-2021-33045", "XVR4xxx, XVR5xxx, XVR7xxx"),
    ],
)
def test_dahua_series(entries: dict[str, KevEntry], model: str, cve: str, series: str) -> None:
    matched = {r.series for r in entries[cve].rules or () if r.matches(normalise_model(model))}
    assert matched == {series}


@pytest.mark.parametrize(
    "model", ["IPC-HFW2431S-S-S2", "IPC-HDW1230T1", "NVR4108HS-4KS2", "NVR6081", "SD3C405DB"]
)
def test_dahua_other_series_do_not_match(entries: dict[str, KevEntry], model: str) -> None:
    for cve in ("CVE-2021-33044", "CVE-2021-33045"):
        assert not any(r.matches(normalise_model(model)) for r in entries[cve].rules or ())


@pytest.mark.parametrize(
    "model",
    [
        "DS-2CD2026G2-IU/SL",
        "DS-2CD2066G2-I",
        "DS-2CD2066G2-IU",
        "DS-2CD2143G2-IS",
        "DS-2CD2121G0-IWS",
        "DS-2CD3056G2-IU/SL",
        "DS-2DF8225IX-AEL(T5)",
        "DS-2DF8225IX-AEL",
        "iDS-2VS435-F840-EY(T3)",
        "DS-2TD8167-190ZE2F/WY",
        "PTZ-N4215I-DE",
        "DS-7604NI-K1/4P",
    ],
)
def test_cve_2021_36260_models_from_nvd(entries: dict[str, KevEntry], model: str) -> None:
    assert any(r.matches(normalise_model(model)) for r in entries["CVE-2021-36260"].rules or ())


@pytest.mark.parametrize(
    "model", ["DS-2CD2143G2-IU/SL", "DS-2CD2T47G2-L", "DS-2CD2032F-I", "DS-2TD6236T-25H2L"]
)
def test_cve_2021_36260_unlisted_models(entries: dict[str, KevEntry], model: str) -> None:
    assert not any(r.matches(normalise_model(model)) for r in entries["CVE-2021-36260"].rules or ())


# ---------------------------------------------------------------------------------- findings


def test_in_range_is_exploited_with_evidence_dates_and_scope(entries: dict[str, KevEntry]) -> None:
    found = findings(entries, "hikvision", identity("Hikvision", "DS-2CD2032F-I", "V5.3.0 build 150101"))
    assert set(found) == {"kev:CVE-2017-7921"}
    finding = found["kev:CVE-2017-7921"]
    assert finding.severity == "exploited" and finding.list == "cisa-kev"
    assert finding.entity == "Hikvision IP cameras"
    assert "DS-2CD2xx2F-I Series" in finding.reason
    assert "onvif.device_information '<tds:Model>DS-2CD2032F-I</tds:Model>' (onvif/model)" in finding.reason
    assert (
        "<tds:FirmwareVersion>V5.3.0 build 150101</tds:FirmwareVersion>' (onvif/firmware)" in finding.reason
    )
    assert "added 2026-03-05" in finding.reason and "due 2026-03-26" in finding.reason
    assert "2026-03-26" in finding.scope and "ICSA-17-124-01" in finding.scope
    assert "nvd-2017-7921" in finding.sources and "cve-2017-7921" in finding.sources


def test_version_unknown_gives_verify(entries: dict[str, KevEntry]) -> None:
    finding = findings(entries, "hikvision", identity("Hikvision", "DS-2CD2032F-I", None))[
        "kev:CVE-2017-7921"
    ]
    assert finding.severity == "verify" and "verify: version unknown" in finding.reason


def test_unreadable_version_gives_verify(entries: dict[str, KevEntry]) -> None:
    finding = findings(entries, "hikvision", identity("Hikvision", "DS-2CD2032F-I", "beta-firmware"))
    assert finding["kev:CVE-2017-7921"].severity == "verify"
    assert "could not be read" in finding["kev:CVE-2017-7921"].reason


def test_out_of_range_or_other_series_gives_nothing(entries: dict[str, KevEntry]) -> None:
    assert findings(entries, "hikvision", identity("Hikvision", "DS-2CD2032F-I", "V5.4.5 build 170101")) == {}
    assert findings(entries, "hikvision", identity("Hikvision", "DS-2CD2T42WD-I8", None)) == {}
    assert findings(entries, "hikvision", identity("Hikvision", None, "V5.3.0 build 150101")) == {}


def test_other_vendor_never_matches(entries: dict[str, KevEntry]) -> None:
    ident = identity("Axis", "DS-2CD2032F-I", "V5.3.0 build 150101")
    assert findings(entries, "axis", ident) == {} and findings(entries, None, ident) == {}  # type: ignore[arg-type]


def test_unconfirmed_listing_gives_verify(entries: dict[str, KevEntry]) -> None:
    finding = findings(entries, "huawei", identity("Huawei", "HG532e", "V100R001C55B018"))[
        "kev:CVE-2017-17215"
    ]
    assert finding.severity == "verify"
    assert "KEV status unconfirmed" in finding.reason and "Not confirmed" in finding.scope


def test_weak_or_contested_identity_gives_verify(entries: dict[str, KevEntry]) -> None:
    weak = identity("Hikvision", "DS-2CD2032F-I", "V5.3.0 build 150101", confidence=0.4)
    finding = findings(entries, "hikvision", weak)["kev:CVE-2017-7921"]
    assert finding.severity == "verify" and "identity confidence 0.40 is below 0.6" in finding.reason
    conflict = (Conflict("model", (("DS-2CD2032F-I", 0.95), ("DS-2CD2132F-IS", 0.6))),)
    contested = identity("Hikvision", "DS-2CD2032F-I", "V5.3.0 build 150101", conflicts=conflict)
    finding = findings(entries, "hikvision", contested)["kev:CVE-2017-7921"]
    assert finding.severity == "verify" and "disagrees on the model" in finding.reason


def test_dahua_exploited_and_fixed(entries: dict[str, KevEntry]) -> None:
    old = findings(
        entries, "dahua", identity("Dahua", "IPC-HFW3241E-SA", "V2.800.0000000.3.R, Build Date: 2021-03-19")
    )
    assert old["kev:CVE-2021-33044"].severity == "exploited"
    assert "kev:CVE-2021-33045" not in old  # built after May 2020
    assert "build date 2021-03-19 is before 2021-06" in old["kev:CVE-2021-33044"].reason
    new = identity("Dahua", "IPC-HFW3241E-SA", "V2.800.0000000.35.R, Build Date: 2022-02-10")
    assert findings(entries, "dahua", new) == {}


def test_affected_unknown_asks_to_verify(tmp_path: Path) -> None:
    (tmp_path / "kev.yaml").write_text(
        "entries:\n"
        "  - {cve: CVE-2000-0001, vendor: hikvision, product: X, description: Y, cwe: CWE-1, kev_status: listed,\n"
        "     kev_date_added: 2020-01-01, kev_due_date: 2020-01-15, sources: [s], affected: unknown}\n"
    )
    entry = load_kev(tmp_path)
    (finding,) = kev_findings("ip:1", identity("Hikvision", "DS-2CD2143G2-I", None), "hikvision", entry)
    assert finding.severity == "verify" and "affected models and versions not recorded" in finding.reason


# ------------------------------------------------------------------------------ through policy


def test_policy_findings_include_kev(policy: Policy) -> None:
    ident = identity("Hikvision", "DS-7608NI-Q1/8P", "V4.30.210 build 200916")
    device = Device("ip:10.0.0.7", ("10.0.0.7",), None, (), (), ident)
    rules = {f.rule: f for f in policy.findings(device)}
    assert rules["us-fcc-covered-list:hikvision"].severity == "covered"
    kev = rules["kev:CVE-2021-36260"]
    assert kev.severity == "exploited" and kev.list == "cisa-kev" and kev.device == "ip:10.0.0.7"
    assert "4.30.210 to 4.31.000" in kev.reason and "due 2022-01-24" in kev.reason
    assert "nvd-2021-36260" in kev.sources


def test_policy_without_model_adds_no_kev(policy: Policy) -> None:
    device = Device(
        "ip:10.0.0.7", ("10.0.0.7",), None, (), (), identity("Hikvision", None, "V5.3.0 build 150101")
    )
    assert not [f for f in policy.findings(device) if f.list == "cisa-kev"]


def test_profile_switch_turns_kev_off(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(content_dir(), content)
    profiles = content / "profiles.yaml"
    text = profiles.read_text()
    assert "    kev: true\n" in text
    profiles.write_text(text.replace("    kev: true\n", "    kev: false\n", 1))
    loaded = read_content(content)
    assert loaded.profiles["us-federal"].kev is False
    assert loaded.profiles["all-lists"].kev is True
    assert load_policy(content).kev == ()
    assert len(load_policy(content, profile="all-lists").kev) == 5
    profiles.write_text(text.replace("    kev: true\n", "    kev: maybe\n", 1))
    with pytest.raises(ContentError, match="'kev' must be true or false"):
        read_content(content)


def test_default_profile_has_kev(policy: Policy) -> None:
    assert {e.cve for e in policy.kev} == {
        "CVE-2021-36260",
        "CVE-2017-7921",
        "CVE-2021-33044",
        "CVE-2021-33045",
        "CVE-2017-17215",
    }


# ---------------------------------------------------------------------------------- content


def test_shipped_kev_content_is_sound(entries: dict[str, KevEntry]) -> None:
    directory = content_dir()
    assert load_content().kev  # loads whole: every KEV vendor and source resolves
    for entry in entries.values():
        assert entry.rules, entry.cve
        if entry.status == "listed":
            assert entry.date_added and entry.due_date and entry.required_action and entry.advisory
    assert entries["CVE-2017-17215"].status == "unconfirmed"
    assert set(kev_sources(directory)) >= {
        "nvd-2021-36260",
        "nvd-2017-7921",
        "nvd-2021-33044",
        "nvd-2021-33045",
    }


def test_kev_problems_reports_unknown_sources_and_vendors(tmp_path: Path) -> None:
    shutil.copytree(
        content_dir(), tmp_path, dirs_exist_ok=True, ignore=shutil.ignore_patterns("*.py", "__pycache__")
    )
    (tmp_path / "kev.yaml").write_text(
        "entries:\n"
        "  - {cve: CVE-2000-0001, vendor: nobody, product: X, description: Y, cwe: CWE-1, kev_status: unconfirmed,\n"
        "     sources: [nowhere], affected: [{series: S, models: [A], versions: unknown, sources: [elsewhere]}]}\n"
    )
    with pytest.raises(ContentErrors) as caught:
        read_content(tmp_path)
    messages = [e.message for e in caught.value.errors]
    assert "CVE-2000-0001: unknown vendor 'nobody'" in messages
    assert "CVE-2000-0001: unknown source 'nowhere'" in messages
    assert "CVE-2000-0001: unknown source 'elsewhere'" in messages


@pytest.mark.parametrize(
    ("rule_yaml", "message"),
    [
        ("{series: S, models: ['^DS-(?<=x)'], versions: unknown, sources: [s]}", "does not compile"),
        (
            "{series: S, models: [A], versions: unknown, build_before: 2021-06, sources: [s]}",
            "either 'versions'",
        ),
        ("{series: S, models: [A], build_before: June, sources: [s]}", "YYYY-MM"),
        (
            "{series: S, models: [A], versions: {from: x, to: y}, sources: [s]}",
            "cannot read the version range",
        ),
        ("{series: S, versions: unknown, sources: [s]}", "needs series, models and sources"),
    ],
)
def test_bad_rules_are_content_errors_with_line(tmp_path: Path, rule_yaml: str, message: str) -> None:
    (tmp_path / "kev.yaml").write_text(
        "entries:\n"
        "  - cve: CVE-2000-0001\n    vendor: hikvision\n    product: X\n    description: Y\n    cwe: CWE-1\n"
        "    kev_status: unconfirmed\n    sources: [s]\n"
        f"    affected:\n      - {rule_yaml}\n"
    )
    with pytest.raises(ContentError, match=message) as caught:
        load_kev(tmp_path)
    assert caught.value.place == "line 10"


def test_listed_entry_needs_dates(tmp_path: Path) -> None:
    (tmp_path / "kev.yaml").write_text(
        "entries:\n"
        "  - {cve: CVE-2000-0001, vendor: hikvision, product: X, description: Y, cwe: CWE-1, kev_status: listed,\n"
        "     sources: [s], affected: unknown}\n"
    )
    with pytest.raises(ContentError, match="kev_date_added and kev_due_date"):
        load_kev(tmp_path)
