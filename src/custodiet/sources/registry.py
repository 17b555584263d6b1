"""Format name -> reader. The names are what users pass as --format and what detect returns."""

from __future__ import annotations

from custodiet.sources import csv_inventory, nmap_xml
from custodiet.sources.base import Reader

READERS: dict[str, Reader] = {
    "nmap-xml": nmap_xml.read,
    "csv": csv_inventory.read,
}
