"""Tables for people: formatted copies of query frames, and their downloads.

A chart's table and its CSV/Parquet are one tap away (chart / table / download, as Our
World in Data's grapher does). Downloads carry the figures exactly (integer fen, ISO times),
with the filters that were applied.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import polars as pl
import pyarrow as pa
import streamlit as st

from givingday import output
from givingday.ui import format as fmt
from givingday.ui.i18n import column, pick, t
from givingday.ui.memo import memoized


def texts(values: pl.Series, show) -> pl.Series:
    """`show(value)` for every value, as a column of text. A plain loop on this thread: a
    Python function inside a polars expression runs on polars' thread pool and needs the GIL
    there, which under a crowd of sessions deadlocked the server (see data.query)."""
    return pl.Series(values.name, [show(value) for value in values.to_list()], dtype=pl.String)


def yuan_texts(values: pl.Series, language: str) -> pl.Series:
    return texts(values, lambda v: fmt.yuan(v, language) if v is not None else "—")


def arrow(frame: pl.DataFrame) -> pa.Table:
    """The frame as an Arrow table with plain (not large or view) strings, as the browser's
    Arrow reader takes them."""
    table = frame.to_arrow(compat_level=pl.CompatLevel.oldest())
    return table.cast(pa.schema([pa.field(f.name, pa.string() if pa.types.is_large_string(f.type) else f.type)
                                 for f in table.schema]))


def show(frame: pl.DataFrame, **options) -> None:
    """st.dataframe of a polars frame handed over as Arrow: Streamlit converts anything else
    through pandas on every rerun, the largest cost of a table-heavy page."""
    st.dataframe(arrow(frame), **{"hide_index": True, "width": "stretch", **options})


@memoized
def money_columns(frame: pl.DataFrame, columns: dict[str, str], language: str) -> pl.DataFrame:
    """A display copy: the given columns renamed to their labels, fen formatted as yuan."""
    shown = {}
    for name, label in columns.items():
        values = frame[name]
        if name.endswith("_fen"):
            values = yuan_texts(values, language)
        shown[label] = values
    return pl.DataFrame(shown)


def downloads(frame: pl.DataFrame, stem: str, language: str, key: str | None = None) -> None:
    """CSV and Parquet of exactly what the query returned (fen, ISO 8601 times)."""
    left, right = st.columns(2)  # the files are made when asked for, not on every run
    left.download_button(t("download_csv", language), lambda: csv_bytes(frame),
                         file_name=f"{stem}.csv", mime="text/csv", key=f"csv-{key or stem}",
                         on_click="ignore")
    right.download_button(t("download_parquet", language), lambda: parquet_bytes(frame), file_name=f"{stem}.parquet",
                          mime="application/octet-stream", key=f"pq-{key or stem}", on_click="ignore")


def csv_bytes(frame: pl.DataFrame) -> bytes:
    return output.with_iso_times(frame).write_csv().encode("utf-8-sig")


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def reproduce(command: str, language: str) -> None:
    st.caption(f"{t('reproduce', language)}: `{command}`")


def chart_and_table(chart: dict, table: Callable[[], pl.DataFrame], raw: pl.DataFrame, stem: str, language: str,
                    command: str, height: int | None = None, key: str | None = None) -> None:
    """A chart (a Vega-Lite spec from charts.py) with its table and downloads one tap away."""
    figure_and_table(lambda: st.vega_lite_chart(chart, width="stretch"), t("chart", language),
                     table, raw, stem, language, command, height, key)


def figure_and_table(draw, label: str, table: Callable[[], pl.DataFrame], raw: pl.DataFrame, stem: str, language: str,
                     command: str, height: int | None = None, key: str | None = None) -> None:
    """Any figure (`draw()` puts it on the page: a chart, a map) in the first tab, its table,
    downloads and the command that reproduces it in the second.

    Only the open tab is computed and sent (`lazy_tabs`): the rerun every viewer makes after
    each new version draws the figure alone, and `table()` makes the table only for a viewer
    who opened its tab."""
    figure_tab, table_tab = lazy_tabs([label, t("table", language)], f"tabs-{key or stem}", language)
    if figure_tab.open:
        with figure_tab:
            draw()
    if table_tab.open:
        with table_tab:
            show(table(), height=height or "auto")
            downloads(raw, stem, language, key)
            reproduce(command, language)


def lazy_tabs(labels: list[str], key: str, language: str):
    """st.tabs whose closed tabs run nothing: switching tabs reruns the page for that viewer
    alone, and every tab's `.open` says whether to draw it. The open tab is kept by its label,
    so the key names the language too."""
    return st.tabs(labels, key=f"{key}-{language}", on_change="rerun")


def categories(frame: pl.DataFrame, language: str) -> pl.DataFrame:
    """The `categories` query for people: names in the page's language, money as yuan."""
    return pl.DataFrame({
        t("category", language): [pick(a, b, language) for a, b in zip(frame["name"], frame["name_en"], strict=True)],
        t("raised", language): yuan_texts(frame["raised_fen"], language),
        t("public", language): yuan_texts(frame["public_fen"], language),
        t("matched", language): yuan_texts(frame["matched_fen"], language),
        t("donations", language): frame["donations"], t("projects", language): frame["projects"],
    })


def districts(frame: pl.DataFrame, language: str) -> pl.DataFrame:
    """The `districts` query for people."""
    return pl.DataFrame({
        t("district", language): frame[column("name", language)],
        t("raised", language): yuan_texts(frame["raised_fen"], language),
        t("per_10k", language): yuan_texts(frame["raised_per_10k_residents_fen"], language),
        t("donations", language): frame["donations"], t("projects", language): frame["projects"],
    })
