"""`python -m givingday loadtest --url URL --sessions N --duration S`: a crowd of viewers.

Each simulated viewer does what a phone does on its first visit (the page's HTML, the
static JS/CSS bundle it names, the health check), then opens Streamlit's websocket
(`/_stcore/stream`, subprotocol `streamlit`) and asks for the page with a
`BackMsg.rerun_script` naming the page's url path. It re-runs the whole page every
`--every` seconds and times each run to its `script_finished`. Fragments that ask the
browser to re-run them on a timer (the "new version?" check) are re-run as a browser would.

With `--herd`, a viewer reruns only as a browser does: when its "new version?" check finds
one, that fragment's run turns into a run of the whole page. Every open page does so within
the check's interval after each publication, so the crowd arrives as a herd; those runs are
timed apart (`herd_rerun_ms`, from the check's request to the page's end). It needs
publications during the run (`ingest --watch` beside a live `simulate`, or `replay`).

Arrivals are spread over `--ramp` seconds (0: the whole crowd at once). The report has
p50/p95/p99 of full reruns, reruns/s, errors (an exception on the page, a run that did not
finish, a failed request), disconnects, first-visit time, and the server's CPU and RSS
(`--server-pid`, children included), as text or `--format json`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import random
import re
import statistics
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field

import psutil

from givingday.measure import percentile
from givingday.ui.i18n import t

RUN_TIMEOUT_S = 60
FIRST_VISITS_AT_ONCE = 256
BUSY_TITLES = {t("busy.title", language) for language in ("zh", "en")}
STATIC_ASSET = re.compile(r'(?:src|href)="(\./static/[^"]+\.(?:js|css))"')


@dataclass
class Results:
    runs_ms: list[float] = field(default_factory=list)
    first_visit_ms: list[float] = field(default_factory=list)
    first_page_ms: list[float] = field(default_factory=list)
    fragment_runs: int = 0
    herd_runs_ms: list[float] = field(default_factory=list)  # checks that found a new version: the page's run
    errors: dict[str, int] = field(default_factory=dict)
    disconnects: int = 0
    reconnects: int = 0  # connections made again after a loss
    sessions_served: int = 0
    sessions_turned_away: int = 0  # shown the "too many viewers" page (admission control)
    cpu: list[float] = field(default_factory=list)
    rss_mb: list[float] = field(default_factory=list)
    replicas: dict[int, dict[str, list[float]]] = field(default_factory=dict)  # pid -> cpu, rss_mb samples
    last_first_page_at: float | None = None  # time.monotonic() when the last arrival had its first page
    replica_sessions: dict[str, int] = field(default_factory=dict)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def _ms(values: list[float], share: float) -> float | None:
    value = percentile(values, share)
    return None if value is None else round(value, 1)


def _first_visit(base: str, page: str, query: str) -> tuple[float, str]:
    """HTML, static bundle and health check over one keep-alive connection, as a browser
    reuses its connections; returns (ms, the cookies the server set)."""
    import gzip
    import http.client

    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port or 80, timeout=30)
    cookie = ""

    def get(path: str) -> bytes:
        nonlocal cookie
        connection.request("GET", path, headers={"Accept-Encoding": "gzip", **({"Cookie": cookie} if cookie else {})})
        answer = connection.getresponse()
        body = answer.read()
        if answer.status >= 400:
            raise OSError(f"HTTP {answer.status} for {path}")
        if not cookie:
            cookie = "; ".join(c.split(";", 1)[0] for c in answer.headers.get_all("Set-Cookie") or [])
        return body

    started = time.perf_counter()
    try:
        html = get(f"{address.path.rstrip('/')}/{page}" + (f"?{query}" if query else ""))
        if html[:2] == b"\x1f\x8b":
            html = gzip.decompress(html)
        for asset in sorted(set(STATIC_ASSET.findall(html.decode("utf-8", "replace")))):
            get(urllib.parse.urljoin(f"{address.path.rstrip('/')}/", asset))
        get(f"{address.path.rstrip('/')}/_stcore/health")
    finally:
        connection.close()
    return (time.perf_counter() - started) * 1000, cookie


def _rerun(page: str, query: str, url: str, page_hash: str = "", fragment: str = "") -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    message = BackMsg()
    state = message.rerun_script
    state.query_string = query
    state.page_name = page
    state.page_script_hash = page_hash
    state.context_info.timezone = "Asia/Shanghai"
    state.context_info.locale = "zh-CN"
    state.context_info.url = url
    if fragment:
        state.fragment_id = fragment
        state.is_auto_rerun = True
    return message.SerializeToString()


async def _session(number: int, base: str, page: str, query: str, every: float, until: float,
                   results: Results, reruns: int = 0, herd: bool = False) -> None:
    """One viewer until `until`. Like Streamlit's frontend, a viewer whose connection is lost
    (a replica killed, a run that never finished) connects again and carries on; each loss
    is counted (`disconnects`, or an error of its kind)."""
    served = False
    while True:
        served = await _connection(base, page, query, every, until, results, served, reruns, herd)
        if served is None or time.monotonic() >= until:
            return
        results.reconnects += 1
        await asyncio.sleep(1.0)


async def _connection(base: str, page: str, query: str, every: float, until: float, results: Results,
                      served: bool, reruns: int = 0, herd: bool = False) -> bool | None:
    """One connection of a viewer: whether it has been served its first page by the time the
    connection ended, or None when the viewer leaves (turned away, or done). With `reruns`,
    a served viewer stays past `until` until it has timed that many full reruns: a fixed
    amount of work, however long a loaded machine takes to serve the first page."""
    import websockets
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    url = f"{base}/{page}" + (f"?{query}" if query else "")
    try:
        visit_ms, cookie = await asyncio.to_thread(_first_visit, base, page, query)
    except OSError as exc:
        results.error(f"first visit: {type(exc).__name__}")
        return served
    if not served:
        results.first_visit_ms.append(visit_ms)
    stream = base.replace("http", "ws", 1) + "/_stcore/stream"
    headers = {"Origin": base, **({"Cookie": cookie} if cookie else {})}
    try:
        async with websockets.connect(stream, subprotocols=["streamlit"], additional_headers=headers,
                                      max_size=None, open_timeout=30, ping_interval=None) as socket:
            route = next((c for c in cookie.split("; ") if c.startswith("gd_route=")), "")
            if route and not served:
                results.replica_sessions[route] = results.replica_sessions.get(route, 0) + 1
            page_hash, fragments, first, timed = "", {}, True, 0
            while first or time.monotonic() < max(until, float("inf") if timed < reruns else 0):
                started = time.perf_counter()
                await socket.send(_rerun(page, query, url, page_hash))
                outcome = await _until_finished(socket, ForwardMsg, fragments)
                elapsed = (time.perf_counter() - started) * 1000
                page_hash = outcome["page_hash"] or page_hash
                if outcome["error"]:
                    results.error(outcome["error"])
                elif outcome["busy"]:
                    results.sessions_turned_away += 1
                    return None  # a turned-away viewer reads the page and leaves
                elif first and not served:
                    results.first_page_ms.append(elapsed)
                    results.sessions_served += 1
                    results.last_first_page_at = time.monotonic()
                    served = True
                else:
                    results.runs_ms.append(elapsed)
                    timed += 1
                first = False
                next_run = until if herd else time.monotonic() + every  # a herd: only the checks rerun it
                stop = until if timed >= reruns else next_run
                while time.monotonic() < min(next_run, stop):  # meanwhile, timed fragment reruns
                    due = min([next_run, stop, *(f["next"] for f in fragments.values())])
                    await asyncio.sleep(max(0.0, due - time.monotonic()))
                    for fragment_id, fragment in list(fragments.items()):  # a run may add one
                        if fragment["next"] <= time.monotonic() < stop:
                            fragment["next"] = time.monotonic() + fragment["interval"]
                            checked = time.perf_counter()
                            await socket.send(_rerun(page, query, url, page_hash, fragment_id))
                            done = await _until_finished(socket, ForwardMsg, fragments)
                            if done["error"]:
                                results.error(done["error"])
                            elif done["whole_page"]:
                                results.herd_runs_ms.append((time.perf_counter() - checked) * 1000)
                            results.fragment_runs += 1
            return None
    except (TimeoutError, OSError, websockets.exceptions.WebSocketException) as exc:
        if isinstance(exc, websockets.exceptions.ConnectionClosed):
            results.disconnects += 1
        else:
            results.error(f"websocket: {type(exc).__name__}")
        return served


async def _until_finished(socket, forward_msg, fragments: dict) -> dict:
    """Read ForwardMsgs until the run finishes; note errors and timed fragments."""
    outcome = {"error": None, "page_hash": None, "busy": False, "whole_page": False}
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while True:
        raw = await asyncio.wait_for(socket.recv(), timeout=max(0.1, deadline - time.monotonic()))
        message = forward_msg()
        message.ParseFromString(raw)
        kind = message.WhichOneof("type")
        if kind == "new_session":
            outcome["page_hash"] = message.new_session.page_script_hash
        elif kind == "page_info_changed" or kind == "navigation":
            outcome["page_hash"] = getattr(getattr(message, kind), "page_script_hash", "") or outcome["page_hash"]
        elif kind == "auto_rerun":
            fragments[message.auto_rerun.fragment_id] = {
                "interval": message.auto_rerun.interval, "next": time.monotonic() + message.auto_rerun.interval}
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            element = message.delta.new_element
            if element.WhichOneof("type") == "exception":
                outcome["error"] = "exception on the page"
            elif element.WhichOneof("type") == "heading" and element.heading.body in BUSY_TITLES:
                outcome["busy"] = True
        elif kind == "page_not_found":
            outcome["error"] = "page not found"
        elif kind == "script_finished":
            if message.script_finished == forward_msg.FINISHED_WITH_COMPILE_ERROR:
                outcome["error"] = "script error"
            if message.script_finished != forward_msg.FINISHED_EARLY_FOR_RERUN:
                return outcome
            outcome["whole_page"] = True  # the run asked for a run of the whole page (st.rerun)


def _is_replica(process: psutil.Process) -> bool:
    try:
        return any("streamlit" in part for part in process.cmdline()[:3])
    except psutil.Error:
        return False


async def _watch_server(pid: int | None, until: float, results: Results) -> None:
    """Once a second: CPU and RSS of the server and its children, and of each Streamlit
    process on its own (so a run through `serve --replicas` shows how the load spread)."""
    if not pid:
        return
    try:
        server = psutil.Process(pid)
        processes: dict[int, psutil.Process] = {}
        while time.monotonic() < until:
            for process in [server, *server.children(recursive=True)]:
                if process.pid not in processes:
                    process.cpu_percent(None)
                    processes[process.pid] = process
            await asyncio.sleep(1.0)
            cpu = rss = 0.0
            for process in list(processes.values()):
                try:
                    process_cpu, process_rss = process.cpu_percent(None), process.memory_info().rss / 2**20
                except psutil.Error:
                    processes.pop(process.pid, None)
                    continue
                cpu, rss = cpu + process_cpu, rss + process_rss
                if _is_replica(process):
                    samples = results.replicas.setdefault(process.pid, {"cpu": [], "rss_mb": []})
                    samples["cpu"].append(process_cpu)
                    samples["rss_mb"].append(process_rss)
            results.cpu.append(cpu)
            results.rss_mb.append(rss)
    except psutil.Error:
        return


async def _crowd(base: str, page: str, query: str, sessions: int, duration: float, every: float, ramp: float,
                 server_pid: int | None, reruns: int = 0, herd: bool = False) -> Results:
    results = Results()
    until = time.monotonic() + ramp + duration
    rng = random.Random(7)
    # first visits are plain HTTP in threads: as many at once as phones arriving (the default
    # pool of a few threads queued a crowd's first visits in the driver, not in the server)
    asyncio.get_running_loop().set_default_executor(
        concurrent.futures.ThreadPoolExecutor(max_workers=min(FIRST_VISITS_AT_ONCE, max(sessions, 1))))

    async def arrive(number: int) -> None:
        await asyncio.sleep(ramp * number / max(1, sessions) if ramp else 0.0)
        await asyncio.sleep(rng.uniform(0, min(every, 1.0)) if ramp else 0.0)
        await _session(number, base, page, query, every, until, results, reruns, herd)

    await asyncio.gather(_watch_server(server_pid, until, results), *(arrive(n) for n in range(sessions)))
    return results


def _run_on_a_loop_of_its_own(coroutine):
    """asyncio.run in a thread of its own: the caller may already be inside a running loop (a
    notebook, or Playwright's sync API earlier in the same process, which leaves its loop running)."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as thread:
        return thread.submit(asyncio.run, coroutine).result()


def measure(url: str, page: str, query: str, sessions: int, duration: float, every: float, ramp: float,
            server_pid: int | None, reruns: int = 0, herd: bool = False) -> dict:
    """Run the crowd; the figures of the report as a dict."""
    base = url.rstrip("/")
    page = page.strip("/")
    started = time.monotonic()
    results = _run_on_a_loop_of_its_own(
        _crowd(base, page, query, sessions, duration, every, ramp, server_pid, reruns, herd))
    wall = time.monotonic() - started
    summary = {
        "url": base, "page": "/" + page, "query": query, "sessions": sessions, "duration_s": duration,
        "every_s": None if herd else every, "ramp_s": ramp, "herd": herd,
        "sessions_served": results.sessions_served,
        "sessions_turned_away": results.sessions_turned_away,
        "rerun_ms": {"p50": _ms(results.runs_ms, 0.5), "p95": _ms(results.runs_ms, 0.95),
                     "p99": _ms(results.runs_ms, 0.99), "count": len(results.runs_ms)},
        "first_page_ms": {"p50": _ms(results.first_page_ms, 0.5),
                          "p95": _ms(results.first_page_ms, 0.95)},
        "first_visit_http_ms": {"p50": _ms(results.first_visit_ms, 0.5),
                                "p95": _ms(results.first_visit_ms, 0.95)},
        # from the first arrival to the last arrival's first page: how long the crowd took to be served
        "all_served_after_s": round(results.last_first_page_at - started, 1) if results.last_first_page_at else None,
        "reruns_per_s": round(len(results.runs_ms) / max(wall, 1e-9), 2),
        "fragment_runs": results.fragment_runs,
        "herd_rerun_ms": {"p50": _ms(results.herd_runs_ms, 0.5), "p95": _ms(results.herd_runs_ms, 0.95),
                          "p99": _ms(results.herd_runs_ms, 0.99), "count": len(results.herd_runs_ms)},
        "errors": sum(results.errors.values()), "error_kinds": results.errors,
        "disconnects": results.disconnects, "reconnects": results.reconnects,
        "server_cpu_percent": {"mean": round(statistics.mean(results.cpu), 1) if results.cpu else None,
                               "max": round(max(results.cpu), 1) if results.cpu else None},
        "server_cpu_seconds": round(sum(results.cpu) / 100, 2),  # one sample a second
        "server_rss_mb": {"max": round(max(results.rss_mb), 1) if results.rss_mb else None,
                          "last": round(results.rss_mb[-1], 1) if results.rss_mb else None},
        "sessions_by_affinity_cookie": len(results.replica_sessions),
        "streamlit_processes": [
            {"pid": pid, "cpu_percent_mean": round(statistics.mean(samples["cpu"]), 1),
             "rss_mb_max": round(max(samples["rss_mb"]), 1), "rss_mb_first": round(samples["rss_mb"][0], 1),
             "rss_mb_last": round(samples["rss_mb"][-1], 1)}
            for pid, samples in sorted(results.replicas.items()) if samples["cpu"]],
    }
    return summary


def loadtest(url: str, page: str, query: str, sessions: int, duration: float, every: float, ramp: float,
             server_pid: int | None, output: str, reruns: int = 0, herd: bool = False) -> int:
    summary = measure(url, page, query, sessions, duration, every, ramp, server_pid, reruns, herd)
    if output == "json":
        print(json.dumps(summary))
    else:
        run, first = summary["rerun_ms"], summary["first_page_ms"]
        cadence = "a rerun after each new version (herd)" if herd else f"a rerun every {every:g} s"
        print(f"loadtest {summary['page']}{'?' + query if query else ''}: {sessions} sessions for {duration:g} s, "
              f"{cadence}, arrivals over {ramp:g} s")
        print(f"  reruns: {run['count']} ({summary['reruns_per_s']}/s)  p50 {run['p50']} ms  p95 {run['p95']} ms  "
              f"p99 {run['p99']} ms")
        herd_run = summary["herd_rerun_ms"]
        print(f"  reruns on a new version (the page's check, then the page): {herd_run['count']}  p50 "
              f"{herd_run['p50']} ms  p95 {herd_run['p95']} ms  p99 {herd_run['p99']} ms")
        print(f"  first page: p50 {first['p50']} ms  p95 {first['p95']} ms; first visit over HTTP (HTML, bundle, "
              f"health): p50 {summary['first_visit_http_ms']['p50']} ms; every arrival served {summary['all_served_after_s']} s "
              "after the first arrived")
        print(f"  sessions served {summary['sessions_served']}/{sessions} (turned away: "
              f"{summary['sessions_turned_away']}, by {summary['sessions_by_affinity_cookie']} route cookies); "
              f"errors {summary['errors']} "
              f"{summary['error_kinds'] or ''}; disconnects {summary['disconnects']}, reconnects "
              f"{summary['reconnects']}; fragment reruns "
              f"{summary['fragment_runs']}")
        if server_pid:
            print(f"  server CPU mean {summary['server_cpu_percent']['mean']}% (max "
                  f"{summary['server_cpu_percent']['max']}%), RSS max {summary['server_rss_mb']['max']} MB")
            for process in summary["streamlit_processes"]:
                print(f"    streamlit pid {process['pid']}: CPU mean {process['cpu_percent_mean']}%, RSS "
                      f"{process['rss_mb_first']} -> {process['rss_mb_last']} MB (max {process['rss_mb_max']} MB)")
    return 0 if summary["errors"] == 0 else 1
