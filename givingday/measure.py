"""Small measuring helpers shared by the benchmark commands (bench, replay, loadtest)."""

from __future__ import annotations

import os
from pathlib import Path


def percentile(values: list[float], share: float) -> float | None:
    """The value below which `share` of `values` lie (nearest rank); None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def folder_mb(path: Path) -> float:
    """Bytes under a folder, in MB (files deleted while walking are skipped)."""
    total = 0
    for folder, _, files in os.walk(path):
        for name in files:
            try:
                total += os.stat(os.path.join(folder, name)).st_size
            except OSError:
                pass
    return total / 2**20


def write_docs_section(docs: Path, heading: str, text: str) -> None:
    """Replace (or add, at the end) the `heading` section of a Markdown file with `text`."""
    current = docs.read_text() if docs.exists() else "# Benchmarks\n"
    if heading in current:
        before, after = current.split(heading, 1)
        rest = after.split("\n## ", 1)
        current = before + (("## " + rest[1]) if len(rest) > 1 else "")
    docs.write_text(current.rstrip() + f"\n\n{heading}\n\n{text}\n")
