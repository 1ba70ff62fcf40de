"""The open data over HTTP, against a real `streamlit run server.py`: every route's figures equal
the named queries, ETags follow the published version, bad requests get clear statuses, and
no donor key or nickname ever leaves the server."""

import csv
import datetime as dt
import gzip
import io
import json
import re
import urllib.error
import urllib.request

import pytest

from givingday import queries
from givingday.api import encoding
from givingday.api.answers import MAX_LIMIT, PROJECT_ROUTES, ROUTES
from givingday.browser import streamlit_server
from givingday.warehouse import Warehouse
from tests.helpers import at, credit, gift, ingest_ok, reference_inbox, write

pytestmark = pytest.mark.slow

DONORS = {"key-aaa-111": "欧阳娜娜", "key-bbb-222": "Zhang Wei", "key-ccc-333": "李小龙"}


def _gifts(prefix: str, hour: int) -> list[dict]:
    keys = list(DONORS)
    return [gift(f"{prefix}{i}", f"P{1 + i % 4}", 1_000 + 37 * i, at(27, hour, i % 60), donor=keys[i % 3],
                 name=DONORS[keys[i % 3]]) for i in range(24)]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A warehouse with named donors, served; yields (base url, inbox, warehouse)."""
    root = tmp_path_factory.mktemp("api")
    inbox, warehouse = root / "inbox", root / "warehouse"
    reference_inbox(inbox)
    write(inbox, "donations", "donations-20220427T110000-000001.parquet", _gifts("D", 11))
    write(inbox, "matches", "matches-20220427T110000-000001.parquet",
          [credit(f"M{i}", f"P{1 + i % 2}", 500, at(27, 11, i), donation_id=f"D{i}") for i in range(6)])
    ingest_ok(inbox, warehouse)
    with streamlit_server(warehouse) as url:
        yield url, inbox, warehouse


def _get(url: str, headers: dict | None = None, method: str = "GET"):
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def _json(url: str) -> dict:
    status, _, body = _get(url)
    assert status == 200, (url, body)
    return json.loads(body)


def _expected(warehouse, name: str, **params) -> list[dict]:
    from givingday import output
    return output.records(queries.reader(Warehouse(warehouse)).run(name, params))


def _same_figures(rows: list[dict], expected: list[dict]) -> None:
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        for column, value in want.items():
            if column == "donors" and want.get("donors_under_3"):
                assert got[column] is None  # not shown for 1-2 donors, as on the pages
                continue
            assert got[column] == value, (column, got, want)
            if column.endswith("_fen") and value is not None:
                assert got[column.removesuffix("_fen") + "_yuan"] == round(value / 100, 2)


def test_every_route_answers_the_named_queries_to_the_fen(site):
    url, _, warehouse = site
    for name, route in ROUTES.items():
        document = _json(f"{url}/api/v1/{name}.json")
        assert document["version"] == Warehouse(warehouse).current_version()
        assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00", document["as_of"])
        _same_figures(document["rows"], _expected(warehouse, route.query))
    filtered = _json(f"{url}/api/v1/projects.json?category=elderly&sort=donations&limit=2&offset=0")
    _same_figures(filtered["rows"], _expected(warehouse, "board_projects", category="elderly", sort="donations")[:2])
    hourly = _json(f"{url}/api/v1/timeline.json?grain=minute")
    _same_figures(hourly["rows"], _expected(warehouse, "timeline", grain="minute"))
    for part, (query, _) in PROJECT_ROUTES.items():
        document = _json(f"{url}/api/v1/projects/P1{'/' + part if part else ''}.json")
        _same_figures(document["rows"], _expected(warehouse, query, project="P1"))
    project = _json(f"{url}/api/v1/projects/P1.json?grain=minute")
    _same_figures(project["timeline"], _expected(warehouse, "project_timeline", project="P1", grain="minute"))
    _same_figures(project["pools"], _expected(warehouse, "project_pools", project="P1"))
    status, headers, body = _get(f"{url}/api/v1/projects.csv")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(body.decode())))
    assert [int(r["raised_fen"]) for r in table] == [r["raised_fen"] for r in _expected(warehouse, "board_projects")]
    current = _json(f"{url}/api/v1/versions/current.json")["rows"][0]
    manifest = Warehouse(warehouse).manifest()
    published = dt.datetime.fromisoformat(current["published_at"])
    assert current["version"] == manifest.version and current["published_at"].endswith("+08:00")
    assert published == dt.datetime.fromisoformat(manifest.published_at)
    assert current["as_of"] == _expected(warehouse, "totals")[0]["as_of"]
    assert _json(f"{url}/api/v1/corrections.json")["rows"] == _expected(warehouse, "corrections")
    described = _json(f"{url}/api/v1/?format=json")
    paths = {r["path"] for r in described["routes"]}
    assert {f"/api/v1/{name}" for name in ROUTES} <= paths and "/api/v1/projects/{project_id}/timeline" in paths
    raised = next(r for r in described["routes"] if r["path"] == "/api/v1/totals")
    assert {"name": "raised_fen", "unit": "integer fen"} in raised["columns"] and raised["caveats"]
    status, headers, body = _get(f"{url}/api/v1/", {"Accept": "text/html"})
    assert status == 200 and b"/api/v1/projects" in body and headers["Content-Type"].startswith("text/html")


def test_etags_follow_the_published_version(site, tmp_path):
    url, inbox, warehouse = site
    status, headers, _ = _get(f"{url}/api/v1/totals.json")
    etag = headers["ETag"]
    assert status == 200 and headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age=" in headers["Cache-Control"] and "stale-while-revalidate" in headers["Cache-Control"]
    assert headers["Last-Modified"].endswith("GMT")
    assert _get(f"{url}/api/v1/totals.json", {"If-None-Match": etag})[0] == 304
    assert _get(f"{url}/api/v1/totals.json")[1]["ETag"] == etag  # nothing new: the same tag
    assert _get(f"{url}/api/v1/projects.json")[1]["ETag"] != etag  # another request: another tag
    write(inbox, "donations", "donations-20220427T120000-000002.parquet", _gifts("E", 12))
    ingest_ok(inbox, warehouse)
    status, headers, body = _get(f"{url}/api/v1/totals.json", {"If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag
    assert json.loads(body)["rows"][0]["raised_fen"] == _expected(warehouse, "totals")[0]["raised_fen"]


def test_answers_go_gzipped_to_clients_that_take_it_compressed_once(site):
    """As every browser asks: Accept-Encoding gzip gets the stored answer's gzipped body, its
    own ETag, and a 304 for either representation; a client that does not ask gets the body."""
    url, _, _ = site
    for path in ("/api/v1/projects.json", "/api/v1/projects.csv", "/live", "/embed/projects/P1"):
        status, plain_headers, plain = _get(url + path, {"Accept-Encoding": "identity"})
        assert status == 200 and "Content-Encoding" not in plain_headers, path
        status, headers, body = _get(url + path, {"Accept-Encoding": "gzip, deflate, br"})
        assert status == 200 and headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in headers["Vary"], path
        assert gzip.decompress(body) == plain and len(body) < len(plain), path
        assert headers["ETag"] != plain_headers["ETag"], path  # another representation, another tag
        for tag in (headers["ETag"], plain_headers["ETag"]):
            assert _get(url + path, {"Accept-Encoding": "gzip", "If-None-Match": tag})[0] == 304, path
        head = _get(url + path, {"Accept-Encoding": "gzip"}, method="HEAD")
        assert head[0] == 200 and int(head[1]["Content-Length"]) == len(body) and head[2] == b"", path
    assert encoding.compressed(b"x" * 100) is None  # too small to gain: sent as it is
    assert gzip.decompress(encoding.compressed(b"x" * encoding.SMALLEST)) == b"x" * encoding.SMALLEST


def test_bad_requests_get_clear_answers_and_the_server_keeps_serving(site, tmp_path):
    url, _, _ = site
    cases = [("/api/v1/nothing.json", 404, None), ("/api/v1/projects/NOPE.json", 404, None),
             ("/api/v1/projects/NOPE/timeline.json", 404, None), ("/api/v1/projects.json?colour=red", 400, "colour"),
             ("/api/v1/projects.json?district=abc", 400, "district"), ("/api/v1/projects.json?sort=luck", 400, "sort"),
             (f"/api/v1/projects.json?limit={MAX_LIMIT + 1}", 400, "limit"), ("/api/v1/orgs.json?offset=-1", 400, "offset"),
             ("/api/v1/timeline.json?grain=week", 400, "grain"), ("/api/v1/totals.xml", 404, None),
             ("/embed/projects/NOPE", 404, None)]
    for path, code, parameter in cases:
        status, headers, body = _get(url + path)
        answer = json.loads(body)
        assert (status, answer.get("parameter")) == (code, parameter), (path, answer)
        assert answer["error"] and "Traceback" not in answer["error"]
    for method in ("POST", "PUT", "DELETE"):
        status, headers, body = _get(f"{url}/api/v1/totals.json", method=method)
        assert status == 405 and json.loads(body)["error"], method
    assert _get(f"{url}/api/v1/totals.json", method="HEAD")[0] == 200
    assert _get(f"{url}/api/v1/totals.json")[0] == 200  # still serving

    empty = tmp_path / "empty"
    empty.mkdir()
    with streamlit_server(empty) as bare:
        status, headers, body = _get(f"{bare}/api/v1/totals.json")
        assert status == 503 and int(headers["Retry-After"]) > 0 and json.loads(body)["error"]
        assert _get(f"{bare}/live")[0] == 503


def test_no_donor_key_or_nickname_in_any_answer(site):
    url, _, _ = site
    paths = [f"/api/v1/{name}.{fmt}" for name in ROUTES for fmt in ("json", "csv")]
    paths += [f"/api/v1/projects/P1{'/' + part if part else ''}.{fmt}" for part in PROJECT_ROUTES for fmt in ("json", "csv")]
    paths += ["/api/v1/live.json", "/api/v1/live.json?lang=en", "/live", "/live?lang=en", "/embed/projects/P1",
              "/api/v1/?format=json", "/api/v1/"]
    for path in paths:
        status, _, body = _get(url + path)
        text = body.decode()
        assert status == 200, path
        for key, nickname in DONORS.items():
            assert key not in text and nickname not in text and nickname[1:] not in text, path


def test_the_live_page_and_the_embed_card_are_small_plain_html(site):
    url, _, warehouse = site
    status, headers, body = _get(f"{url}/live", {"Accept-Encoding": "identity"})
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    assert len(body) <= 60_000 and b"/static/js" not in body and b"_stcore" not in body
    page = body.decode()
    assert '<html lang="zh-CN">' in page and 'id="raised"' in page
    from givingday.ui import format as fmt
    assert fmt.yuan(_expected(warehouse, "totals")[0]["raised_fen"], "zh") in page
    assert '<html lang="en">' in _get(f"{url}/live?lang=en")[2].decode()
    live = _json(f"{url}/api/v1/live.json")
    assert [r["project_id"] for r in live["top"]] == [r["project_id"] for r in _expected(warehouse, "board_projects")][:10]
    status, headers, body = _get(f"{url}/embed/projects/P1")
    assert status == 200 and "frame-ancestors *" in headers["Content-Security-Policy"]
    assert "P1" in body.decode() and 'href="../../projects?project=P1"' in body.decode()


def test_the_server_serves_the_frontend_files_compressed_from_memory(site):
    url, _, _ = site
    html = _get(f"{url}/")[2].decode()
    asset = html.split('src="./static/', 1)[1].split('"', 1)[0]
    status, headers, body = _get(f"{url}/static/{asset}", {"Accept-Encoding": "gzip"})
    assert status == 200 and headers["Content-Encoding"] == "gzip" and "immutable" in headers["Cache-Control"]
    assert gzip.decompress(body) == _get(f"{url}/static/{asset}")[2]
    status, _, body = _get(f"{url}/static/../../../etc/passwd")
    assert status in (400, 404) and b"root:" not in body  # nothing outside Streamlit's static folder


def test_every_pages_shell_carries_the_focus_ring_before_any_script_runs(site):
    # the top navigation is drawn before a page's own styles arrive: the ring is in the shell
    from givingday.api import static_bundle
    from givingday.ui.site import SITE

    url, _, _ = site
    assert static_bundle.SHELL_PATHS == {"/"} | {f"/{path}" for _, _, path, _ in SITE}  # every page of app.py's menu
    ring = static_bundle.FOCUS_CSS.read_text(encoding="utf-8")
    for path in sorted(static_bundle.SHELL_PATHS):
        status, headers, body = _get(f"{url}{path}?lang=en")
        html = body.decode()
        assert status == 200 and headers["Cache-Control"] == "no-cache", path
        assert f"<style>{ring}</style></head>" in html and 'src="./static/' in html, path



def test_the_server_sends_without_nagles_delay():
    import socket

    from givingday.api import nodelay

    class Protocol:
        def connection_made(self, transport):
            self.transport = transport

    class Transport:
        def __init__(self, connection):
            self.connection = connection

        def get_extra_info(self, name):
            return self.connection if name == "socket" else None

    nodelay._patch(Protocol)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as connection:
        Protocol().connection_made(Transport(connection))
        assert connection.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY) == 1


@pytest.mark.parametrize("header,takes", [("gzip, deflate, br", True), ("br;q=1.0, gzip;q=0.8", True), ("*", True),
                                          ("gzip;q=0", False), ("identity", False), ("", False), ("gzip;q=x", False)])
def test_accept_encoding_is_read_with_its_weights(header, takes):
    assert encoding.accepts_gzip(header) is takes
