"""How pages get figures: named queries on the published version, cached by version.

All sessions share one reader per version (st.cache_resource) and one result per
(version, query, parameters) (st.cache_data), so a rerun costs milliseconds and a new
version invalidates exactly what changed.
"""

from __future__ import annotations

import polars as pl
import streamlit as st

from givingday import queries
from givingday.warehouse import Warehouse, resolve


@st.cache_resource
def _warehouse(root: str) -> Warehouse:
    return Warehouse(root)


def warehouse() -> Warehouse:
    """The warehouse named by GIVINGDAY_WAREHOUSE (else data/warehouse)."""
    return _warehouse(str(resolve()))


def published_version() -> int | None:
    return warehouse().current_version()


@st.cache_data(max_entries=512, show_spinner=False)
def _run(version: int, name: str, params: tuple[tuple[str, str], ...]) -> pl.DataFrame:
    return queries.reader(warehouse(), version).run(name, dict(params))


def query(name: str, version: int, **params: str) -> pl.DataFrame:
    """A named query's result on `version` (pin one version per screen)."""
    return _run(version, name, tuple(sorted(params.items())))
