"""Compressed once, sent as the client asks: the one gzip setting of everything the server
(and nginx's `gzip_static`) sends compressed, and the one reading of `Accept-Encoding`."""

from __future__ import annotations

import gzip

SMALLEST = 500  # bytes; as Streamlit's own middleware: a smaller body gains nothing


def compressed(body: bytes, smallest: int = SMALLEST) -> bytes | None:
    """`body` gzipped (level 6, no timestamp: the same bytes every time), or None when it is
    smaller than `smallest` bytes."""
    return gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= smallest else None


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether a client with this `Accept-Encoding` takes a gzip body (a q of 0 refuses it)."""
    for part in accept_encoding.split(","):
        coding, _, weight = part.partition(";")
        if coding.strip().lower() in ("gzip", "*"):
            quality = weight.strip().removeprefix("q=")
            try:
                return float(quality) > 0 if quality else True
            except ValueError:
                return False
    return False
