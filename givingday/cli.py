"""The `givingday` command line: simulate | ingest | query | alerts | flags | serve | bench | profile | replay | loadtest | soak.

Exit codes: 0 done (quarantined input included); 2 could not do the job (bad arguments,
invalid event folder, warehouse not writable, unknown query or parameter); 3 the
warehouse is locked by another ingest; 4 no published data yet.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

EXIT_FAILED, EXIT_LOCKED, EXIT_NO_DATA = 2, 3, 4
ENV_INBOX = "GIVINGDAY_INBOX"
DEFAULT_INBOX = Path("data/inbox")


def _inbox(path: str | None) -> Path:
    return Path(path or os.environ.get(ENV_INBOX) or DEFAULT_INBOX)


def fail(message: str, code: int = EXIT_FAILED) -> int:
    print(f"givingday: {message}", file=sys.stderr)
    return code


# ---------------------------------------------------------------------------------------


def cmd_simulate(args) -> int:
    from givingday.event import load_event
    from givingday.simulate import simulate

    event = load_event(args.event)
    live_from = dt.datetime.fromisoformat(args.live_from) if args.live_from else None
    if live_from and live_from.tzinfo is None:
        live_from = live_from.replace(tzinfo=event.tz)
    started = time.monotonic()
    totals = simulate(event, _inbox(args.inbox), scale=args.scale, seed=args.seed, live=args.live,
                      speed=args.speed, live_from=live_from, anomalies=args.inject_anomalies)
    totals["seconds"] = round(time.monotonic() - started, 1)
    print(json.dumps(totals))
    return 0


def cmd_ingest(args) -> int:
    from givingday.event import load_event
    from givingday.ingest import Ingest, write_report
    from givingday.retention import retention_minutes
    from givingday.warehouse import Warehouse, WarehouseLocked

    event = load_event(args.event)
    try:
        keep = retention_minutes(args.retention_minutes)
    except ValueError as exc:
        return fail(str(exc))
    ingest = Ingest(event, _inbox(args.inbox), Warehouse(args.warehouse), keep)

    def tell(report: dict) -> None:
        write_report(report, args.report)
        if report["published"] or _put_off(report) or not args.watch:  # a watcher stays quiet while idle
            print(_summary(report), file=sys.stderr if args.watch else sys.stdout, flush=True)

    try:
        if args.watch:
            ingest.watch(args.interval, tell, lambda exc: print(
                f"givingday ingest: a pass failed, trying again in {args.interval:g} s: {exc}", file=sys.stderr,
                flush=True))
        else:
            tell(ingest.run_once())
        return 0
    except WarehouseLocked as exc:
        return fail(str(exc), EXIT_LOCKED)
    except KeyboardInterrupt:
        return 0


def _put_off(report: dict) -> str | None:
    """Why the pass reclaimed nothing (the store out of reach), or None."""
    return (report.get("reclaimed") or {}).get("put_off")


def _summary(report: dict) -> str:
    rows = report["rows"]
    published = ", ".join(f"{t} +{c['published']}" for t, c in rows.items() if c["published"])
    quarantined = sum(c["quarantined"] for c in rows.values())
    files = report["files"]
    put_off = f"; reclaiming old versions put off: {_put_off(report)}" if _put_off(report) else ""
    if not report["published"]:
        return f"no new input (version {report['version']}, {files['seen']} files already ingested){put_off}"
    return (f"published version {report['version']} as of {report['as_of']}: {published or 'no rows'}; "
            f"{quarantined} rows and {files['quarantined'] + files['conflicts']} files quarantined{put_off}")


def cmd_query(args) -> int:
    from givingday import output
    from givingday.queries import NoData, QueryError, named_query, reader

    params = {}
    for item in args.param:
        if "=" not in item:
            return fail(f"--param {item!r} is not KEY=VALUE")
        key, value = item.split("=", 1)
        params[key] = value
    try:
        query = named_query(args.name)
        query.bind(params)
        frame = reader(args.warehouse).run(args.name, params)
    except NoData as exc:
        return fail(str(exc), EXIT_NO_DATA)
    except QueryError as exc:
        return fail(str(exc))
    sys.stdout.write(output.render(frame, args.format))
    return 0


def cmd_event(args) -> int:
    """`event check DIR`: every problem of an event folder on its own line; exit 2 if any."""
    from givingday.event_schema import problems

    found = problems(Path(args.folder))
    for problem in found:
        print(problem, file=sys.stderr)
    if found:
        print(f"{args.folder}: {len(found)} problem(s)", file=sys.stderr)
        return 2
    print(f"{args.folder}: a good event folder")
    return 0


def cmd_users(args) -> int:
    import getpass

    from givingday import staff

    if args.action == "list":
        for name, account in sorted(staff.users().items()):
            print(f"{name}\t{account.get('role', '')}\t{account.get('email', '')}")
        return 0
    if not args.name:
        return fail("a user name is needed")
    if args.action == "remove":
        return 0 if staff.remove_user(args.name) else fail(f"no user {args.name!r}")
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("password: ")
    try:
        staff.add_user(args.name, password, args.role, args.email or "")
    except ValueError as exc:
        return fail(str(exc))
    print(f"added {args.name} ({args.role}) to {staff.secrets_path()}")
    return 0


def cmd_alerts(args) -> int:
    from givingday.event import load_event
    from givingday.loops import stop_on_signal

    event = load_event(args.event)
    if not args.every:
        return _alerts_once(args, event)
    try:  # a delivery loop; SIGINT/SIGTERM stop it between rounds
        with stop_on_signal() as stop:
            while not stop.is_set():
                if (code := _alerts_once(args, event, quiet=True)) != 0:
                    return code
                stop.wait(args.every)
        return 0
    except KeyboardInterrupt:
        return 0


def _alerts_once(args, event, quiet: bool = False) -> int:
    from givingday import staff
    from givingday.alerts import alerts, with_state
    from givingday.queries import NoData, QueryError, reader

    try:
        found = with_state(alerts(reader(args.warehouse), event), staff.acknowledgements())
    except NoData as exc:
        return 0 if quiet else fail(str(exc), EXIT_NO_DATA)  # a loop waits for the first version
    except QueryError as exc:
        return fail(str(exc))
    if args.deliver and (code := _deliver(found, event)):
        return code
    if quiet:
        return 0
    if args.format == "json":
        print(json.dumps(found, ensure_ascii=False, default=str))
    else:
        for alert in found:
            subject = alert["pool_id"] or alert["project_id"] or ""
            print(f"{alert['severity']:<8} {alert['rule']:<17} {subject:<8} {alert['first_seen']} "
                  f"{alert['state']:<12} {alert['figures']}")
    return 0


def _deliver(found: list[dict], event) -> int:
    """Post new alerts to the configured webhook, each once (the state file is locked)."""
    from givingday import staff
    from givingday.alert_delivery import deliver

    config = staff.staff_config()
    if not config.get("webhook_url"):
        return fail("no webhook_url in the [staff] table of the secrets file")
    try:
        with staff.StateFile("delivered.json").update() as delivered:
            sent = deliver(found, event, config["webhook_url"], delivered,
                           wecom=config.get("webhook_format", "wecom") == "wecom")
    except OSError as exc:  # the webhook is down: say so, try again next time
        print(f"givingday: webhook delivery failed: {exc}", file=sys.stderr, flush=True)
        return 0
    if sent:
        print(f"delivered {len(sent)} alert(s)", file=sys.stderr, flush=True)
    return 0


def cmd_flags(args) -> int:
    from givingday.event import load_event
    from givingday.integrity import flags
    from givingday.queries import NoData, QueryError, reader

    if args.watch:  # the one worker that scans each new version for every server
        from givingday import flag_store
        from givingday.warehouse import Warehouse

        flag_store.watch(Warehouse(args.warehouse), load_event(args.event), args.interval)
        return 0
    try:
        found = flags(reader(args.warehouse), load_event(args.event))
    except NoData as exc:
        return fail(str(exc), EXIT_NO_DATA)
    except QueryError as exc:
        return fail(str(exc))
    if args.format == "json":
        print(json.dumps(found, ensure_ascii=False))
    else:
        for flag in found:
            subject = flag["project_id"] or flag["donor_key"]
            print(f"{flag['detector']:<15} {subject or '':<18} {flag['window_start'] or ''} {flag['evidence']}")
    return 0


def cmd_serve(args) -> int:
    from givingday.serve import serve
    return serve(demo=args.demo, port=args.port, scale=args.scale, speed=args.speed,
                 warehouse=args.warehouse, inbox=args.inbox, replicas=args.replicas, max_sessions=args.max_sessions)


def cmd_soak(args) -> int:
    from givingday.soak import soak
    return soak(minutes=args.minutes, interval=args.interval, rotate=args.rotate, scale=args.scale)


def cmd_replay(args) -> int:
    from givingday.replay import replay
    return replay(scale=args.scale, minutes=args.minutes, interval=args.interval, retention=args.retention_minutes,
                  docs=args.docs, workdir=args.workdir, linger=args.linger)


def cmd_chaos(args) -> int:
    from givingday.chaos import chaos
    return chaos(minutes=args.minutes, scale=args.scale, retention=args.retention_minutes, viewers=args.viewers,
                 kill_replica_every=args.kill_replica_every, kill_ingest_every=args.kill_ingest_every, s3=args.s3,
                 outages=args.outages, outage_seconds=args.outage_seconds, docs=args.docs, workdir=args.workdir)


def cmd_loadtest(args) -> int:
    from givingday.loadtest import loadtest
    return loadtest(url=args.url, page=args.page, query=args.query, sessions=args.sessions, duration=args.duration,
                    every=args.every, ramp=args.ramp, server_pid=args.server_pid, output=args.format,
                    reruns=args.reruns, herd=args.herd)


def cmd_profile(args) -> int:
    from givingday.profile_pages import PAGES, profile
    profile(args.warehouse, tuple(args.page) or PAGES, args.sessions, args.seconds)
    return 0


def cmd_bench(args) -> int:
    from givingday.bench import bench, serving
    if args.warehouse and args.takes:
        from givingday.bench_takes import takes
        takes(args.warehouse, args.takes)
        return 0
    if args.warehouse:
        return serving(args.warehouse, args.page_seconds, args.api_seconds, args.baseline)
    return bench(scale=args.scale, workdir=args.workdir, repeats=args.repeats, keep=args.keep, passes=args.passes,
                 page_seconds=args.page_seconds, api_seconds=args.api_seconds, hot_passes=args.hot_minute_passes,
                 baseline=args.baseline)


# ---------------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m givingday", description=__doc__.splitlines()[0])
    top.add_argument("--event", help="event folder id (default: $GIVINGDAY_EVENT or chongqing-2022)")
    commands = top.add_subparsers(dest="command", required=True)

    simulate = commands.add_parser("simulate", help="write a synthetic event into an inbox")
    simulate.add_argument("--inbox", help="default: $GIVINGDAY_INBOX or data/inbox")
    simulate.add_argument("--scale", type=float, default=1.0)
    simulate.add_argument("--seed", type=int, default=2022)
    simulate.add_argument("--live", action="store_true", help="replay in compressed time")
    simulate.add_argument("--speed", type=float, default=60.0, help="simulated seconds per second")
    simulate.add_argument("--live-from", help="simulated time to start the live replay (ISO 8601)")
    simulate.add_argument("--inject-anomalies", action="store_true",
                          help="plant the patterns the integrity monitor looks for (apportionment, match "
                               "farming, match outliers, a rush of brand-new donors)")
    simulate.set_defaults(run=cmd_simulate)

    ingest = commands.add_parser("ingest", help="validate the inbox and publish a warehouse version")
    ingest.add_argument("--inbox", help="default: $GIVINGDAY_INBOX or data/inbox")
    ingest.add_argument("--warehouse", help="default: $GIVINGDAY_WAREHOUSE or data/warehouse")
    ingest.add_argument("--report", type=Path, help="write the JSON report here")
    ingest.add_argument("--watch", action="store_true", help="poll the inbox and publish continuously")
    ingest.add_argument("--interval", type=float, default=2.0, help="seconds between passes with --watch")
    ingest.add_argument("--retention-minutes", type=float, metavar="MINUTES",
                        help="reclaim versions published longer ago than this (default: "
                             "$GIVINGDAY_RETENTION_MINUTES or 15; the current version is always kept)")
    ingest.set_defaults(run=cmd_ingest)

    query = commands.add_parser("query", help="run a named query on the published version")
    query.add_argument("name")
    query.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
    query.add_argument("--warehouse", help="default: $GIVINGDAY_WAREHOUSE or data/warehouse")
    query.add_argument("--format", choices=("json", "csv", "table"), default="table")
    query.set_defaults(run=cmd_query)

    event = commands.add_parser("event", help="check an event folder (event.toml, districts.csv, boundaries)")
    event.add_argument("action", choices=("check",))
    event.add_argument("folder", help="the event folder, e.g. data/events/chongqing-2022")
    event.set_defaults(run=cmd_event)

    users = commands.add_parser("users", help="staff accounts in .streamlit/secrets.toml (bcrypt hashes)")
    users.add_argument("action", choices=("add", "remove", "list"))
    users.add_argument("name", nargs="?")
    users.add_argument("--role", choices=("staff", "auditor"), default="staff")
    users.add_argument("--email")
    users.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    users.set_defaults(run=cmd_users)

    alerts_ = commands.add_parser("alerts", help="alerts for staff: pools running out, stalls, stale data, ...")
    alerts_.add_argument("--warehouse", help="default: $GIVINGDAY_WAREHOUSE or data/warehouse")
    alerts_.add_argument("--format", choices=("json", "table"), default="table")
    alerts_.add_argument("--deliver", action="store_true",
                         help="post new warning/critical alerts to [staff] webhook_url once (企业微信 format)")
    alerts_.add_argument("--every", type=float, metavar="SECONDS",
                         help="keep checking (and delivering) every SECONDS until interrupted")
    alerts_.set_defaults(run=cmd_alerts)

    flags_ = commands.add_parser("flags", help="integrity flags: forbidden fundraising patterns, with evidence")
    flags_.add_argument("--warehouse", help="default: $GIVINGDAY_WAREHOUSE or data/warehouse")
    flags_.add_argument("--format", choices=("json", "table"), default="table")
    flags_.add_argument("--watch", action="store_true",
                        help="scan each newly published version once and store its flags for every server")
    flags_.add_argument("--interval", type=float, default=2.0, help="seconds between checks with --watch")
    flags_.set_defaults(run=cmd_flags)

    serve = commands.add_parser("serve", help="run the dashboard (with --demo: simulate and ingest too)")
    serve.add_argument("--demo", action="store_true", help="live demo data in a temporary folder")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--scale", type=float, default=1.0, help="demo data scale")
    serve.add_argument("--speed", type=float, default=120.0, help="demo replay speed")
    serve.add_argument("--warehouse")
    serve.add_argument("--inbox")
    serve.add_argument("--replicas", type=int, default=0,
                       help="run N Streamlit processes behind nginx on --port (sticky by cookie)")
    serve.add_argument("--max-sessions", type=int, default=0,
                       help="viewers admitted per process; past it a short 'reload in a minute' page")
    serve.set_defaults(run=cmd_serve)

    prof = commands.add_parser("profile", help="where each page's server CPU goes, in shares (py-spy)")
    prof.add_argument("--warehouse", type=Path, required=True)
    prof.add_argument("--page", action="append", default=[], help="a page's url path (repeat; default: every page)")
    prof.add_argument("--sessions", type=int, default=20, help="viewers rerunning the page, then arriving at once")
    prof.add_argument("--seconds", type=float, default=20.0, help="seconds of sampling per page")
    prof.set_defaults(run=cmd_profile)

    bench = commands.add_parser("bench", help="print ingest and query figures at a data scale")
    bench.add_argument("--scale", type=float, default=1.0)
    bench.add_argument("--workdir", type=Path, help="where to put the inbox and warehouse")
    bench.add_argument("--repeats", type=int, default=15, help="runs per query for the median")
    bench.add_argument("--keep", action="store_true", help="keep the generated data")
    bench.add_argument("--passes", type=int, default=5, help="live passes of 2,000 gifts timed at the end")
    bench.add_argument("--hot-minute-passes", type=int, default=0,
                       help="then this many passes of 2,000 gifts all into one minute (does a pass grow slower?)")
    bench.add_argument("--page-seconds", type=float, default=30,
                       help="time each page's reruns for this long at one viewer (0: skip)")
    bench.add_argument("--api-seconds", type=float, default=10,
                       help="wrk each open-data case for this long (0: skip)")
    bench.add_argument("--baseline", metavar="REF",
                       help="measure the pages of this commit too (a git worktree), in turn, and print the ratios")
    bench.add_argument("--warehouse", type=Path, metavar="DIR",
                       help="only the web figures (pages, open data) on this warehouse; no simulation or ingest")
    bench.add_argument("--takes", type=int, default=0, metavar="N",
                       help="with --warehouse: only how soon two kiosks put N director's takes and clears on air")
    bench.set_defaults(run=cmd_bench)

    replay_ = commands.add_parser("replay", help="the 72 hours live at high speed: pass times, publish-to-screen "
                                                 "latency, warehouse size and RSS over time")
    replay_.add_argument("--scale", type=float, default=1.0)
    replay_.add_argument("--minutes", type=float, default=10.0, help="wall-clock minutes for the 72 hours")
    replay_.add_argument("--interval", type=float, default=2.0, help="ingest --watch interval (seconds)")
    replay_.add_argument("--retention-minutes", type=float, default=15.0)
    replay_.add_argument("--docs", action="store_true", help="write the report into docs/benchmarks.md")
    replay_.add_argument("--linger", action="store_true",
                         help="after the data stops, stay until the retention window has passed")
    replay_.add_argument("--workdir", type=Path, help="keep the inbox and warehouse here")
    replay_.set_defaults(run=cmd_replay)

    chaos_ = commands.add_parser("chaos", help="the live loop under faults with viewers on: replicas and the ingest "
                                               "killed, the S3 endpoint stopped; checks what the screens showed")
    chaos_.add_argument("--minutes", type=float, default=20.0, help="wall-clock minutes for the 72 hours")
    chaos_.add_argument("--scale", type=float, default=1.0)
    chaos_.add_argument("--retention-minutes", type=float, default=1.0)
    chaos_.add_argument("--viewers", type=int, default=50, help="sessions from the load driver")
    chaos_.add_argument("--kill-replica-every", type=float, default=300.0, metavar="SECONDS")
    chaos_.add_argument("--kill-ingest-every", type=float, default=420.0, metavar="SECONDS")
    chaos_.add_argument("--s3", action="store_true", help="the warehouse on a local S3 endpoint that is stopped")
    chaos_.add_argument("--outages", type=int, default=2, help="times the S3 endpoint is stopped (with --s3)")
    chaos_.add_argument("--outage-seconds", type=float, default=30.0)
    chaos_.add_argument("--docs", action="store_true", help="write the report into docs/benchmarks.md")
    chaos_.add_argument("--workdir", type=Path, help="keep the inbox and warehouse here")
    chaos_.set_defaults(run=cmd_chaos)

    load = commands.add_parser("loadtest", help="a crowd of viewers over Streamlit's websocket protocol: "
                                                "rerun latency, errors, server CPU and RSS")
    load.add_argument("--url", required=True, help="the dashboard's base URL, e.g. http://127.0.0.1:8501")
    load.add_argument("--page", default="/", help="the page's url path: /, /boards, /bigscreen, ...")
    load.add_argument("--query", default="", help="the page's query string, e.g. 'lang=en'")
    load.add_argument("--sessions", type=int, required=True)
    load.add_argument("--duration", type=float, required=True, help="seconds after the last arrival")
    load.add_argument("--every", type=float, default=10.0, help="seconds between full reruns of a session")
    load.add_argument("--ramp", type=float, default=0.0, help="arrivals spread over this many seconds")
    load.add_argument("--reruns", type=int, default=0, metavar="N",
                      help="each served viewer stays until it has timed N full reruns, however long that takes")
    load.add_argument("--herd", action="store_true",
                      help="rerun only when the page's version check finds a new version, as browsers do "
                           "(every viewer within the check's interval after each publication); instead of --every")
    load.add_argument("--server-pid", type=int, help="report this process's (and its children's) CPU and RSS")
    load.add_argument("--format", choices=("text", "json"), default="text")
    load.set_defaults(run=cmd_loadtest)

    soak = commands.add_parser("soak", help="run the big screen for a long time with live data; print memory")
    soak.add_argument("--minutes", type=float, default=30.0)
    soak.add_argument("--interval", type=float, default=60.0, help="seconds between samples")
    soak.add_argument("--rotate", type=float, default=5.0, help="seconds per scene")
    soak.add_argument("--scale", type=float, default=0.2)
    soak.set_defaults(run=cmd_soak)
    return top


def main(argv: list[str] | None = None) -> int:
    from givingday.event import EventError
    from givingday.warehouse import WarehouseError

    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except EventError as exc:
        return fail(str(exc))
    except WarehouseError as exc:
        return fail(str(exc))
    except BrokenPipeError:
        return 0
