"""Local copies of a remote warehouse's data files, for this process's readers.

A published file never changes: Delta names every file it writes uniquely, and a rewrite
(a rollup replaced, a compaction) writes new files. So a copy fetched once stays right for
as long as any version names it. Without copies, every query read every file it touches
from the object store again: on moto a kiosk's nine queries took 3.2 s and a reader's
views 1.8 s, every time a version was published.

One folder per process (`givingday-files-PID-…` in the temp folder), so no process removes
a file another one still reads. A process's folder goes when it exits; one left by a
process that was killed is removed by the next process that starts a cache. A copy that no
kept reader names any longer is removed when the readers change (`keep_only`), once it is
ten minutes old: a reader being opened beside it may name a copy just fetched. Only this
process writes its folder, so which copies exist, and when each was fetched, is kept in
memory (`_fetched`): no folder scan on the readers' path."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path

from givingday import storage

PREFIX = "givingday-files-"
KEEP_NEW_S = 600
INCOMING = ".incoming"
_lock = threading.Lock()
_folder: Path | None = None
_fetched: dict[Path, float] = {}  # copy -> when it was fetched (time.time())


def local_paths(files: list[str]) -> list[str]:
    """The files as DuckDB should read them: a remote file as its local copy (fetched now if
    this process has none, all missing ones in one concurrent batch), a local one as it is."""
    remote = [f for f in files if storage.is_remote(f)]
    if not remote:
        return files
    folder = _cache_folder()
    copies = {f: folder / f.removeprefix(storage.S3_SCHEME) for f in remote}
    with _lock:
        missing = [f for f, copy in copies.items() if copy not in _fetched]
    if missing:
        _fetch(missing, [copies[f] for f in missing], folder)
    return [str(copies[f]) if f in copies else f for f in files]


def keep_only(files: set[str]) -> int:
    """Remove the copies of remote files not in `files` and fetched over ten minutes ago; the
    number removed."""
    with _lock:
        folder = _folder
    if folder is None:
        return 0
    kept = {folder / f.removeprefix(storage.S3_SCHEME) for f in files if storage.is_remote(f)}
    old = time.time() - KEEP_NEW_S
    with _lock:
        going = [copy for copy, fetched in _fetched.items() if copy not in kept and fetched < old]
        for copy in going:
            del _fetched[copy]
    for copy in going:
        copy.unlink(missing_ok=True)
    return len(going)


def _fetch(remote: list[str], copies: list[Path], folder: Path) -> None:
    """Download into a private name first, then rename: a copy that exists is whole, even
    while another thread fetches the same file."""
    incoming = Path(tempfile.mkdtemp(dir=folder / INCOMING))
    try:
        parts = [incoming / str(i) for i in range(len(remote))]
        storage.s3_filesystem().get(remote, [str(p) for p in parts])
        for part, copy in zip(parts, copies, strict=True):
            copy.parent.mkdir(parents=True, exist_ok=True)
            os.replace(part, copy)
            with _lock:
                _fetched[copy] = time.time()
    finally:
        shutil.rmtree(incoming, ignore_errors=True)


def _cache_folder() -> Path:
    global _folder
    with _lock:
        if _folder is None:
            _remove_folders_of_dead_processes()
            _folder = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-"))
            (_folder / INCOMING).mkdir()
            atexit.register(shutil.rmtree, _folder, True)
        return _folder


def _remove_folders_of_dead_processes() -> None:
    for folder in Path(tempfile.gettempdir()).glob(f"{PREFIX}*"):
        pid = folder.name.removeprefix(PREFIX).split("-", 1)[0]
        if pid.isdigit() and not storage.process_exists(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
