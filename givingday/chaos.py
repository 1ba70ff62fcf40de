"""`python -m givingday chaos [--minutes 20] [--s3]`: the live loop under faults, with viewers on.

Runs the simulator's live replay of the 72 hours compressed into `--minutes`, `ingest
--watch` with a short retention window, `serve --replicas 2` behind nginx, a crowd from the
load driver (`--viewers`), and a kiosk and an overview in Debian's chromium that record
everything they show (`givingday.screens`). Meanwhile:

- one replica is SIGKILLed every `--kill-replica-every` seconds (the launcher restarts it;
  its viewers reconnect through nginx);
- the ingest is SIGKILLed every `--kill-ingest-every` seconds and started again;
- with `--s3` the warehouse lives on a local S3 endpoint (moto) that every process reaches
  through a relay, and the endpoint is stopped for `--outage-seconds` `--outages` times.

When the data has stopped and the last files are in, it checks, and prints (and with `--docs`
writes into docs/benchmarks.md):

- nothing lost: the final figures equal those of a from-scratch ingest of the same inbox;
- no error element on either screen, and no figure shown under another version's number;
- no total on a screen that falls without a correction note;
- publish-to-screen on each screen, from the moment each version is first seen published
  (looked for twice a second) to the first moment the screen showed it or a newer one: p95 and max
  (targets ≤ 10 s and ≤ 20 s).

Everything the screens recorded goes into `chaos.json` in the work folder (kept with
`--workdir`), and a screenshot of each screen at the end. Exit 0 when every check holds, 1 otherwise."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from givingday.measure import percentile, write_docs_section
from givingday.replay import DOCS, EVENT_HOURS, ROOT, givingday_command

FOLLOW_TARGET_S = 10.0  # publish-to-screen p95 (issue 18's target)
FOLLOW_MAX_S = 20.0  # and its worst case
STORE_DOWN, STORE_BACK = "S3 endpoint stopped", "S3 endpoint back"
CHECKED_QUERIES = ("totals", "projects_leaderboard", "categories", "districts", "pools")
BUCKET = "givingday-chaos"
DOCS_HEADING = "## Chaos on the live loop"


@dataclass
class Faults:
    """What was done to the system, and when (seconds from the start; and ms since the epoch,
    the clock publications are timed by)."""
    log: list[tuple[float, str]] = field(default_factory=list)
    wall_ms: list[float] = field(default_factory=list)

    def said(self, started: float, what: str) -> None:
        self.log.append((time.monotonic() - started, what))
        self.wall_ms.append(time.time() * 1000)
        print(f"  {time.monotonic() - started:7.1f} s  {what}", flush=True)

    def outages_ms(self) -> list[tuple[float, float]]:
        """(stopped, back) of each outage of the store, ms since the epoch."""
        stops = [at for at, (_, what) in zip(self.wall_ms, self.log, strict=True) if what == STORE_DOWN]
        backs = [at for at, (_, what) in zip(self.wall_ms, self.log, strict=True) if what == STORE_BACK]
        return list(zip(stops, backs, strict=False))


def after_the_store_returned(delays: dict[int, float | None], published: dict[int, float],
                             outages: list[tuple[float, float]]) -> dict[int, float]:
    """The versions published in the FOLLOW_MAX_S before an outage (or during it): seconds
    from the store's return until the screen showed them. No screen can read a version's
    files while the store is down, so a bound counted from their publication cannot hold."""
    found = {}
    for version, delay in delays.items():
        for stopped, back in outages:
            if delay is not None and stopped - FOLLOW_MAX_S * 1000 <= published[version] <= back:
                found[version] = max(0.0, delay - (back - published[version]) / 1000)
    return found


class Ingest:
    """`ingest --watch`, which can be killed and started again."""

    def __init__(self, inbox: Path, warehouse: str, retention: float, env: dict):
        self.command = givingday_command("ingest", "--inbox", str(inbox), "--warehouse", warehouse, "--watch",
                               "--interval", "2", "--retention-minutes", str(retention))
        self.env = env
        self.process = self._start()

    def _start(self) -> subprocess.Popen:
        return subprocess.Popen(self.command, cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    def kill_and_restart(self) -> None:
        self.process.kill()
        self.process.wait()
        self.process = self._start()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=60)


def _replicas(serve: subprocess.Popen) -> list[psutil.Process]:
    try:
        children = psutil.Process(serve.pid).children(recursive=True)
    except psutil.Error:
        return []
    return [p for p in children if "streamlit" in " ".join(_cmdline(p))]


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def _wait(check, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise SystemExit(f"givingday chaos: {what} did not happen within {seconds:g} s")
        time.sleep(0.3)


@contextlib.contextmanager
def _store(s3: bool, root: Path):
    """The warehouse's location and the environment every process gets (and the relay, or None)."""
    env = {**os.environ, "GIVINGDAY_STATE_DIR": str(root / "state")}
    if not s3:
        yield str(root / "warehouse"), env, None
        return
    from givingday.local_s3 import local_s3
    from givingday.outage import endpoint_relay

    with local_s3(BUCKET) as store, endpoint_relay(store.host, store.port) as relay:
        yield f"s3://{BUCKET}/warehouse", {**env, **store.env(relay.url)}, relay


def chaos(minutes: float, scale: float, retention: float, viewers: int, kill_replica_every: float,
          kill_ingest_every: float, s3: bool, outages: int, outage_seconds: float, docs: bool,
          workdir: Path | None) -> int:
    from playwright.sync_api import sync_playwright

    from givingday.browser import CHROMIUM, CHROMIUM_ARGS, free_port, wait_healthy
    from givingday.screens import open_screens, raised_in_history, turn

    root = Path(workdir or tempfile.mkdtemp(prefix="givingday-chaos-"))
    for folder in ("inbox", "warehouse", "scratch", "state"):
        shutil.rmtree(root / folder, ignore_errors=True)
    inbox = root / "inbox"
    speed = EVENT_HOURS * 3600 / (minutes * 60)
    faults = Faults()
    with _store(s3, root) as (warehouse, env, relay):
        os.environ.update({k: v for k, v in env.items() if k.startswith(("AWS_", "GIVINGDAY_STATE"))})
        from givingday.warehouse import Warehouse

        simulator = subprocess.Popen(givingday_command("simulate", "--inbox", str(inbox), "--scale", str(scale), "--live",
                                             "--speed", f"{speed:.3f}"), cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        ingest = Ingest(inbox, warehouse, retention, env)
        port = free_port()
        serve = driver = None
        crowd: dict = {}
        try:
            _wait(lambda: Warehouse(warehouse).current_version() is not None, 300, "a first version")
            serve = subprocess.Popen(givingday_command("serve", "--replicas", "2", "--port", str(port), "--warehouse", warehouse),
                                     cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
            url = f"http://127.0.0.1:{port}"
            if not wait_healthy(url, 180, serve):
                raise SystemExit("givingday chaos: the replicas behind nginx did not answer within 180 s")
            print(f"chaos: the 72 hours at scale {scale:g} in {minutes:g} min ({speed:.0f}x), retention "
                  f"{retention:g} min, 2 replicas behind nginx at {url}, {viewers} viewers, warehouse {warehouse}",
                  flush=True)
            # the crowd in its own process: in a thread here it shared the interpreter with
            # chromium's driver, and a 20-minute run lost every session to 60-s timeouts
            driver = subprocess.Popen(givingday_command(
                "loadtest", "--url", url, "--page", "/", "--sessions", str(viewers), "--duration",
                str(minutes * 60), "--every", "10", "--ramp", "10", "--server-pid", str(serve.pid),
                "--format", "json"), cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                pages = open_screens(browser, url)
                started = time.monotonic()
                schedule = _schedule(minutes * 60, kill_replica_every, kill_ingest_every,
                                     outages if s3 else 0, outage_seconds)
                killed, publications = 0, Publications(warehouse)
                publications.start()
                # until the data stops, and then until any outage under way has ended
                while simulator.poll() is None or any(what == "store up" for _, what in schedule):
                    while schedule and schedule[0][0] <= time.monotonic() - started:
                        _, what = schedule.pop(0)
                        if what == "replica":
                            replicas = _replicas(serve)
                            if replicas:
                                victim = replicas[killed % len(replicas)]
                                victim.kill()
                                killed += 1
                                faults.said(started, f"SIGKILL replica pid {victim.pid}")
                        elif what == "ingest":
                            ingest.kill_and_restart()
                            faults.said(started, "SIGKILL ingest, started again")
                        elif what == "store down":
                            relay.stop()
                            faults.said(started, STORE_DOWN)
                        elif what == "store up":
                            relay.resume()
                            faults.said(started, STORE_BACK)
                    turn(pages, 1)
                faults.said(started, "the simulator has finished; letting the last files land")
                _wait(lambda: _inbox_ingested(inbox, warehouse), 300, "the last files ingested")
                newest = Warehouse(warehouse).current_version()
                turn(pages, 2 * FOLLOW_TARGET_S)
                shown = {name: page.evaluate("window.__shown") for name, page in pages.items()}
                for name, page in pages.items():  # what each screen showed at the end, beside chaos.json
                    page.screenshot(path=str(root / f"{name}.png"))
                publications.done.set()
                published = publications.seen
                browser.close()
            out, _ = driver.communicate(timeout=minutes * 60 + 180)
            crowd.update(json.loads(out.strip().splitlines()[-1]) if out.strip() else {})
        finally:
            for child in (simulator, driver):
                if child is not None and child.poll() is None:
                    child.terminate()
            ingest.stop()
            if serve is not None and serve.poll() is None:
                os.killpg(serve.pid, signal.SIGTERM)
                serve.wait(timeout=60)
        raised = raised_in_history(warehouse)
        subprocess.run(givingday_command("ingest", "--inbox", str(inbox), "--warehouse", str(root / "scratch")), cwd=ROOT,
                       env=env, check=True, stdout=subprocess.DEVNULL)
        differing = _differing(warehouse, str(root / "scratch"))
    (root / "chaos.json").write_text(json.dumps({"published": published, "shown": shown, "raised": raised,
                                                 "faults": faults.log}, default=str))
    text, ok = _report(shown, raised, published, newest, differing, faults, crowd, minutes, scale, retention, viewers, s3, speed)
    print(text)
    if docs:
        write_docs_section(DOCS, DOCS_HEADING, text)
    if workdir is None:
        shutil.rmtree(root, ignore_errors=True)
    return 0 if ok else 1


def _schedule(seconds: float, replica_every: float, ingest_every: float, outages: int,
              outage_seconds: float) -> list[tuple[float, str]]:
    events = [(t, "replica") for t in _every(replica_every, seconds)]
    events += [(t, "ingest") for t in _every(ingest_every, seconds)]
    for number in range(1, outages + 1):
        at = seconds * number / (outages + 1)
        events += [(at, "store down"), (at + outage_seconds, "store up")]
    return sorted(events)


def _every(period: float, seconds: float) -> list[float]:
    return [period * n for n in range(1, int(seconds // period) + 1)] if period > 0 else []


def _inbox_ingested(inbox: Path, warehouse: str) -> bool:
    """Every file in the inbox is in the published version's ingested files (or quarantined)."""
    from givingday import queries
    from givingday.warehouse import Warehouse

    try:
        known = queries.reader(Warehouse(warehouse)).cursor().table("ingested_files").pl()
    except Exception:  # noqa: BLE001 - between versions, or the store is reconnecting
        return False
    names = {Path(name).name for name in known["file"].to_list()}
    return all(path.name in names for path in inbox.rglob("*.parquet"))


class Publications(threading.Thread):
    """When each new version is first seen published (ms since the epoch), looking twice a
    second in a thread of its own: a look that cannot reach the store takes seconds, and the
    fault schedule must keep its time."""

    def __init__(self, warehouse: str):
        super().__init__(daemon=True)
        self.warehouse, self.seen, self.done = warehouse, {}, threading.Event()

    def run(self) -> None:
        from givingday.warehouse import Warehouse

        while not self.done.wait(0.5):
            try:
                version = Warehouse(self.warehouse).current_version()
            except Exception:  # noqa: BLE001 - the store is out of reach: nothing can be published either
                continue
            if version is not None and version > max(self.seen, default=0):
                self.seen[version] = time.time() * 1000


def _differing(warehouse: str, scratch: str) -> list[str]:
    from givingday import queries
    from givingday.warehouse import Warehouse

    live, fresh = queries.reader(Warehouse(warehouse)), queries.reader(Warehouse(scratch))
    return [name for name in CHECKED_QUERIES if live.run(name).drop("as_of", strict=False).to_dicts()
            != fresh.run(name).drop("as_of", strict=False).to_dicts()]


def _report(shown: dict, raised: dict[int, int], published: dict[int, float], newest: int, differing: list[str],
            faults: Faults, crowd: dict, minutes: float, scale: float, retention: float, viewers: int, s3: bool,
            speed: float) -> tuple[str, bool]:
    from givingday.screens import falls_without_note, followed_within, mislabelled, with_errors

    published = {version: at for version, at in published.items() if version > min(published, default=0)}
    lines = [
        f"`python -m givingday chaos --minutes {minutes:g} --scale {scale:g}{' --s3' if s3 else ''}` "
        f"({dt.date.today().isoformat()}): the 72 hours at {speed:.0f}x, retention {retention:g} min, "
        f"`serve --replicas 2`, {viewers} viewers from the load driver, a kiosk and an overview in chromium.",
        "",
        "Faults: " + "; ".join(f"{what} at {at:.0f} s" for at, what in faults.log) + ".",
        "",
        "| screen | versions seen published | followed | p95 s | max s | error records | mislabelled | falls without a note |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    ok = not differing
    returned = []
    for name, seen in shown.items():
        delays = followed_within(seen, published)
        if late := after_the_store_returned(delays, published, faults.outages_ms()):
            worst_version = max(late, key=late.get)
            returned.append(f"{name} {late[worst_version]:.1f} s (version {worst_version})")
        followed = [s for s in delays.values() if s is not None]
        p95, worst = percentile(followed, 0.95), max(followed, default=float("nan"))
        bad = (len(with_errors(seen)), len(mislabelled(seen, raised)), len(falls_without_note(seen, raised)))
        ok = ok and not any(bad) and len(followed) == len(delays) and p95 is not None and p95 <= FOLLOW_TARGET_S \
            and worst <= FOLLOW_MAX_S \
            and seen and int(seen[-1]["version"]) == newest
        lines.append(f"| {name} | {len(delays)} | {len(followed)} | {p95 if p95 is None else round(p95, 1)} | "
                     f"{worst:.1f} | {bad[0]} | {bad[1]} | {bad[2]} |")
    lines += [
        "",
        f"- final figures ({', '.join(CHECKED_QUERIES)}) against a from-scratch ingest of the same inbox: "
        + ("equal" if not differing else f"DIFFER in {', '.join(differing)}"),
        f"- the crowd: {crowd.get('sessions_served')}/{viewers} sessions served, rerun p95 "
        f"{crowd.get('rerun_ms', {}).get('p95')} ms, errors {crowd.get('errors')} {crowd.get('error_kinds') or ''}, "
        f"disconnects {crowd.get('disconnects')}, reconnects {crowd.get('reconnects')}",
    ]
    if returned:
        lines.append(f"- versions published in the {FOLLOW_MAX_S:g} s before an outage, counted from the store's return instead "
                     "(not part of the verdict, which counts from the publication): the longest, " + "; ".join(returned))
    lines.append(f"- verdict: {'every check holds' if ok else 'A CHECK FAILED'}")
    return "\n".join(lines), ok
