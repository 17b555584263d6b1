"""A diff of two runs (model.history.RunDiff) on the terminal and as JSON.

JSON shape (keys beyond these may be added, never removed or renamed):

    {"from_run": {"id", "started"}, "to_run": {"id", "started"},
     "new": [device], "gone": [device],
     "changed": [device + {"changes": [{"what", "before", "after"}]}],
     "not_examined": [device + {"absent_from_run"}]}

where device is {"id", "addresses", "mac", "manufacturer", "brand", "model", "firmware",
"device_type", "site", "covered", "needs_review"}. "what" is one of manufacturer, brand, model,
firmware, device_type, site, status (covered / needs review / not covered) or addresses.
Not examined: absent from one run whose inputs did not cover the device's addresses (see
store.history): neither new nor gone.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

import orjson
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from custodiet.model.history import DeviceSummary, RunDiff
from custodiet.report.text import excerpt

NAME_LIMIT = 60
SHOWN = 50  # rows per section on the terminal; the JSON has them all


def device_json(device: DeviceSummary) -> dict[str, Any]:
    return {
        "id": device.id,
        "addresses": list(device.addresses),
        "mac": device.mac,
        "manufacturer": device.manufacturer,
        "brand": device.brand,
        "model": device.model,
        "firmware": device.firmware,
        "device_type": device.device_type,
        "site": device.site,
        "covered": device.covered,
        "needs_review": device.review,
    }


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def diff_json(result: RunDiff) -> dict[str, Any]:
    return {
        "from_run": {"id": result.from_run, "started": result.from_started},
        "to_run": {"id": result.to_run, "started": result.to_started},
        "new": [device_json(d) for d in result.new],
        "gone": [device_json(d) for d in result.gone],
        "changed": [
            {
                **device_json(c.device),
                "changes": [
                    {"what": what, "before": _plain(before), "after": _plain(after)}
                    for what, before, after in c.changes
                ],
            }
            for c in result.changed
        ],
        "not_examined": [
            {**device_json(u.device), "absent_from_run": u.absent_from} for u in result.not_examined
        ],
    }


def write_diff_json(result: RunDiff, out: BinaryIO) -> None:
    """The diff as one JSON document (UTF-8), a device per line inside each list."""
    doc = diff_json(result)
    out.write(b"{")
    for i, (key, value) in enumerate(doc.items()):
        out.write((b",\n" if i else b"") + orjson.dumps(key) + b":")
        if isinstance(value, list):
            out.write(b"[" + b",\n".join(orjson.dumps(v) for v in value) + b"]")
        else:
            out.write(orjson.dumps(value))
    out.write(b"}\n")


def _t(value: object, limit: int = NAME_LIMIT, style: str = "") -> Text:
    return Text(excerpt("" if value is None else str(value), limit), style=style)


def _label(device: DeviceSummary) -> str:
    maker = device.manufacturer or "(unidentified)"
    if device.brand and device.brand != device.manufacturer:
        maker += f" / {device.brand}"
    return maker


def _devices_table(title: str, devices: Iterable[DeviceSummary], style: str = "") -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left", title_style=style)
    for name in ("Device", "Addresses", "Manufacturer / brand", "Model", "Firmware", "Site", "Status"):
        table.add_column(name)
    for device in devices:
        table.add_row(
            _t(device.id),
            _t(", ".join(device.addresses)),
            _t(_label(device)),
            _t(device.model),
            _t(device.firmware),
            _t(device.site),
            _t(device.status, style="bold red" if device.covered else "yellow" if device.review else ""),
        )
    return table


def _show(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, tuple | list):
        return ", ".join(str(v) for v in value) or "-"
    return str(value)


def render_diff(result: RunDiff, console: Console) -> None:
    console.print(
        Text(
            f"run {result.from_run} ({result.from_started}) → run {result.to_run} ({result.to_started}): "
            f"{len(result.new)} new, {len(result.gone)} gone, {len(result.changed)} changed, "
            f"{len(result.not_examined)} not examined by one of the runs",
            style="bold",
        )
    )
    for title, devices, style in (
        ("New", result.new, "bold"),
        ("Gone", result.gone, "bold"),
    ):
        if devices:
            console.print(_devices_table(f"{title} ({len(devices):,})", devices[:SHOWN], style))
            if len(devices) > SHOWN:
                console.print(Text(f"… and {len(devices) - SHOWN:,} more: see --json"))
    if result.changed:
        table = Table(
            title=f"Changed ({len(result.changed):,})",
            box=box.SIMPLE_HEAD,
            title_justify="left",
            title_style="bold",
        )
        for name in ("Device", "Addresses", "Manufacturer / brand", "What changed"):
            table.add_column(name, overflow="fold")
        for change in result.changed[:SHOWN]:
            what = "; ".join(
                f"{name}: {_show(before)} → {_show(after)}" for name, before, after in change.changes
            )
            table.add_row(
                _t(change.device.id),
                _t(", ".join(change.device.addresses)),
                _t(_label(change.device)),
                _t(what, 400),
            )
        console.print(table)
        if len(result.changed) > SHOWN:
            console.print(Text(f"… and {len(result.changed) - SHOWN:,} more: see --json"))
    if result.not_examined:
        console.print(
            Text(
                f"{len(result.not_examined):,} device(s) are missing from a run whose inputs did not cover their "
                "addresses: not counted as new or gone (see --json, not_examined).",
                style="dim",
            )
        )
    if not (result.new or result.gone or result.changed):
        console.print(Text("No device is new, gone or changed.", style="green"))
