"""Build src/custodiet/census/assets/world-110m.json: one SVG path per country (ISO 3166-1
alpha-2), for the census page's world map. Run once by hand; the output is committed.

Input: `countries-110m.json` of the npm package world-atlas 2.0.2 (ISC licence, Mike Bostock),
which is Natural Earth's 1:110m Admin 0 countries (public domain) as TopoJSON with ISO 3166-1
numeric ids. Get it with `npm pack world-atlas@2.0.2` and pass the extracted file:

    .venv/bin/python scripts/build_census_world.py package/countries-110m.json

Numeric -> alpha-2 codes come from the `iso3166` package (pip install iso3166; MIT), used here
only. Kosovo (no numeric code in ISO, id missing in the data) becomes XK; Northern Cyprus and
Somaliland (no ISO code) keep their names under the keys "N. Cyprus" and "Somaliland" and are
drawn without data. Antarctica is left out. The projection is Natural Earth I (Savric, Jenny,
Patterson, Petrovic and Hurni 2011), scaled to a 960-unit-wide view; coordinates are rounded
to 0.1 unit.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import iso3166

OUT = Path(__file__).resolve().parents[1] / "src" / "custodiet" / "census" / "assets" / "world-110m.json"
WIDTH = 960.0


def natural_earth(lon: float, lat: float) -> tuple[float, float]:
    lam, phi = math.radians(lon), math.radians(lat)
    p2 = phi * phi
    p4 = p2 * p2
    x = lam * (0.870700 - 0.131979 * p2 + p4 * (-0.013791 + p4 * (0.003971 * p2 - 0.001529 * p4)))
    y = phi * (1.007226 + p2 * (0.015085 + p4 * (-0.044475 + 0.028874 * p2 - 0.005916 * p4)))
    return x, y


def main(source: Path) -> None:
    topo = json.loads(source.read_text())
    scale_x, scale_y = topo["transform"]["scale"]
    move_x, move_y = topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + move_x, y * scale_y + move_y))
        arcs.append(points)
    x_max = natural_earth(180, 0)[0]
    y_max = natural_earth(0, 90)[1]
    k = WIDTH / (2 * x_max)
    height = 2 * y_max * k

    def ring(indexes: list[int]) -> str:
        coords: list[tuple[float, float]] = []
        for index in indexes:
            arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
            coords.extend(arc if not coords else arc[1:])
        out = []
        last = None
        for lon, lat in coords:
            x, y = natural_earth(lon, lat)
            point = (round((x + x_max) * k, 1), round((y_max - y) * k, 1))
            if point != last:
                out.append(f"{point[0]:g},{point[1]:g}")
                last = point
        return "M" + "L".join(out) + "Z"

    countries = {}
    for geometry in topo["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        number = geometry.get("id")
        if number == "010":
            continue  # Antarctica
        if number is None:
            code = "XK" if name == "Kosovo" else name
        else:
            code = iso3166.countries_by_numeric[number].alpha2
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        path = "".join(ring(r) for polygon in polygons for r in polygon)
        if code in countries:
            countries[code]["d"] += path
        else:
            countries[code] = {"name": name, "d": path}
    OUT.write_text(
        json.dumps(
            {
                "source": "Natural Earth 1:110m Admin 0 countries (public domain), via npm world-atlas 2.0.2 "
                "(ISC); Natural Earth I projection; built by scripts/build_census_world.py",
                "width": WIDTH,
                "height": round(height, 1),
                "countries": dict(sorted(countries.items())),
            },
            separators=(",", ":"),
        )
        + "\n"
    )
    print(f"{len(countries)} countries, {OUT.stat().st_size:,} bytes -> {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
