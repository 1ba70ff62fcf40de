"""Import at start what the first page runs would import: a fresh server's first visitors
otherwise wait, all together, while one of them imports Altair, pydeck and the page modules
(a crowd arriving at a just-started replica saw p95 1.5 s against 0.13 s once warm)."""

from __future__ import annotations

import importlib

MODULES = ("altair", "pydeck", "pyarrow", "qrcode", "givingday.ui.charts", "givingday.ui.maps",
           "givingday.ui.tables", "givingday.ui.chrome", "givingday.ui.bigscreen", "givingday.alerts")


def modules() -> None:
    for name in MODULES:
        importlib.import_module(name)
