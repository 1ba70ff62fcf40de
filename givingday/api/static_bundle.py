"""Streamlit's frontend files (`/static/...`) served from memory, gzip-compressed once.

A first visit fetches about 60 files (2.1 MB) of the JavaScript bundle. Streamlit serves
them uncompressed through its whole Python middleware stack, so a crowd of first visits to
one process (no nginx or CDN in front) queued every viewer's reruns behind file transfers.
This ASGI middleware answers those requests before Streamlit's stack: the file's bytes,
compressed once per process, with a year's `Cache-Control` (the names carry a content hash).
Anything it does not find goes on to Streamlit unchanged.

It also answers the app shell (Streamlit's `index.html`, which Streamlit itself sends for
every page's URL) with the focus ring's stylesheet in its head: a page's own styles arrive
with its first script run, after the top navigation is drawn, and a keyboard user who
pressed Tab in between met links with no visible focus (WCAG 2.4.7).
"""

from __future__ import annotations

import mimetypes
import threading
from pathlib import Path

import streamlit
from starlette.concurrency import run_in_threadpool

from givingday.api import encoding
from givingday.ui import site

ROOT = (Path(streamlit.__file__).parent / "static").resolve()
PREFIX = "/static/"
CACHE_CONTROL = b"public, max-age=31536000, immutable"
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
FOCUS_CSS = Path(__file__).resolve().parents[1] / "ui" / "assets" / "focus.css"
SHELL_PATHS = site.URL_PATHS  # app.py's pages


class _File:
    def __init__(self, path: Path, raw: bytes | None = None):
        self.raw = path.read_bytes() if raw is None else raw
        kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        self.media_type = kind + ("; charset=utf-8" if kind.startswith("text/") or kind.endswith("javascript") else "")
        self.compressed = encoding.compressed(self.raw, smallest=0) if kind.startswith(COMPRESSIBLE) else None


def app_shell() -> _File:
    """Streamlit's index.html with the focus ring's stylesheet at the end of its head."""
    index = ROOT / "index.html"
    style = f"<style>{FOCUS_CSS.read_text(encoding='utf-8')}</style></head>".encode()
    return _File(index, index.read_bytes().replace(b"</head>", style, 1))


class StaticBundle:
    def __init__(self, app):
        self.app = app
        self._files: dict[str, _File | None] = {}
        self._lock = threading.Lock()
        self._shell = app_shell()

    def _find(self, relative: str) -> _File | None:
        with self._lock:
            if relative in self._files:
                return self._files[relative]
        path = (ROOT / relative).resolve()
        found = _File(path) if path.is_relative_to(ROOT) and path.is_file() else None
        with self._lock:
            self._files[relative] = found
        return found

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if scope["path"] in SHELL_PATHS:
            await self._send(scope, send, self._shell, b"no-cache")
            return
        if not scope["path"].startswith(PREFIX):
            await self.app(scope, receive, send)
            return
        relative = scope["path"].lstrip("/")  # "static/js/x.js", under ROOT
        found = self._files.get(relative) if relative in self._files else await run_in_threadpool(self._find, relative)
        if found is None:
            await self.app(scope, receive, send)
            return
        await self._send(scope, send, found, CACHE_CONTROL)

    @staticmethod
    async def _send(scope, send, found: _File, cache_control: bytes) -> None:
        accepts = encoding.accepts_gzip(dict(scope["headers"]).get(b"accept-encoding", b"").decode("latin-1"))
        body = found.compressed if accepts and found.compressed is not None else found.raw
        headers = [(b"content-type", found.media_type.encode()), (b"content-length", str(len(body)).encode()),
                   (b"cache-control", cache_control), (b"vary", b"Accept-Encoding")]
        if body is found.compressed:
            headers.append((b"content-encoding", b"gzip"))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
