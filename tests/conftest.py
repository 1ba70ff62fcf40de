import pytest


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



# How much a test weighs when the workers share the suite out (a rough count of seconds).
WEIGHT = {"slow": 60, "browser": 15}


def pytest_collection_modifyitems(config, items):
    """Share the suite out so that no worker is left alone with a long test at the end
    (pytest.ini: `--dist loadgroup --no-loadscope-reorder`; xdist then hands out groups in
    the order collected here).

    A module's tests stay together on one worker, as they share its servers and warehouses,
    except a module marked `spread`, whose tests each go where a worker is free. The heaviest
    groups come first: a 2-minute test started last kept one worker busy for 2 minutes
    while the others had finished."""
    weights: dict[str, int] = {}
    for item in items:
        group = item.nodeid if item.get_closest_marker("spread") else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))
        weight = max((w for mark, w in WEIGHT.items() if item.get_closest_marker(mark)), default=1)
        weights[group] = weights.get(group, 0) + weight
    order = {group: rank for rank, group in enumerate(sorted(weights, key=lambda g: -weights[g]))}
    items.sort(key=lambda item: order[item.get_closest_marker("xdist_group").args[0]])
