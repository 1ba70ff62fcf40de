"""What each route under /api/v1/ answers: named queries on the published version, as JSON or CSV.

A route names one named query (or, for a project, three) and the request parameters it
takes. The figures are the query's rows exactly (`python -m givingday query` prints the
same), with three rules of the public pages applied:
- money stays in integer fen; a `_yuan` column beside each `_fen` one is a convenience;
- times are ISO 8601 with the event's offset;
- no personal data: donor keys and nicknames never appear, and a project's donor count is
  left out (null) when it has 1 or 2 donors, as on the pages (`donors_under_3`).

Each answer is computed once per (warehouse, version, route, parameters, format) and kept in
a bounded store, so a crowd of identical requests costs one query run per version.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import polars as pl

from givingday import output, queries
from givingday.api.encoding import compressed
from givingday.event import load_event
from givingday.warehouse import VersionGone, Warehouse, WarehouseError

MAX_LIMIT = 500
STORED_ANSWERS = 512
FORMATS = {"json": "application/json; charset=utf-8", "csv": "text/csv; charset=utf-8"}
PRIVATE_COLUMNS = ("donor_key", "nickname", "donor_display", "donor_nickname")
FILTERS = {"category": "category", "district": "district", "sort": "sort", "q": "search"}


class ApiError(Exception):
    """A request the API cannot answer: the HTTP status and a message for the caller."""

    def __init__(self, status: int, message: str, parameter: str | None = None):
        super().__init__(message)
        self.status, self.message, self.parameter = status, message, parameter


@dataclass(frozen=True)
class Route:
    """A list route: `query`'s rows, with the request parameters it takes (API name -> query
    parameter); `paged` routes take limit and offset."""
    name: str
    query: str
    params: Mapping[str, str] = field(default_factory=dict)
    paged: bool = False
    extras: Mapping[str, str] = field(default_factory=dict)  # JSON key -> another query's rows


ROUTES = {route.name: route for route in (
    Route("totals", "totals"),
    Route("projects", "board_projects", FILTERS, paged=True),
    Route("orgs", "board_orgs", FILTERS, paged=True),
    Route("categories", "categories"),
    Route("districts", "districts"),
    Route("pools", "pools", extras={"daily_shares": "pool_daily_shares"}),
    Route("pool_shares", "pool_daily_shares"),
    Route("timeline", "timeline", {"grain": "grain"}),
    Route("corrections", "corrections"),
)}
PROJECT_ROUTES = {  # projects/{project_id}[/part]: part -> (query, request parameters)
    "": ("board_projects", {}),  # JSON: with "timeline" (parameter grain) and "pools" beside "rows"
    "timeline": ("project_timeline", {"grain": "grain"}),
    "pools": ("project_pools", {}),
}


@dataclass(frozen=True)
class Answer:
    body: bytes
    media_type: str
    etag: str
    version: int
    published_at: str | None
    # The body compressed once, for the clients that take gzip. Streamlit's middleware would
    # compress every response again, at level 9: 33 KB of projects.json from 231 KB each
    # time, which held the route to 0.13x the health route's requests a second for clients
    # that send Accept-Encoding: gzip, as every browser does.
    gzipped: bytes | None


def split_path(path: str) -> tuple[str, str]:
    """'projects.json' -> ('projects', 'json'); no extension means JSON."""
    path = path.strip("/")
    stem, dot, extension = path.rpartition(".")
    if dot and extension in FORMATS:
        return stem, extension
    if dot and "/" not in extension:
        raise ApiError(404, f"unknown format .{extension} (json or csv)")
    return path, "json"


class Store:
    """Answers by key, least recently used out first."""

    def __init__(self, entries: int = STORED_ANSWERS):
        self._entries, self._answers, self._lock = entries, OrderedDict(), threading.Lock()

    def get(self, key) -> Answer | None:
        with self._lock:
            answer = self._answers.get(key)
            if answer is not None:
                self._answers.move_to_end(key)
            return answer

    def put(self, key, answer: Answer) -> None:
        with self._lock:
            self._answers[key] = answer
            while len(self._answers) > self._entries:
                self._answers.popitem(last=False)


_store = Store()


def current_version(warehouse: Warehouse) -> int:
    try:
        version = warehouse.current_version()
    except OSError:
        version = None
    if version is None:
        raise ApiError(503, "no published data yet")
    return version


def cached(warehouse: Warehouse, path: str, params: Mapping[str, str]) -> Answer | None:
    """The stored answer to this request on the published version, if there is one."""
    version = current_version(warehouse)
    return _store.get(_key(warehouse, version, path, params))


def answer(warehouse: Warehouse, path: str, params: Mapping[str, str],
           build: Callable[[queries.VersionReader, str, Mapping[str, str]], dict | pl.DataFrame] | None = None,
           retries: int = 2) -> Answer:
    """The answer to GET /api/v1/{path}?{params} on the published version (computed once, and
    kept under the version it was read from)."""
    version = current_version(warehouse)
    key = _key(warehouse, version, path, params)
    stored = _store.get(key)
    if stored is not None:
        return stored
    stem, fmt = split_path(path)
    try:
        reader = queries.reader(warehouse, version)
        result = queries.read(reader, warehouse, lambda r: (build or _rows)(r, stem, params))
    except VersionGone as exc:  # reclaimed as it was read: the published version is a newer one
        if retries:
            return answer(warehouse, path, params, build, retries - 1)
        raise ApiError(503, f"the data cannot be read right now: {exc}") from exc
    except queries.NoData as exc:
        raise ApiError(503, "no published data yet") from exc
    except (WarehouseError, OSError) as exc:
        raise ApiError(503, f"the data cannot be read right now: {exc}") from exc
    published_at = event_time(reader.manifest.published_at)
    body = _render(result, fmt, reader, stem, params)
    made = Answer(body, FORMATS[fmt], _etag(key), reader.version, published_at, compressed(body))
    _store.put(key, made)
    return made


def event_time(iso: str | None) -> str | None:
    """A stamp of the warehouse (UTC) in the event's zone, ISO 8601 with offset."""
    if not iso:
        return iso
    return dt.datetime.fromisoformat(iso).astimezone(load_event().tz).isoformat(timespec="seconds")


def _key(warehouse: Warehouse, version: int, path: str, params: Mapping[str, str]) -> tuple:
    return (str(warehouse.root), version, path.strip("/"), tuple(sorted(params.items())))


def _etag(key: tuple) -> str:
    digest = hashlib.sha1(repr(key[2:]).encode()).hexdigest()[:16]
    return f'"v{key[1]}-{digest}"'


# -- rows ------------------------------------------------------------------------------------

def _rows(reader: queries.VersionReader, stem: str, params: Mapping[str, str]) -> dict | pl.DataFrame:
    if stem in ROUTES:
        route = ROUTES[stem]
        frame = _run(reader, route.query, route.params, params, paged=route.paged)
        if not route.extras:
            return frame
        return {"rows": frame, **{name: _run(reader, query, {}, {}) for name, query in route.extras.items()}}
    if stem == "versions/current":
        as_of = reader.run("totals").select("as_of")
        return as_of.select(pl.lit(reader.version).alias("version"), "as_of",
                            pl.lit(event_time(reader.manifest.published_at)).alias("published_at"))
    parts = stem.split("/")
    if parts[0] == "projects" and len(parts) in (2, 3) and parts[1]:
        return _project(reader, parts[1], parts[2] if len(parts) == 3 else "", params)
    raise ApiError(404, f"unknown route /api/v1/{stem} (see /api/v1/ for the list)")


def _project(reader: queries.VersionReader, project_id: str, part: str, params: Mapping[str, str]) -> pl.DataFrame:
    if part not in PROJECT_ROUTES:
        raise ApiError(404, f"unknown route /api/v1/projects/{project_id}/{part}")
    if _run(reader, "board_projects", {}, {}, fixed={"project": project_id}).is_empty():
        raise ApiError(404, f"unknown project {project_id!r}")
    if part:
        query, accepted = PROJECT_ROUTES[part]
        return _run(reader, query, accepted, params, fixed={"project": project_id})
    # the project itself, with its timeline and its pools (JSON; the CSV is the project's row)
    fixed = {"project": project_id}
    return {"rows": _run(reader, "board_projects", {}, {}, fixed=fixed),
            "timeline": _run(reader, "project_timeline", {"grain": "grain"}, params, fixed=fixed),
            "pools": _run(reader, "project_pools", {}, {}, fixed=fixed)}


def _run(reader: queries.VersionReader, name: str, accepted: Mapping[str, str], given: Mapping[str, str],
         paged: bool = False, fixed: Mapping[str, str] | None = None) -> pl.DataFrame:
    """Validate the request's parameters one by one (a bad one is named), run, page."""
    allowed = set(accepted) | ({"limit", "offset"} if paged else set())
    for unknown in sorted(set(given) - allowed):
        raise ApiError(400, f"unknown parameter {unknown!r} (this route takes: {', '.join(sorted(allowed)) or 'none'})",
                       unknown)
    query = queries.named_query(name)
    bound = dict(fixed or {})
    for api_name, query_name in accepted.items():
        if api_name in given:
            try:
                query.params[query_name].bind(given[api_name])
            except queries.QueryError as exc:
                message = str(exc) if api_name == query_name else f"parameter {api_name}: {exc}"
                raise ApiError(400, message, api_name) from None
            bound[query_name] = given[api_name]
    frame = public(reader.run(name, bound))
    if paged:
        offset = _count(given, "offset", 0, 0, None)
        frame = frame.slice(offset, _count(given, "limit", MAX_LIMIT, 1, MAX_LIMIT))
    return frame


def _count(given: Mapping[str, str], name: str, default: int, low: int, high: int | None) -> int:
    raw = given.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, f"parameter {name}: {raw!r} is not an integer", name) from None
    if value < low or (high is not None and value > high):
        raise ApiError(400, f"parameter {name}: {value} is outside {low}..{high if high is not None else ''}", name)
    return value


def public(frame: pl.DataFrame) -> pl.DataFrame:
    """No personal data: no donor columns; no donor count for a project with 1-2 donors."""
    frame = frame.drop([c for c in PRIVATE_COLUMNS if c in frame.columns])
    if "donors_under_3" in frame.columns and "donors" in frame.columns:
        frame = frame.with_columns(donors=pl.when(pl.col("donors_under_3")).then(None).otherwise(pl.col("donors")))
    return frame


def with_yuan(frame: pl.DataFrame) -> pl.DataFrame:
    """Beside each integer-fen column, the same money in yuan (a convenience; fen is exact)."""
    money = [c for c in frame.columns if c.endswith("_fen")]
    return frame.with_columns(*[(pl.col(c) / 100).round(2).alias(c.removesuffix("_fen") + "_yuan") for c in money])


# -- rendering -------------------------------------------------------------------------------

def _render(result: dict | pl.DataFrame, fmt: str, reader: queries.VersionReader, stem: str,
            params: Mapping[str, str]) -> bytes:
    tables = result if isinstance(result, dict) else {"rows": result}
    if fmt == "csv":
        return output.with_iso_times(with_yuan(tables["rows"])).write_csv().encode()
    as_of = output.records(reader.run("totals"))[0]["as_of"]
    document = {"version": reader.version, "as_of": as_of, "published_at": event_time(reader.manifest.published_at),
                "route": f"/api/v1/{stem}", "params": dict(sorted(params.items()))}
    for name, value in tables.items():
        document[name] = output.records(with_yuan(value)) if isinstance(value, pl.DataFrame) else value
    return (json.dumps(document, ensure_ascii=False, default=str) + "\n").encode()
