"""`python -m givingday serve --replicas N --port P`: N Streamlit processes behind nginx.

- nginx (Debian's package) listens on P. A visitor's first answer sets a `gd_route` cookie
  (a random id); every later request, the websocket included, is routed by a consistent
  hash of that cookie, so a session stays on its replica (not by client address: a whole
  campus behind one NAT would land on one replica).
- nginx serves Streamlit's static frontend (`/static/…`, content-hashed file names) from
  disk itself, with a year-long immutable cache: a copy made at start beside its config,
  each text file also gzip-compressed once (`gzip_static`), so a crowd's first visits cost
  nginx a file send each, not a compression; only the HTML, the health check, the
  websocket and the open data reach Streamlit (the open data through nginx's cache).
- WebSocket upgrade with day-long read timeouts (a viewer's session is long-lived); a
  replica that fails is taken out for a few seconds by nginx and its viewers' browsers
  reconnect to another one.
- The launcher checks every replica's `/_stcore/health` and restarts one that died.
- Each replica admits at most `--max-sessions` viewers (GIVINGDAY_MAX_SESSIONS); past
  that, a new visitor gets a short page asking to reload in a minute.
- All replicas read the one warehouse that one ingest writes.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from givingday.api.encoding import compressed
from givingday.browser import free_port
from givingday.serve import stop_on_sigterm, streamlit_command

ROOT = Path(__file__).resolve().parents[1]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
# a replica that does not answer its health check this long is killed and restarted
HUNG_AFTER_S = float(os.environ.get("GIVINGDAY_REPLICA_HUNG_AFTER_S", 30))
CHECK_SECONDS = 2.0
HEALTHY_TIMEOUT_S = 60


def streamlit_static() -> Path:
    import streamlit

    return Path(streamlit.__file__).parent / "static"


COMPRESSED_SUFFIXES = (".js", ".css", ".json", ".svg", ".html", ".txt", ".map", ".ttf")


def precompressed_static(workdir: Path) -> Path:
    """Streamlit's static folder copied under `workdir`, with a .gz beside each text file."""
    target = workdir / "static"
    if not target.exists():
        shutil.copytree(streamlit_static(), target)
        for path in target.rglob("*"):
            if path.suffix in COMPRESSED_SUFFIXES and path.is_file():
                path.with_name(path.name + ".gz").write_bytes(compressed(path.read_bytes(), smallest=0))
    return target


def nginx_config(port: int, replica_ports: list[int], workdir: Path, listen: str = "0.0.0.0",
                 static: Path | None = None) -> str:
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=2 fail_timeout=5s;" for p in replica_ports)
    static = static or streamlit_static()
    temp = workdir / "temp"
    return f"""# written by `python -m givingday serve --replicas` (givingday/replicas.py)
worker_processes auto;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    sendfile on;
    gzip on;
    gzip_comp_level 5;
    gzip_min_length 1024;
    gzip_types text/css application/javascript text/javascript application/json image/svg+xml text/plain;
    proxy_cache_path {temp}/cache levels=1 keys_zone=givingday_api:10m max_size=200m inactive=10m use_temp_path=off;

    # a visitor's route: the cookie once set, else a fresh random id (set on the answer)
    map $cookie_gd_route $gd_route {{
        ""      $request_id;
        default $cookie_gd_route;
    }}
    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      close;
    }}
    upstream givingday {{
        hash $gd_route consistent;
{servers}
        keepalive 64;
    }}
    server {{
        listen {listen}:{port};
        add_header Set-Cookie "gd_route=$gd_route; Path=/; HttpOnly; SameSite=Lax" always;

        location /static/ {{
            alias {static}/static/;
            gzip_static on;
            add_header Cache-Control "public, max-age=31536000, immutable";
            add_header Set-Cookie "gd_route=$gd_route; Path=/; HttpOnly; SameSite=Lax" always;
        }}
        # the open data, /live and the embed cards: each answer cached here for the max-age the
        # server gives it (one request a version reaches a replica); no route cookie on them
        location ~ ^/(api/v1/|live$|embed/) {{
            proxy_pass http://givingday;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            # one cached copy an answer, gzipped once by the server: sent as it is to the
            # clients that take gzip (every browser), unzipped here for the others
            proxy_set_header Accept-Encoding "gzip";
            proxy_ignore_headers Vary;
            gunzip on;
            proxy_cache givingday_api;
            proxy_cache_key $request_method$request_uri;
            proxy_cache_lock on;
            proxy_cache_revalidate on;
            proxy_cache_background_update on;
            proxy_cache_use_stale updating error timeout;
            add_header X-Cache $upstream_cache_status;
        }}
        location /_stcore/stream {{
            proxy_pass http://givingday;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            proxy_buffering off;
        }}
        location / {{
            proxy_pass http://givingday;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_next_upstream error timeout http_502 http_503;
        }}
    }}
}}
"""


@dataclass
class Replica:
    number: int
    port: int
    env: dict
    process: subprocess.Popen | None = None
    restarts: int = 0
    unhealthy_since: float | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            streamlit_command(self.port, "--server.address", "127.0.0.1"),
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def healthy(self) -> bool:
        try:
            return urllib.request.urlopen(f"http://127.0.0.1:{self.port}/_stcore/health", timeout=2).read() == b"ok"
        except OSError:
            return False


def _wait_healthy(replicas: list[Replica]) -> None:
    deadline = time.monotonic() + HEALTHY_TIMEOUT_S
    while not all(r.healthy() for r in replicas):
        if time.monotonic() > deadline:
            raise SystemExit("givingday: the replicas did not answer their health checks within a minute")
        time.sleep(0.3)


WARM_PAGES = ("/", "/boards", "/categories", "/districts", "/funds", "/data", "/bigscreen")


def _warm(replicas: list[Replica]) -> None:
    """One visit of each public page on each replica before nginx lets the crowd in, so the
    first visitors do not all wait for one version's queries and chart specs to be built."""
    from concurrent.futures import ThreadPoolExecutor

    from givingday.loadtest import measure

    def visit(replica: Replica) -> None:
        for page in WARM_PAGES:
            measure(f"http://127.0.0.1:{replica.port}", page, "", 1, 0, 1, 0, None)

    with ThreadPoolExecutor(len(replicas)) as pool:
        list(pool.map(visit, replicas))


def serve_replicas(count: int, port: int, env: dict, workdir: Path | None = None) -> int:
    """Run until interrupted; restart a replica that dies."""
    if not Path(NGINX).exists():
        print("givingday: nginx is missing; `./dev` installs Debian's nginx package", file=sys.stderr)
        return 2
    stop_on_sigterm()
    made_workdir = workdir is None  # a folder of our own (33 MB of static copies): removed at the end
    workdir = Path(workdir or tempfile.mkdtemp(prefix="givingday-nginx-"))
    workdir.chmod(0o755)  # nginx's workers (user nobody when started by root) use its cache and static copy
    (workdir / "temp").mkdir(parents=True, exist_ok=True)
    replicas = [Replica(n, free_port(), dict(env)) for n in range(1, count + 1)]
    for replica in replicas:
        replica.start()
    config = workdir / "nginx.conf"
    config.write_text(nginx_config(port, [r.port for r in replicas], workdir, static=precompressed_static(workdir)))
    nginx = None
    try:
        _wait_healthy(replicas)
        _warm(replicas)
        nginx = subprocess.Popen([NGINX, "-c", str(config), "-g", "daemon off;"], stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        if nginx.poll() is not None:
            print(f"givingday: nginx did not start: {nginx.stderr.read()}", file=sys.stderr)
            return 2
        print(f"givingday: dashboard at http://localhost:{port} ({count} replicas on ports "
              f"{', '.join(str(r.port) for r in replicas)}; nginx config {config})", flush=True)
        return _supervise(replicas, nginx)
    except KeyboardInterrupt:
        return 0
    finally:
        for process in [nginx, *(r.process for r in replicas)]:
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in [nginx, *(r.process for r in replicas)]:
            if process is not None:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
        if made_workdir:
            shutil.rmtree(workdir, ignore_errors=True)


def _hung(replica: Replica, now: float) -> bool:
    """No answer to the health check for HUNG_AFTER_S in a row (a busy replica still answers:
    the check is served by its event loop, not by a page run)."""
    if replica.healthy():
        replica.unhealthy_since = None
        return False
    replica.unhealthy_since = replica.unhealthy_since or now
    return now - replica.unhealthy_since >= HUNG_AFTER_S


def _supervise(replicas: list[Replica], nginx: subprocess.Popen) -> int:
    while True:
        if nginx.poll() is not None:
            print("givingday: nginx stopped", file=sys.stderr)
            return 1
        for replica in replicas:
            now = time.monotonic()
            if replica.process.poll() is None and _hung(replica, now):
                print(f"givingday: replica {replica.number} has not answered its health check for "
                      f"{HUNG_AFTER_S:g} s; killing it", file=sys.stderr, flush=True)
                replica.process.kill()
                replica.process.wait()
            if replica.process.poll() is not None:  # died: start it again on the same port
                replica.restarts += 1
                replica.unhealthy_since = None
                print(f"givingday: replica {replica.number} exited ({replica.process.returncode}); "
                      f"restarting it (restart {replica.restarts})", file=sys.stderr, flush=True)
                replica.start()
        time.sleep(CHECK_SECONDS)


