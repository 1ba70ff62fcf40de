"""The description of the API at /api/v1/: every route, its parameters and its columns with
units and caveats, taken from the named queries' headers (one source, as the open-data page).

Served as JSON (`?format=json`, or any client that does not ask for HTML) and as a short page.
"""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape

from starlette.responses import Response

from givingday import queries
from givingday.api.answers import FORMATS, MAX_LIMIT, PROJECT_ROUTES, ROUTES, Route, with_yuan
from givingday.warehouse import Warehouse, resolve

COMMON = ("Money is integer fen (1 yuan = 100 fen); each *_fen column has a *_yuan convenience column "
          "beside it. Times are ISO 8601 with the event's offset. Every JSON answer carries version, as_of "
          "and published_at; ETag changes exactly when a new version is published (If-None-Match gets 304). "
          "No personal data: no donor keys or nicknames; a project's donor count is null when it has 1 or 2 "
          "donors (donors_under_3).")
PAGING = {"limit": f"rows to return, 1..{MAX_LIMIT} (default {MAX_LIMIT})", "offset": "rows to skip (default 0)"}


def _unit(column: str) -> str:
    if column.endswith("_fen"):
        return "integer fen"
    if column.endswith("_yuan"):
        return "yuan (convenience; fen is exact)"
    if column.endswith("_at") or column in ("as_of", "bucket_start", "minute"):
        return "time, ISO 8601 with offset"
    if column == "day":
        return "date"
    if column.startswith("pct"):
        return "percent"
    return ""


def _parameters(query: queries.NamedQuery, accepted: dict[str, str]) -> list[dict]:
    described = []
    for api_name, query_name in accepted.items():
        param = query.params[query_name]
        described.append({"name": api_name, "type": param.kind, "default": param.default,
                          **({"choices": list(param.choices)} if param.choices else {})})
    return described


def _columns(root: str, name: str, fixed: dict | None = None) -> list[dict]:
    """The query's columns on the published version (empty before the first one)."""
    try:
        frame = queries.reader(Warehouse(root)).run(name, fixed or {})
    except (queries.QueryError, OSError):
        return []
    return [{"name": c, "unit": _unit(c)} for c in with_yuan(frame).columns]


def _entry(root: str, path: str, query_name: str, accepted: dict[str, str], paged: bool = False,
           note: str = "") -> dict:
    query = queries.named_query(query_name)
    parameters = _parameters(query, accepted)
    if paged:
        parameters += [{"name": k, "type": "int", "description": v} for k, v in PAGING.items()]
    return {"path": path, "formats": list(FORMATS), "query": query_name, "summary": query.summary,
            "caveats": query.description + (" " + note if note else ""), "parameters": parameters,
            "columns": _columns(root, query_name, {"project": "?"} if "{project_id}" in path else None)}


def _route(root: str, route: Route) -> dict:
    entry = _entry(root, f"/api/v1/{route.name}", route.query, dict(route.params), route.paged)
    if route.extras:
        entry["caveats"] += " The JSON also carries " + ", ".join(
            f"{key} (the rows of {query})" for key, query in route.extras.items()) + "."
    return entry


@lru_cache(maxsize=4)
def _document(root: str, version: int | None) -> dict:
    routes = [_route(root, route) for route in ROUTES.values()]
    for part, (query_name, accepted) in PROJECT_ROUTES.items():
        path = "/api/v1/projects/{project_id}" + (f"/{part}" if part else "")
        note = "404 for an unknown project."
        if not part:
            note += (" The JSON also carries timeline (the rows of project_timeline, parameter grain) and pools "
                     "(the rows of project_pools); the CSV is the project's row.")
        entry = _entry(root, path, query_name, dict(accepted), note=note)
        if not part:
            entry["parameters"] = _parameters(queries.named_query("project_timeline"), {"grain": "grain"})
        routes.append(entry)
    routes.append({"path": "/api/v1/versions/current", "formats": list(FORMATS), "parameters": [],
                   "summary": "The published version: version, as_of (data complete up to) and published_at.",
                   "caveats": "Poll this (or use ETags) to know when new figures are out.",
                   "columns": [{"name": c, "unit": _unit(c)} for c in ("version", "as_of", "published_at")]})
    routes.append({"path": "/api/v1/live.json", "formats": ["json"], "summary": "The headline for /live: totals, "
                   "the top 10 projects and the match money left per pool, with display texts.",
                   "parameters": [{"name": "lang", "type": "text", "default": "zh", "choices": ["zh", "en"]}],
                   "caveats": "Polled by /live every 5 s with If-None-Match.", "columns": []})
    return {"api": "givingday open data", "version": "v1", "data_version": version, "notes": COMMON,
            "errors": {"400": "a bad or unknown parameter (named in 'parameter')", "404": "unknown route or project",
                       "405": "a method other than GET or HEAD", "503": "no published data yet (Retry-After)"},
            "routes": routes, "pages": {"/live": "the live headline, plain HTML (?lang=en)",
                                        "/embed/projects/{project_id}": "a project card for an iframe"}}


def document() -> dict:
    root = str(resolve())
    try:
        version = Warehouse(root).current_version()
    except OSError:
        version = None
    return _document(root, version)


def _html(described: dict) -> str:
    rows = []
    for route in described["routes"]:
        params = ", ".join(p["name"] + (f" ({'|'.join(p['choices'])})" if p.get("choices") else "")
                           for p in route["parameters"]) or "—"
        columns = ", ".join(c["name"] + (f" [{c['unit']}]" if c["unit"] else "") for c in route["columns"]) or "—"
        formats = " · ".join(f'<a href="{escape(route["path"])}.{f}">{f}</a>' if "{" not in route["path"]
                             and not route["path"].endswith(".json") else f for f in route["formats"])
        rows.append(f"<section><h2>{escape(route['path'])}</h2><p>{escape(route['summary'])} ({formats})</p>"
                    f"<p><b>Parameters:</b> {escape(params)}</p><p><b>Columns:</b> {escape(columns)}</p>"
                    f"<p><b>Caveats:</b> {escape(route['caveats'])}</p></section>")
    return ('<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width,initial-scale=1"><title>Open data API v1</title>'
            '<style>body{font:16px/1.5 sans-serif;max-width:52rem;margin:0 auto;padding:1rem;color:#1a1a1a}'
            'h2{font-size:1.05rem;margin:1.5rem 0 .25rem;font-family:monospace}p{margin:.25rem 0}a{color:#0b5cad}'
            '</style></head><body><main><h1>Open data API v1</h1>'
            f'<p>{escape(described["notes"])}</p><p>As JSON: <a href="?format=json">/api/v1/?format=json</a>. '
            'The live page: <a href="/live">/live</a>.</p>' + "".join(rows) + "</main></body></html>")


def response(html: bool, headers: dict) -> Response:
    described = document()
    if html:
        return Response(_html(described), 200, headers, media_type="text/html; charset=utf-8")
    return Response(json.dumps(described, ensure_ascii=False, indent=1) + "\n", 200, headers,
                    media_type="application/json; charset=utf-8")
