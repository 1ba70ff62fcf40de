import fcntl
import os
import shutil
from pathlib import Path

import pytest

from givingday.browser import CHROMIUM, CHROMIUM_ARGS, streamlit_server
from givingday.event import load_event
from givingday.simulate import simulate
from tests.helpers import ingest

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"


@pytest.fixture(scope="session")
def screenshots() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser():
    """One chromium per worker. A fresh browser's first page costs about 7 cpu-s more than
    the next ones (6.2 against 3.0 for the overview, then 4 cpu-s in the 10 s after, against
    0.2: the bundle's compile and code cache, fonts); a browser per module paid that nine
    times a run. Tests open their own pages or contexts and close them."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: ./dev test installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _close_what_the_test_opened(request):
    """The browser outlives the test: its pages and contexts do not (a kiosk left open would
    go on running, and a failed test does not reach its own `page.close()`)."""
    if "browser" not in request.fixturenames:
        yield
        return
    browser = request.getfixturevalue("browser")
    before = set(browser.contexts)
    yield
    for context in [c for c in browser.contexts if c not in before]:
        context.close()


@pytest.fixture
def copy_tree(tmp_path):
    def copy(source: Path) -> Path:
        target = tmp_path / source.name
        shutil.copytree(source, target)
        return target
    return copy


@pytest.fixture(scope="session")
def simulated(tmp_path_factory):
    """A small simulated event (about 23,000 gifts), ingested: inbox and warehouse. Made once
    per run, by the first of the workers to need it, under a lock (the workers' temporary
    folders share a parent). Tests only read it; one that publishes works on a copy
    (`copy_tree`)."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    root = shared / "browser-simulated"
    with open(shared / "browser-simulated.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (root / "made").is_file():
            shutil.rmtree(root, ignore_errors=True)
            simulate(load_event(), root / "inbox", scale=0.01, seed=11)
            code, _ = ingest(root / "inbox", root / "warehouse")
            assert code == 0
            (root / "made").touch()
    return root


@pytest.fixture(scope="module")
def server(simulated):
    with streamlit_server(simulated / "warehouse") as url:
        yield url
