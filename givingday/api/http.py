"""The HTTP side of the open data: Starlette routes mounted beside the dashboard (server.py).

- `ETag` from the warehouse version and the request; `If-None-Match` answers 304;
- `Cache-Control` for a CDN: a short max-age and `stale-while-revalidate`; `Last-Modified`
  is the version's publication time;
- CORS for embeds and scripts: any origin, GET and HEAD, no credentials;
- errors as JSON with the right status, never a traceback: 404, 400 naming the parameter,
  503 with `Retry-After` before the first version, 405 for other methods.

An answer not yet stored is computed in a worker thread, so the event loop that also
carries the dashboard's websockets never waits for a query.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import logging

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from givingday.api import answers, describe, embed, encoding, live
from givingday.ui.i18n import FALLBACK, languages
from givingday.warehouse import Warehouse, resolve

MAX_AGE_S = 5
STALE_WHILE_REVALIDATE_S = 30
RETRY_AFTER_S = 10
METHODS = ("GET", "HEAD")
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "If-None-Match", "Access-Control-Expose-Headers": "ETag, Last-Modified",
        "Access-Control-Max-Age": "86400"}
_log = logging.getLogger(__name__)
_warehouses: dict[str, Warehouse] = {}
# drawn HTML and its gzipped copy, by (route, answer ETag, language), oldest first out
_pages: dict[tuple, tuple[bytes, bytes | None]] = {}
STORED_PAGES = 256


def warehouse() -> Warehouse:
    """The warehouse the dashboard reads (GIVINGDAY_WAREHOUSE), one object per root."""
    root = str(resolve())
    if root not in _warehouses:
        _warehouses[root] = Warehouse(root)
    return _warehouses[root]


def error(status: int, message: str, parameter: str | None = None, **headers: str) -> Response:
    body = {"error": message, "status": status, **({"parameter": parameter} if parameter else {})}
    return Response(json.dumps(body, ensure_ascii=False) + "\n", status, {**CORS, **headers},
                    media_type="application/json; charset=utf-8")


def _http_date(iso: str | None) -> str | None:
    if not iso:
        return None
    return email.utils.format_datetime(dt.datetime.fromisoformat(iso).astimezone(dt.UTC), usegmt=True)


def _matches(request: Request, *etags: str) -> bool:
    wanted = request.headers.get("if-none-match", "")
    tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
    return "*" in tags or any(etag in tags for etag in etags)


def etag_with(etag: str, suffix: str) -> str:
    """The tag of another representation of the same answer (a language, gzip): `"v3-ab"` ->
    `"v3-ab-en"`."""
    return f'{etag[:-1]}-{suffix}"'


def body_response(request: Request, body: bytes, gzipped: bytes | None, etag: str, headers: dict,
                  media_type: str) -> Response:
    """200 with the body (gzipped when the client takes it and it was compressed once), or
    304 when the client holds either representation; HEAD gets the headers only."""
    encoded = gzipped is not None and encoding.accepts_gzip(request.headers.get("accept-encoding", ""))
    headers = {**headers, "ETag": etag_with(etag, "gz") if encoded else etag, "Vary": "Accept-Encoding"}
    if encoded:
        headers["Content-Encoding"] = "gzip"  # Streamlit's middleware lets an encoded body through
    if _matches(request, etag, etag_with(etag, "gz")):
        return Response(status_code=304, headers=headers)
    chosen = gzipped if encoded else body
    response = Response(b"" if request.method == "HEAD" else chosen, 200, headers, media_type=media_type)
    if request.method == "HEAD":
        response.headers["Content-Length"] = str(len(chosen))
    return response


def _headers(made: answers.Answer, max_age: int) -> dict:
    headers = {**CORS, "Cache-Control": f"public, max-age={max_age}, stale-while-revalidate={STALE_WHILE_REVALIDATE_S}",
               "X-Givingday-Version": str(made.version)}
    modified = _http_date(made.published_at)
    if modified:
        headers["Last-Modified"] = modified
    return headers


def respond(request: Request, made: answers.Answer, max_age: int = MAX_AGE_S) -> Response:
    return body_response(request, made.body, made.gzipped, made.etag, _headers(made, max_age), made.media_type)


async def _answer(request: Request, path: str, build=None, params: dict | None = None) -> answers.Answer | Response:
    """The stored or newly computed answer to a GET or HEAD of /api/v1/{path} (with the
    request's parameters unless given), or the response that refuses it."""
    if request.method == "OPTIONS" and "access-control-request-method" in request.headers:
        return Response(status_code=204, headers=CORS)  # a CORS preflight
    if request.method not in METHODS:
        return error(405, f"method {request.method} is not allowed (GET or HEAD)", Allow="GET, HEAD")
    params = dict(request.query_params) if params is None else params
    try:
        store = warehouse()
        return answers.cached(store, path, params) or await run_in_threadpool(answers.answer, store, path, params,
                                                                                build)
    except answers.ApiError as exc:
        extra = {"Retry-After": str(RETRY_AFTER_S)} if exc.status == 503 else {}
        return error(exc.status, exc.message, exc.parameter, **extra)
    except Exception:  # never a traceback to the caller; the server log has it
        _log.exception("api: %s failed", request.url.path)
        return error(500, "internal error; the request was logged")


async def serve(request: Request, path: str, build=None, params: dict | None = None,
                max_age: int = MAX_AGE_S) -> Response:
    made = await _answer(request, path, build, params)
    return made if isinstance(made, Response) else respond(request, made, max_age)


async def api_route(request: Request) -> Response:
    return await serve(request, request.path_params["path"])


async def api_index(request: Request) -> Response:
    if request.method not in METHODS:
        return error(405, f"method {request.method} is not allowed (GET or HEAD)", Allow="GET, HEAD")
    wants_html = "text/html" in request.headers.get("accept", "") and request.query_params.get("format") != "json"
    return await run_in_threadpool(describe.response, wants_html, CORS)  # runs queries once a version


async def live_json(request: Request) -> Response:
    return await serve(request, "live.json", live.build)


async def _page(request: Request, path: str, build, render) -> Response:
    """An HTML page drawn from a JSON answer (once per answer and language, compressed once):
    the same ETag rules, one more for the language."""
    wanted = request.query_params.get("lang", FALLBACK)
    language = wanted if wanted in languages() else FALLBACK
    made = await _answer(request, path, build, {"lang": language})
    if isinstance(made, Response):
        return made
    key = (path, made.etag, language)
    drawn = _pages.get(key)
    if drawn is None:
        html = render({**json.loads(made.body), "etag": made.etag}, language).encode()
        drawn = _pages[key] = (html, encoding.compressed(html))
        while len(_pages) > STORED_PAGES:
            _pages.pop(next(iter(_pages)))
    return body_response(request, *drawn, etag_with(made.etag, language), _headers(made, MAX_AGE_S),
                         "text/html; charset=utf-8")


async def live_page(request: Request) -> Response:
    return await _page(request, "live.json", live.build, live.page)


async def project_card(request: Request) -> Response:
    project_id = request.path_params["project_id"]
    response = await _page(request, f"embed/{project_id}.json", embed.build, embed.card)
    response.headers["Content-Security-Policy"] = f"frame-ancestors {embed.frame_ancestors()}"
    return response


ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
ROUTES = [
    Route("/api/v1", api_index, methods=ALL_METHODS),
    Route("/api/v1/", api_index, methods=ALL_METHODS),
    Route("/api/v1/live.json", live_json, methods=ALL_METHODS),
    Route("/api/v1/{path:path}", api_route, methods=ALL_METHODS),
    Route("/live", live_page, methods=ALL_METHODS),
    Route("/embed/projects/{project_id}", project_card, methods=ALL_METHODS),
]
