"""pydeck maps of the event's districts from the committed boundaries (no tile server)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from functools import cache
from html import escape

import polars as pl
import pydeck as pdk
import streamlit as st

from givingday.event import Event
from givingday.ui import document
from givingday.ui import format as fmt
from givingday.ui.i18n import pick, t
from givingday.ui.memo import memoized, once

# ColorBrewer "Blues", 5 classes (colour-blind safe, sequential); zero gets a light grey
CLASS_COLOURS = [[239, 243, 255], [189, 215, 231], [107, 174, 214], [49, 130, 189], [8, 81, 156]]
ZERO_COLOUR = [225, 225, 225]
MEASURES = ("raised_fen", "raised_per_10k_residents_fen", "donations", "projects")


@cache
def _boundaries(path: str) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


@cache
def _geometries(path: str) -> tuple[str, ...]:
    """Each district's geometry as compact JSON, serialised once per process (the same for
    every version and language: only the districts' properties change)."""
    return tuple(json.dumps(feature["geometry"], sort_keys=True, separators=(",", ":")) for feature in _boundaries(path)["features"])


def _view(event: Event) -> pdk.ViewState:
    """Where the map opens: [map] in event.toml, else around the districts' boundaries."""
    return once(("map-view", event.id), lambda: _view_of(event, _boundaries(str(event.boundaries_path))))


def _view_of(event: Event, geo: dict) -> pdk.ViewState:
    if event.map_view:
        return pdk.ViewState(latitude=event.map_view.latitude, longitude=event.map_view.longitude,
                             zoom=event.map_view.zoom)
    import math

    points = [point for feature in geo["features"] for point in _points(feature["geometry"]["coordinates"])]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    span = max(max(lons) - min(lons), (max(lats) - min(lats)) * 1.3, 0.01)
    return pdk.ViewState(latitude=(min(lats) + max(lats)) / 2, longitude=(min(lons) + max(lons)) / 2,
                         zoom=round(math.log2(360 / span) - 0.55, 2))


def _points(coordinates):
    if isinstance(coordinates[0], int | float):
        yield coordinates
        return
    for part in coordinates:
        yield from _points(part)


def measure_label(measure: str, language: str) -> str:
    return {"raised_fen": t("raised", language), "raised_per_10k_residents_fen": t("per_10k", language),
            "donations": t("donations", language), "projects": t("projects", language)}[measure]


def format_measure(measure: str, value: int, language: str) -> str:
    if measure.endswith("_fen"):
        return fmt.yuan(value, language)
    return fmt.count(value, "unit.gifts" if measure == "donations" else "unit.projects", language)


def class_breaks(values: list[int], classes: int = len(CLASS_COLOURS)) -> list[int]:
    """Upper bounds of equal-count classes over the non-zero values."""
    positive = sorted(v for v in values if v > 0)
    if not positive:
        return []
    return sorted({positive[min(len(positive) - 1, (len(positive) * (i + 1)) // classes - 1)]
                   for i in range(classes)})


def colour_of(value: int, breaks: list[int]) -> list[int]:
    if value <= 0 or not breaks:
        return ZERO_COLOUR
    for i, upper in enumerate(breaks):
        if value <= upper:
            return CLASS_COLOURS[round(i * (len(CLASS_COLOURS) - 1) / max(len(breaks) - 1, 1))]
    return CLASS_COLOURS[-1]


def legend(measure: str, breaks: list[int], language: str) -> list[tuple[list[int], str]]:
    """(colour, label) per class, for a legend beside the map."""
    items, lower = [(ZERO_COLOUR, "0")], 0
    for i, upper in enumerate(breaks):
        colour = CLASS_COLOURS[round(i * (len(CLASS_COLOURS) - 1) / max(len(breaks) - 1, 1))]
        items.append((colour, f"{format_measure(measure, lower, language)} – {format_measure(measure, upper, language)}"))
        lower = upper
    return items


_GEOMETRY = "@@geometry:{}@@"  # where a district's geometry goes in a deck's JSON (FrozenDeck.freeze)
_GEOMETRY_MARK = re.compile(r'"@@geometry:(\d+)@@"')


class FrozenDeck(pdk.Deck):
    """A deck serialised once, compactly: Streamlit calls to_json on every rerun, and the
    deck is the same for every viewer of a version (it is memoized per version and
    language). pydeck indents its JSON, one coordinate a line: the overview's map was 1.07 MB
    in every rerun's messages, hashed and sent for each viewer; compact, the same deck is a
    fifth of that. The geometry, the same in every version, is not serialised again: the
    deck's features carry a mark (`_GEOMETRY`) that `freeze` replaces with their geometry's
    JSON, made once per process."""

    def freeze(self, geometries: Sequence[str]) -> FrozenDeck:
        compact = json.dumps(json.loads(super().to_json()), ensure_ascii=False, separators=(",", ":"))
        self.__dict__["_frozen_json"] = _GEOMETRY_MARK.sub(lambda mark: geometries[int(mark[1])], compact)
        return self  # set after serialising: never part of the JSON

    def to_json(self) -> str:
        return self.__dict__["_frozen_json"]


@memoized
def district_map(districts: pl.DataFrame, event: Event, measure: str, language: str) -> tuple[pdk.Deck, list]:
    """Choropleth of all districts by `measure`, and its legend."""
    path = str(event.boundaries_path)
    rows = {r["district_adcode"]: r for r in districts.iter_rows(named=True)}
    breaks = class_breaks([r[measure] for r in rows.values()])
    features = []
    for number, feature in enumerate(_boundaries(path)["features"]):
        props = dict(feature["properties"])
        row = rows.get(props["adcode"], {})
        value = row.get(measure, 0) or 0
        features.append({"type": "Feature", "geometry": _GEOMETRY.format(number), "properties": props})
        props.update({
            "label": pick(props["name_zh"], props["name_en"], language),
            "fill": colour_of(value, breaks) + [235],
            "raised": fmt.yuan(row.get("raised_fen", 0) or 0, language),
            "per_10k": fmt.yuan(row.get("raised_per_10k_residents_fen", 0) or 0, language),
            "gifts": fmt.count(row.get("donations", 0) or 0, "unit.gifts", language),
            "projects": fmt.count(row.get("projects", 0) or 0, "unit.projects", language),
        })
    layer = pdk.Layer(
        "GeoJsonLayer", {"type": "FeatureCollection", "features": features}, id="districts", pickable=True, stroked=True, filled=True,
        get_fill_color="properties.fill", get_line_color=[255, 255, 255], line_width_min_pixels=1,
        auto_highlight=True, highlight_color=[213, 94, 0, 200],
    )
    labels = {k: t(k, language) for k in ("raised", "per_10k", "donations", "projects")}
    tooltip = {
        "html": "<b>{label}</b>" + "".join(
            "<br/>" + t("map.tooltip_line", language).format(label=labels[key], value="{" + field + "}")
            for key, field in (("raised", "raised"), ("per_10k", "per_10k"), ("donations", "gifts"), ("projects", "projects"))),
        "style": {"backgroundColor": "#1b1b1b", "color": "white", "fontSize": "13px"},
    }
    deck = FrozenDeck(layers=[layer], initial_view_state=_view(event), map_style=None, tooltip=tooltip,
                      map_provider=None).freeze(_geometries(path))
    return deck, legend(measure, breaks, language)


def district_relief_png(districts: pl.DataFrame, event: Event, measure: str = "raised_fen",
                        width: int = 1800, relief_px: int = 110) -> bytes:
    """The districts as an image, each raised by its value (a 3D look without WebGL).

    Drawn north to south so nearer districts overlap farther ones; the big screen tilts and
    turns it slowly with CSS. An image, not a live WebGL map: a kiosk that runs for days
    must not accumulate GPU contexts in the browser.
    """
    import io
    import math

    from PIL import Image, ImageDraw

    geo = _boundaries(str(event.boundaries_path))
    rows = {r["district_adcode"]: r for r in districts.iter_rows(named=True)}
    breaks = class_breaks([r[measure] for r in rows.values()])
    top = max([r[measure] for r in rows.values()] + [1])
    rings = []
    for feature in geo["features"]:
        geometry = feature["geometry"]
        polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        rings.append((feature["properties"]["adcode"],
                      [polygon[0][::3] for polygon in polygons if len(polygon[0]) > 12]))  # coarser: it is tilted
    lons = [x for _, polys in rings for ring in polys for x, _ in ring]
    lats = [y for _, polys in rings for ring in polys for _, y in ring]
    squeeze = math.cos(math.radians(sum(lats) / len(lats)))
    scale = (width - 80) / ((max(lons) - min(lons)) * squeeze)
    height = int((max(lats) - min(lats)) * scale) + relief_px + 80
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)

    west, north = min(lons), max(lats)

    def project(ring, lift):
        return [(40 + (x - west) * squeeze * scale, 40 + relief_px + (north - y) * scale - lift) for x, y in ring]

    order = sorted(rings, key=lambda item: -max(y for ring in item[1] for _, y in ring))
    for adcode, polygons in order:
        value = (rows.get(adcode) or {}).get(measure, 0) or 0
        colour = tuple(colour_of(value, breaks))
        side = tuple(int(c * 0.55) for c in colour)
        lift = int(value / top * relief_px)
        for step in range(0, lift, 5):
            for ring in polygons:
                draw.polygon(project(ring, step), fill=side + (255,))
        for ring in polygons:
            draw.polygon(project(ring, lift), fill=colour + (255,), outline=(255, 255, 255, 180))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _name(measure: str, districts: pl.DataFrame, language: str) -> str:
    """What screen readers hear for a map, in the page's language (chart.about.map)."""
    return t("chart.about.map", language).format(measure=measure_label(measure, language), n=districts.height)


def show(deck: pdk.Deck, measure: str, districts: pl.DataFrame, language: str, height: int, key: str, **options):
    """The map on the page, named for screen readers; `options` are st.pydeck_chart's
    (selection). Returns the selection."""
    return document.named_figure(f"gd-map-{key}", _name(measure, districts, language),
                                 lambda: st.pydeck_chart(deck, height=height, key=key, **options))


@memoized
def district_image_html(districts: pl.DataFrame, event: Event, measure: str, language: str, width: int) -> str:
    """The districts coloured by `measure` as the interactive map colours them, flat, as an
    image (a PNG of about 25 KB inside the HTML), centred as the interactive map is and named
    for screen readers as it is; made once per version and language. For a map where pointing
    at a district adds little (the overview's; /districts keeps the interactive one): the
    interactive map costs the viewer's browser a WebGL context and an animation frame 60 times
    a second while the page is open (headless chromium: 2.5 CPU-s more a load, and 116
    against 24 ms/s while open). Inline HTML, not st.image, which decoded and re-encoded the
    PNG on every rerun (2.2-2.6x the overview's server CPU per rerun)."""
    png = district_relief_png(districts, event, measure, width=900, relief_px=0)
    return (f'<div style="text-align:center"><img src="{fmt.png_src(png)}" width="{width}" '
            f'style="max-width:100%;height:auto" alt="{escape(_name(measure, districts, language))}"></div>')
