"""The staff state folder ($GIVINGDAY_STAFF_STATE, default data/staff) and its small JSON
documents, safe for the threads of one server and for several servers on one host."""

from __future__ import annotations

import copy
import fcntl
import functools
import json
import os
import time
from contextlib import contextmanager
from pathlib import Path


def state_dir() -> Path:
    return _made(os.environ.get("GIVINGDAY_STAFF_STATE") or "data/staff")


@functools.cache
def _made(folder: str) -> Path:
    path = Path(folder)
    path.mkdir(parents=True, exist_ok=True)
    return path


class StateFile:
    """A small JSON document in the staff state folder, shared by the threads of one server and
    by several server processes on one host: readers see whole files (written aside, then
    renamed), and read-modify-write updates are serialised by an exclusive lock (flock)."""

    FRESH_S = 0.25  # another process's write is seen within this long
    _parsed: dict[Path, tuple[float, tuple, dict]] = {}  # path -> (checked at, inode/mtime/size, document)

    def __init__(self, name: str):
        self.path = state_dir() / name

    def read(self) -> dict:
        """The document (a copy). Screens read the director's orders every second, so the
        file is looked at no more than 4 times a second and parsed only when it changed."""
        now = time.monotonic()
        known = self._parsed.get(self.path)
        if known is not None and now - known[0] < self.FRESH_S:
            return copy.deepcopy(known[2])
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._parsed.pop(self.path, None)
            return {}
        stamp = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        document = known[2] if known is not None and known[1] == stamp else \
            json.loads(self.path.read_text(encoding="utf-8"))
        self._parsed[self.path] = (now, stamp, document)
        return copy.deepcopy(document)

    @contextmanager
    def update(self):
        with open(self.path.with_suffix(".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            self._parsed.pop(self.path, None)  # under the lock: the file as it is now
            document = self.read()
            try:
                yield document
            finally:  # what was changed before an error is kept (e.g. alerts already delivered)
                temporary = self.path.with_suffix(".tmp")
                temporary.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
                os.replace(temporary, self.path)
                self._parsed.pop(self.path, None)
