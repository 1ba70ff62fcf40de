import pytest

# The cost class of a module's tests, longest first: xdist hands the workers their work in
# this order, so the long browser and slow modules start early and the short ones fill the
# end, instead of one 4-minute module starting last on one worker.
_FIRST, _THEN = "browser", "slow"


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true",
                     help="rewrite the golden query results from the current code (on purpose only)")


@pytest.fixture
def regen_golden(request) -> bool:
    return request.config.getoption("--regen-golden")


@pytest.fixture
def inbox(tmp_path):
    path = tmp_path / "inbox"
    path.mkdir()
    return path


@pytest.fixture
def warehouse(tmp_path):
    return tmp_path / "warehouse"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """One xdist group per module (a module's servers and warehouses are its own), unless a
    test names its own group; the groups ordered longest first (`--dist loadgroup
    --no-loadscope-reorder` in pytest.ini). Runs before xdist's hook reads the marks."""
    for item in items:
        if item.get_closest_marker("xdist_group") is None:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))
    groups: dict[str, list] = {}
    for item in items:
        groups.setdefault(item.get_closest_marker("xdist_group").args[0], []).append(item)

    def cost(group: list) -> tuple[int, int]:
        marks = {m.name for item in group for m in item.iter_markers()}
        return (0 if _FIRST in marks else 1 if _THEN in marks else 2, -len(group))

    items[:] = [item for group in sorted(groups.values(), key=cost) for item in group]
