"""Where a warehouse lives: a local folder, or S3-compatible object storage (Tencent COS,
MinIO, AWS) named `s3://bucket/prefix`.

This module alone knows the difference: the path type (pathlib locally, `UPath` over s3fs
remotely), the S3 settings, how DuckDB, delta-rs and pyarrow reach the files, atomic
writes, removal, and the single-writer lock.

S3 settings come from the standard variables (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`,
`AWS_SECRET_ACCESS_KEY`, `AWS_REGION`), else from the `[warehouse]` table of
`.streamlit/secrets.toml` (the same names in lower case). They are never logged.

The lock: locally an exclusive `flock` on `.lock`; on S3 a `.lock` object created with a
conditional put (`If-None-Match: *`), so of two ingests racing for it exactly one wins. The
holder refreshes it every pass; a lock not refreshed for LOCK_TTL_S (its holder was killed)
may be taken over, and at once when its holder ran on this machine, in this boot, and is gone.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import functools
import json
import os
import shutil
import socket
import threading
import tomllib
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path

S3_SCHEME = "s3://"
S3_VARIABLES = ("AWS_ENDPOINT_URL", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION")
ENV_SECRETS = "GIVINGDAY_SECRETS"
ENV_STATE_DIR = "GIVINGDAY_STATE_DIR"
LOCK_TTL_S = 600
# botocore's "standard" retries (3 attempts, backoff of at most 1 + 2 s) and a 3-s connect
# timeout. Its legacy default makes 5 attempts with up to 15 s of backoff, so a read of an
# endpoint that is down blocked a screen's run for 6-15 s, and a screen came back that much
# after the endpoint did. The screens keep their last frame and try again the next second.
S3_CLIENT_CONFIG = {"retries": {"max_attempts": 3, "mode": "standard"}, "connect_timeout": 3}


class Locked(Exception):
    """Another writer holds the lock; the message says who."""


def is_remote(location) -> bool:
    return str(location).startswith(S3_SCHEME)


def s3_settings() -> dict[str, str]:
    """AWS_* settings: the environment first, then [warehouse] in the secrets file."""
    settings = {}
    secrets_file = Path(os.environ.get(ENV_SECRETS) or ".streamlit/secrets.toml")
    try:
        table = tomllib.loads(secrets_file.read_text()).get("warehouse", {})
    except (OSError, tomllib.TOMLDecodeError):
        table = {}
    for name in S3_VARIABLES:
        value = os.environ.get(name) or table.get(name.lower())
        if value:
            settings[name] = str(value)
    return settings


def _s3fs_options() -> dict:
    settings = s3_settings()
    options: dict = {"key": settings.get("AWS_ACCESS_KEY_ID"), "secret": settings.get("AWS_SECRET_ACCESS_KEY"),
                     "endpoint_url": settings.get("AWS_ENDPOINT_URL"),
                     "use_listings_cache": False,  # delta-rs writes beside us: never trust a cached listing
                     "config_kwargs": S3_CLIENT_CONFIG}
    if settings.get("AWS_REGION"):
        options["client_kwargs"] = {"region_name": settings["AWS_REGION"]}
    return {k: v for k, v in options.items() if v is not None}


def s3_filesystem():
    """One s3fs filesystem per process and settings: fsspec keeps one instance per set of
    arguments, so the connection pool is shared, and changed settings reach a new one."""
    return _data_file_aware_s3fs()(**_s3fs_options())


def is_data_file(path: str) -> bool:
    """A Delta data file: its name is never reused (Delta names every file it writes
    uniquely; a rewrite writes new files), so its size and ETag never change. Not a Delta
    log file, and not a schema file (rewritten in place)."""
    return path.endswith(".parquet") and "/tables/" in path and "/_delta_log/" not in path


_DETAILS_KEPT = 200_000  # files whose details are kept, a few hundred bytes each; the oldest go first


@functools.cache
def _data_file_aware_s3fs():
    """s3fs, remembering each data file's details once read. DuckDB opens every file of a
    table for each read, and s3fs sends a HEAD for each open and another for its modified
    time: a 10-gift ingest pass over moto sent 477 HEADs for data files it had read before
    (of about 1,000 requests, 8 s). The listing cache stays off (`use_listings_cache`):
    delta-rs writes beside us, so a listing may be stale; a data file's details may not."""
    import s3fs

    class DataFileAwareS3FileSystem(s3fs.S3FileSystem):
        _known: OrderedDict[str, dict] = OrderedDict()  # one per process, shared by the instances
        _known_lock = threading.Lock()

        async def _info(self, path, *args, **kwargs):
            name = self._strip_protocol(path)
            if not is_data_file(name):
                return await super()._info(path, *args, **kwargs)
            with self._known_lock:
                if name in self._known:
                    return dict(self._known[name])
            details = await super()._info(path, *args, **kwargs)
            if details.get("type") == "file":
                with self._known_lock:
                    self._known[name] = dict(details)
                    while len(self._known) > _DETAILS_KEPT:
                        self._known.popitem(last=False)
            return details

    return DataFileAwareS3FileSystem


def location(raw) -> Path:
    """A warehouse root: a pathlib.Path, or a UPath for s3://bucket/prefix."""
    if is_remote(raw):
        from upath import UPath

        return UPath(str(raw).rstrip("/"), **_s3fs_options())
    return Path(raw)


def delta_uri(path) -> str:
    return str(path)


def delta_options(path) -> dict[str, str] | None:
    """delta-rs storage options: the S3 settings, plain HTTP for a local endpoint, and
    rename without a lock service (the warehouse's own lock makes the ingest the only writer)."""
    if not is_remote(path):
        return None
    options = dict(s3_settings())
    if options.get("AWS_ENDPOINT_URL", "").startswith("http://"):
        options["AWS_ALLOW_HTTP"] = "true"
    options["AWS_S3_ALLOW_UNSAFE_RENAME"] = "true"
    return options


def file_location(uri: str) -> str:
    """A data file as Delta names it, as DuckDB and the manifests name it."""
    return uri.removeprefix("file://")


def relative_to(uri: str, root) -> str:
    """A data file's path inside the warehouse root."""
    location = file_location(uri)
    if is_remote(root):
        return location.removeprefix(str(root).rstrip("/") + "/")
    for prefix in _root_prefixes(str(root), os.getcwd()):  # a pass asks this for every file it keeps
        if location.startswith(prefix):
            return os.path.normpath(location[len(prefix):])
    return str(Path(location).resolve().relative_to(Path(root).resolve()))


@functools.lru_cache(maxsize=32)
def _root_prefixes(root: str, cwd: str) -> tuple[str, ...]:
    """A local root as a data file's name may begin: as given (made absolute) and resolved."""
    forms = (os.path.normpath(os.path.join(cwd, root)), str(Path(cwd, root).resolve()))
    return tuple(dict.fromkeys(form.rstrip("/") + "/" for form in forms))


def register_with(connection, root) -> None:
    """Let a DuckDB connection read the warehouse's files (s3:// through fsspec)."""
    if is_remote(root):
        connection.register_filesystem(s3_filesystem())


def read_text(path) -> str:
    """A file's text in one read. On S3, one GET: s3fs's open() sends a HEAD, then a GET
    that holds it to the HEAD's ETag, so a file replaced in between (CURRENT, a pointer
    rewritten every pass) failed with FileExpired instead of giving the new text."""
    if is_remote(path):
        return s3_filesystem().cat_file(str(path), max_concurrency=1).decode()
    return Path(path).read_text()


def atomic_write_text(path, text: str) -> None:
    """Readers see the old content or the new, never a part (an S3 PUT is atomic)."""
    if is_remote(path):
        path.write_text(text)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(temporary, "w") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)


def remove_tree(path) -> None:
    if is_remote(path):
        if path.exists():
            s3_filesystem().rm(str(path), recursive=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def local_state_dir(root) -> Path:
    """The ingest's local state (the donor register, DuckDB's spill): beside the data for a
    local warehouse; for an S3 one under $GIVINGDAY_STATE_DIR or ~/.cache/givingday."""
    if not is_remote(root):
        return Path(root) / "state"
    base = Path(os.environ.get(ENV_STATE_DIR) or Path.home() / ".cache" / "givingday")
    return base / str(root).removeprefix(S3_SCHEME).replace("/", "__")


@contextmanager
def write_lock(root):
    """Exclusive and non-blocking; yields a function the holder calls to refresh the lock."""
    if is_remote(root):
        with _object_lock(root) as refresh:
            yield refresh
        return
    lock_path = Path(root) / ".lock"
    handle = open(lock_path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise Locked(f"pid {holder}") from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    try:
        yield lambda: None
    finally:
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def _s3_client():
    import boto3

    settings = s3_settings()
    return boto3.client("s3", endpoint_url=settings.get("AWS_ENDPOINT_URL"),
                        aws_access_key_id=settings.get("AWS_ACCESS_KEY_ID"),
                        aws_secret_access_key=settings.get("AWS_SECRET_ACCESS_KEY"),
                        region_name=settings.get("AWS_REGION"))


@contextmanager
def _object_lock(root):
    from botocore.exceptions import ClientError

    bucket, _, prefix = str(root).removeprefix(S3_SCHEME).partition("/")
    key = f"{prefix}/.lock" if prefix else ".lock"
    client = _s3_client()
    me = {"pid": os.getpid(), "host": socket.gethostname(), "boot": _boot_id()}

    def body() -> bytes:
        return json.dumps({**me, "heartbeat": dt.datetime.now(dt.UTC).isoformat()}).encode()

    def create() -> str:
        return client.put_object(Bucket=bucket, Key=key, Body=body(), IfNoneMatch="*")["ETag"]

    try:
        etag = create()
    except ClientError as exc:
        if exc.response["Error"]["Code"] not in ("PreconditionFailed", "ConditionalRequestConflict"):
            raise
        held = client.get_object(Bucket=bucket, Key=key)
        holder = json.loads(held["Body"].read() or b"{}")
        age = (dt.datetime.now(dt.UTC) - dt.datetime.fromisoformat(holder.get("heartbeat"))).total_seconds() \
            if holder.get("heartbeat") else LOCK_TTL_S
        if age < LOCK_TTL_S and not _died_here(holder):
            raise Locked(f"pid {holder.get('pid')} on {holder.get('host')}") from None
        try:  # its holder was killed (silent for LOCK_TTL_S, or gone from this very machine): take
            # over, unless someone else just did
            etag = client.put_object(Bucket=bucket, Key=key, Body=body(), IfMatch=held["ETag"])["ETag"]
        except ClientError:
            raise Locked(f"pid {holder.get('pid')} on {holder.get('host')} (taken over just now)") from None

    def refresh() -> None:
        nonlocal etag
        try:
            etag = client.put_object(Bucket=bucket, Key=key, Body=body(), IfMatch=etag)["ETag"]
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("PreconditionFailed", "ConditionalRequestConflict"):
                raise Locked("another ingest took the lock over") from None
            raise

    try:
        yield refresh
    finally:
        client.delete_object(Bucket=bucket, Key=key)


def _boot_id() -> str:
    """This machine's current boot (Linux): two machines, or one machine before and after a
    reboot, never share it, even where host names repeat (containers)."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def _died_here(holder: dict) -> bool:
    """Whether the lock's holder ran on this machine, in this boot, and has exited: then it
    was killed (it deletes the lock when it stops), and a restart need not wait LOCK_TTL_S."""
    if not holder.get("boot") or holder.get("boot") != _boot_id() or holder.get("host") != socket.gethostname():
        return False
    return isinstance(holder.get("pid"), int) and not process_exists(holder["pid"])


def process_exists(pid: int) -> bool:
    """Whether a process of this machine has that id (one of another user's counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
