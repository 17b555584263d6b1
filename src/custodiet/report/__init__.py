"""report stage: renderers of a model.RunReport (terminal, HTML, JSON, CSV). They never touch the
store; every string from a device or an input is treated as hostile (see report.text)."""

from custodiet.report.csv_report import write_csv
from custodiet.report.html import render_html
from custodiet.report.json_report import write_json
from custodiet.report.terminal import render_summary

__all__ = ["render_html", "render_summary", "write_csv", "write_json"]
