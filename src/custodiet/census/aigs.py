"""The documented side of the comparison: Carnegie's AI Global Surveillance index (2019 with its
supplier columns, 2022 with its technology columns), shipped in census/data (see its README),
next to what a census measured in each country.

The comparison is data (comparison.csv): one row per country that either table lists or the
census saw, with what each side says. Suppliers are compared by canonical maker name: the 2019
table's `key_companies` are resolved through custodiet's vendor catalogue, so "Hikvision" in the
table and a Hikvision identity in the census meet under one name.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from importlib import resources

import pyarrow as pa

from custodiet.catalog import Catalog

DATA = "custodiet.census.data"


@dataclass(frozen=True)
class Documented:
    """What AIGS documents for one country (None: the edition does not list it)."""

    country: str
    name: str
    listed_2019: bool
    safe_city_2019: bool | None
    facial_recognition_2019: bool | None
    smart_policing_2019: bool | None
    chinese_supplier_2019: bool | None
    suppliers_2019: str  # as printed
    listed_2022: bool
    safe_city_2022: bool | None
    facial_recognition_2022: bool | None
    smart_policing_2022: bool | None
    social_media_surveillance_2022: bool | None
    technologies_2022: int | None


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(DATA).joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def iso_map() -> dict[str, str]:
    """Country name as either table spells it -> ISO 3166-1 alpha-2."""
    return {row["name"]: row["iso2"] for row in _rows("country-iso.csv")}


def _flag(value: str | None, yes: str) -> bool | None:
    if value is None:
        return None
    return value.strip() == yes


def documented() -> dict[str, Documented]:
    """ISO code -> what the two editions document."""
    iso = iso_map()
    y2019 = {iso[r["country"]]: r for r in _rows("aigs-2019.csv")}
    y2022 = {iso[r["Country"]]: r for r in _rows("aigs-2022.csv")}
    out = {}
    for code in sorted(y2019.keys() | y2022.keys()):
        a = y2019.get(code)
        b = y2022.get(code)
        name = b["Country"] if b else a["country"]  # type: ignore[index]
        total = b.get("totalTech") if b else None
        out[code] = Documented(
            country=code,
            name=name,
            listed_2019=a is not None,
            safe_city_2019=_flag(a["smart_city_safe_city"], "1") if a else None,
            facial_recognition_2019=_flag(a["facial_recognition"], "1") if a else None,
            smart_policing_2019=_flag(a["smart_policing"], "1") if a else None,
            chinese_supplier_2019=_flag(a["china_ai_tech"], "1") if a else None,
            suppliers_2019=(a["key_companies"] if a else "").strip(),
            listed_2022=b is not None,
            safe_city_2022=_flag(b["safeCity"], "x") if b else None,
            facial_recognition_2022=_flag(b["facialRec"], "x") if b else None,
            smart_policing_2022=_flag(b["smartPoli"], "x") if b else None,
            social_media_surveillance_2022=_flag(b["smSurv"], "x") if b else None,
            technologies_2022=int(total) if total and total.strip().isdigit() else None,
        )
    return out


def supplier_makers(printed: str, catalog: Catalog) -> list[str]:
    """The suppliers of a `key_companies` cell that custodiet's catalogue knows, as canonical
    maker names ("Axis, Bosch, Dahua, Huawei, NEC, ZTE" -> [..., "Dahua", "Huawei", "ZTE"])."""
    makers: list[str] = []
    for part in printed.replace(";", ",").split(","):
        name = part.strip()
        if not name or name.lower().startswith("mult"):
            continue
        vendor = catalog.vendor_by_name(name)
        if vendor is not None and vendor.name not in makers:
            makers.append(vendor.name)
    return makers


COMPARISON_SCHEMA = pa.schema(
    [
        ("country", pa.string()),
        ("name", pa.string()),
        ("aigs_2019_listed", pa.bool_()),
        ("aigs_2019_safe_city", pa.bool_()),
        ("aigs_2019_facial_recognition", pa.bool_()),
        ("aigs_2019_smart_policing", pa.bool_()),
        ("aigs_2019_chinese_supplier", pa.bool_()),
        ("aigs_2019_suppliers", pa.string()),
        ("aigs_2019_covered_suppliers", pa.string()),
        ("aigs_2022_listed", pa.bool_()),
        ("aigs_2022_safe_city", pa.bool_()),
        ("aigs_2022_facial_recognition", pa.bool_()),
        ("aigs_2022_smart_policing", pa.bool_()),
        ("aigs_2022_social_media_surveillance", pa.bool_()),
        ("aigs_2022_technologies", pa.int64()),
        ("census_hosts", pa.int64()),
        ("census_identified_hosts", pa.int64()),
        ("census_covered_hosts", pa.int64()),
        ("census_covered_share", pa.float64()),
        ("census_covered_makers", pa.string()),
        ("documented_and_measured", pa.string()),
        ("documented_not_measured", pa.string()),
        ("measured_not_documented", pa.string()),
    ]
)


def comparison(
    footprint: pa.Table, countries: pa.Table, catalog: Catalog, covered_makers: set[str]
) -> pa.Table:
    """Per country: AIGS next to the census (see COMPARISON_SCHEMA; shares are of the identified hosts)."""
    docs = documented()
    totals = {row["country"]: row for row in countries.to_pylist()}
    measured: dict[str, dict[str, int]] = {}
    for row in footprint.to_pylist():
        if row["covered"] and row["hosts"]:
            by_maker = measured.setdefault(row["country"], {})
            by_maker[row["manufacturer"]] = by_maker.get(row["manufacturer"], 0) + row["hosts"]
    rows = []
    for code in sorted(docs.keys() | totals.keys()):
        doc = docs.get(code)
        total = totals.get(code, {})
        makers = measured.get(code, {})
        suppliers = supplier_makers(doc.suppliers_2019, catalog) if doc else []
        covered_suppliers = [m for m in suppliers if m in covered_makers]
        identified = total.get("identified_hosts") or 0
        covered = total.get("covered_hosts") or 0
        seen = sorted(makers, key=lambda m: (-makers[m], m))
        rows.append(
            {
                "country": code,
                "name": doc.name if doc else "",
                "aigs_2019_listed": bool(doc and doc.listed_2019),
                "aigs_2019_safe_city": doc.safe_city_2019 if doc else None,
                "aigs_2019_facial_recognition": doc.facial_recognition_2019 if doc else None,
                "aigs_2019_smart_policing": doc.smart_policing_2019 if doc else None,
                "aigs_2019_chinese_supplier": doc.chinese_supplier_2019 if doc else None,
                "aigs_2019_suppliers": doc.suppliers_2019 if doc else "",
                "aigs_2019_covered_suppliers": ";".join(covered_suppliers),
                "aigs_2022_listed": bool(doc and doc.listed_2022),
                "aigs_2022_safe_city": doc.safe_city_2022 if doc else None,
                "aigs_2022_facial_recognition": doc.facial_recognition_2022 if doc else None,
                "aigs_2022_smart_policing": doc.smart_policing_2022 if doc else None,
                "aigs_2022_social_media_surveillance": doc.social_media_surveillance_2022 if doc else None,
                "aigs_2022_technologies": doc.technologies_2022 if doc else None,
                "census_hosts": total.get("hosts") or 0,
                "census_identified_hosts": identified,
                "census_covered_hosts": covered,
                "census_covered_share": round(covered / identified, 4) if identified else None,
                "census_covered_makers": ";".join(f"{m}:{makers[m]}" for m in seen),
                "documented_and_measured": ";".join(m for m in covered_suppliers if m in makers),
                "documented_not_measured": ";".join(m for m in covered_suppliers if m not in makers),
                "measured_not_documented": ";".join(m for m in seen if m not in covered_suppliers)
                if doc
                else "",
            }
        )
    return pa.Table.from_pylist(rows, schema=COMPARISON_SCHEMA)
