"""Named SQL files (`queries/*.sql`) and their headers.

A query file starts with a header of `--` comment lines: a first line naming what one row
is, then free text on units and caveats, and `-- param: NAME default=VALUE choices=A|B`
lines for its named parameters. Parameters are bound (`$name`), never pasted into SQL.
`queries/*.sql` are the public named queries (../shared/spec/queries.md); SQL that the
ingest and other internals run lives in subfolders (`internal_sql`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parents[2] / "queries"
_PARAM_LINE = re.compile(r"^--\s*param:\s*(\w+)\s*(.*)$")


class QueryError(Exception):
    """An unknown query, an unknown parameter or a bad value."""


class NoData(QueryError):
    """The warehouse has no published version yet."""


@dataclass(frozen=True)
class Param:
    name: str
    default: str | None
    choices: tuple[str, ...] = ()
    kind: str = "text"  # text | int | list (comma-separated text, bound as a list)

    def bind(self, raw: str | None):
        value = self.default if raw is None else raw
        if value is None:
            return None
        if self.choices and value not in self.choices:
            raise QueryError(f"parameter {self.name}={value!r} is not one of {', '.join(self.choices)}")
        if self.kind == "list":
            return value if isinstance(value, list) else [v.strip() for v in value.split(",") if v.strip()]
        if self.kind == "int":
            try:
                return int(value)
            except ValueError:
                raise QueryError(f"parameter {self.name}={value!r} is not an integer") from None
        return value


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    sql: str
    summary: str
    description: str
    params: dict[str, Param] = field(default_factory=dict)

    def bind(self, given: dict[str, str] | None) -> dict:
        given = dict(given or {})
        unknown = sorted(set(given) - set(self.params))
        if unknown:
            known = ", ".join(self.params) or "none"
            raise QueryError(f"query {self.name} has no parameter {unknown[0]!r} (parameters: {known})")
        return {name: param.bind(given.get(name)) for name, param in self.params.items()
                if f"${name}" in self.sql}


def _parse(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header, params = [], {}
    for line in text.splitlines():
        if not line.startswith("--"):
            break
        match = _PARAM_LINE.match(line)
        if match:
            options = dict(re.findall(r"(\w+)=(\S+)", match.group(2)))
            default = options.get("default")
            params[match.group(1)] = Param(
                match.group(1), None if default in (None, "null") else default,
                tuple(options["choices"].split("|")) if "choices" in options else (),
                options.get("type", "text"))
        else:
            header.append(line[2:].strip())
    lines = [h for h in header if h]
    return NamedQuery(path.stem, path, text, lines[0] if lines else "", "\n".join(lines[1:]), params)


@cache
def named_queries() -> dict[str, NamedQuery]:
    """The public named queries, by name."""
    return {q.name: q for q in map(_parse, sorted(QUERIES_DIR.glob("*.sql")))}


def named_query(name: str) -> NamedQuery:
    queries = named_queries()
    if name not in queries:
        raise QueryError(f"unknown query {name!r} (known: {', '.join(queries)})")
    return queries[name]


@cache
def internal_sql(name: str) -> NamedQuery:
    """SQL of the ingest and other internals, e.g. internal_sql('ingest/rollup_project')."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"no SQL file {path}")
    return _parse(path)
