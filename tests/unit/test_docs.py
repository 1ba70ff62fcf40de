"""Documentation that cannot drift (as datasette's test_docs.py): every command-line command
and option, every named query, every event.toml key and every URL parameter a page reads is
named in the README or docs/. Each list is read from the code itself, so something new
without its documentation fails here."""

import argparse
import re
from pathlib import Path

import pytest

from givingday import cli, event_schema
from givingday.queries import named_queries

ROOT = Path(__file__).resolve().parents[2]
DOCS = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
URL_PARAM = re.compile(r"""(?:url\.(?:restore|keep)\(|param=|query_params\.get\(|_number\(|_switch\()\s*["']([a-z_]+)["']""")


def _commands() -> dict[str, argparse.ArgumentParser]:
    sub = next(a for a in cli.parser()._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_command_and_option_is_documented(command):
    assert re.search(rf"givingday {command}\b", DOCS), f"`python -m givingday {command}` is not in README or docs/"
    options = [o for a in _commands()[command]._actions for o in a.option_strings if o.startswith("--") and o != "--help"]
    missing = [o for o in options if o not in DOCS]
    assert missing == [], f"options of `{command}` missing from README or docs/: {missing}"


def test_every_named_query_is_documented():
    missing = [name for name in named_queries() if f"`{name}`" not in DOCS]
    assert missing == []


def test_every_event_toml_key_is_documented():
    keys = list(event_schema.TOP) + [f"{table}.{key}" for table, keys in event_schema.TABLES.items() for key in keys]
    missing = [key for key in keys if f"`{key.split('.')[-1]}`" not in _section(key)]
    assert missing == [], f"event.toml keys missing from docs/event-folder.md: {missing}"


def _section(key: str) -> str:
    """The part of docs/event-folder.md about the key's table (the top level for plain keys)."""
    text = (ROOT / "docs" / "event-folder.md").read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.M)
    table = key.split(".")[0] if "." in key else "event.toml"
    return next((p for p in parts if p.split("\n", 1)[0].strip("` []").startswith(table)), "")


def test_every_url_parameter_is_documented():
    sources = [*ROOT.glob("pages/*.py"), *ROOT.glob("givingday/ui/*.py"), *ROOT.glob("givingday/api/*.py")]
    params = sorted({p for path in sources for p in URL_PARAM.findall(path.read_text(encoding="utf-8"))})
    missing = [p for p in params if not re.search(rf"[?&]{p}=", DOCS)]
    assert len(params) > 10 and missing == [], f"URL parameters missing from README or docs/: {missing}"
