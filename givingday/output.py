"""Render query results for the command line and the JSON routes: json, csv or a table.

Money stays in integer fen; timestamps become ISO 8601 with the event's offset.
"""

from __future__ import annotations

import json

import polars as pl

ISO_FORMAT = "%Y-%m-%dT%H:%M:%S%:z"


def with_iso_times(frame: pl.DataFrame) -> pl.DataFrame:
    """Datetime columns as ISO 8601 strings with offset (event-local), nulls kept."""
    return frame.with_columns(
        *[pl.col(name).dt.strftime(ISO_FORMAT) for name, dtype in frame.schema.items()
          if isinstance(dtype, pl.Datetime)],
        *[pl.col(name).dt.strftime("%Y-%m-%d") for name, dtype in frame.schema.items() if dtype == pl.Date])


def records(frame: pl.DataFrame) -> list[dict]:
    return with_iso_times(frame).to_dicts()


def render(frame: pl.DataFrame, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(records(frame), ensure_ascii=False) + "\n"
    if fmt == "csv":
        return with_iso_times(frame).write_csv()
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, fmt_str_lengths=60,
                   tbl_hide_dataframe_shape=True, thousands_separator=","):
        return str(with_iso_times(frame)) + "\n"
